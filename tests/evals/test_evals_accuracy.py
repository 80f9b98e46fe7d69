import sys
import types

import pytest

from evals import analysis_adapters as A
from evals.accuracy import map_cluster_of, map_stage_of, run_accuracy
from evals.gold import ClusterLabel, EmotionLabel, GoldSet, Qrel, StageLabel, ValenceLabel
from tests.mapfixtures import make_map


def _stage_gold(units) -> GoldSet:
    return GoldSet("stage", [StageLabel(unit_id=u.id, stage=str(u.metadata["stage_hint"])) for u in units.values()])


def test_map_stage_assignment_scored_against_gold():
    units, journey_map = make_map()
    report = run_accuracy(journey_map, units, {"stage": _stage_gold(units)})
    assert report.metric("stage_accuracy").score == 1.0
    assert report.metric("stage_macro_f1").score == 1.0


def test_wrong_and_unassigned_units_lower_stage_accuracy_and_are_listed():
    units, journey_map = make_map()
    moved = journey_map.stages[0].unit_ids.pop()  # consideration unit now unassigned
    journey_map.stages[2].unit_ids.insert(0, journey_map.stages[1].unit_ids.pop(0))  # a purchase unit moved to delivery
    report = run_accuracy(journey_map, units, {"stage": _stage_gold(units)})
    acc = report.metric("stage_accuracy")
    assert acc.score == pytest.approx(6 / 8) and acc.passed
    reasons = {i.location: i.reason for i in acc.items}
    assert reasons[f"units.{moved}"] == "gold 'consideration', predicted '(unassigned)'"
    assert report.metric("stage_macro_f1").score < 1


def test_gold_by_text_and_rows_outside_the_corpus():
    units, journey_map = make_map()
    rows = [StageLabel(text=u.text, stage=str(u.metadata["stage_hint"])) for u in units.values()]
    rows.append(StageLabel(text="never said", stage="purchase"))
    report = run_accuracy(journey_map, units, {"stage": GoldSet("stage", rows)})
    assert report.metric("stage_accuracy").n == 8
    assert report.info["stage_rows_not_in_corpus"] == 1


def test_clusters_from_claims_scored_with_nmi_and_purity():
    units, journey_map = make_map()
    cluster_of = map_cluster_of(journey_map)
    gold = GoldSet("cluster", [ClusterLabel(unit_id=uid, cluster=f"theme-{cid}") for uid, cid in cluster_of.items()])
    report = run_accuracy(journey_map, units, {"cluster": gold})
    assert report.metric("cluster_nmi").score == pytest.approx(1.0)
    assert report.metric("cluster_purity").score == 1.0
    assert set(map_stage_of(journey_map)) == set(units)


def test_injected_predictors_and_retriever():
    units, journey_map = make_map()
    ids = list(units)
    gold = {
        "emotion": GoldSet("emotion", [EmotionLabel(unit_id=i, emotion="anger" if n % 2 else "joy") for n, i in enumerate(ids)]),
        "valence": GoldSet("valence", [ValenceLabel(unit_id=i, valence=(n % 3) / 3) for n, i in enumerate(ids)]),
        "qrels": GoldSet("qrels", [Qrel(query="checkout", unit_id=ids[0], relevance=2), Qrel(query="checkout", unit_id=ids[1], relevance=1)]),
    }
    texts_seen = []

    def emotions(texts):
        texts_seen.extend(texts)
        return ["anger" if "annoying" in t or "crashing" in t else "joy" for t in texts]

    report = run_accuracy(journey_map, units, gold, predict_emotion=emotions,
                          predict_valence=lambda texts: [len(t) for t in texts], retrieve=lambda q, k: [ids[1], ids[0]][:k], k=2)
    assert texts_seen == [units[i].text for i in ids]
    assert 0 < report.metric("emotion_macro_f1").score < 1
    assert -1 <= report.metric("sentiment_pearson").score <= 1
    assert report.metric("precision_at_k").score == 1.0
    assert report.metric("ndcg_at_k").score == pytest.approx((1 + 3 / 1.5849625) / (3 + 1 / 1.5849625), abs=1e-4)


def test_missing_retriever_is_a_skip_with_the_fix():
    units, journey_map = make_map()
    report = run_accuracy(journey_map, units, {"qrels": GoldSet("qrels", [Qrel(query="q", unit_id="u", relevance=1)])})
    assert report.metric("ndcg_at_k").passed is None and "retrieve" in report.metric("ndcg_at_k").reason


def test_adapter_reports_a_missing_module_as_a_message():
    message = A._adapt("assistant.analysis.no_such_module_xyz", "emotions")
    assert isinstance(message, str) and "not available" in message
    assert "has no function 'nope'" in A._adapt("evals.metrics", "nope")


def test_adapter_coerces_objects_and_passes_the_embedder(monkeypatch):
    module = types.ModuleType("fake_emotion_mod")
    seen = {}

    def emotions(texts, embedder=None):
        seen["embedder"] = embedder
        return [types.SimpleNamespace(label="joy"), {"label": "anger"}, "fear"][: len(texts)]

    module.emotions = emotions
    monkeypatch.setitem(sys.modules, "fake_emotion_mod", module)
    predict = A._adapt("fake_emotion_mod", "emotions", embedder="EMB")
    assert predict(["a", "b", "c"]) == ["joy", "anger", "fear"]
    assert seen["embedder"] == "EMB"
    units, journey_map = make_map()
    report = run_accuracy(journey_map, units, {"emotion": GoldSet("emotion", [EmotionLabel(unit_id=next(iter(units)), emotion="joy")])},
                          predict_emotion=predict)
    assert report.metric("emotion_macro_f1").score == 1.0


def test_missing_model_file_becomes_a_skip_but_real_errors_propagate():
    def missing(texts):
        raise FileNotFoundError("emotion_head.npz")

    def broken(texts):
        raise ValueError("bug")

    assert "could not run: FileNotFoundError" in A.predict_or_reason(missing, ["a"])
    with pytest.raises(ValueError):
        A.predict_or_reason(broken, ["a"])
    units, journey_map = make_map()
    gold = {"emotion": GoldSet("emotion", [EmotionLabel(unit_id=next(iter(units)), emotion="joy")])}
    metric = run_accuracy(journey_map, units, gold, predict_emotion=missing).metric("emotion_macro_f1")
    assert metric.passed is None and "emotion_head.npz" in metric.reason


def test_tuple_outputs_are_reduced_to_their_label():
    assert A._label(("joy", 0.93)) == "joy"
    assert A._label(0.5) == 0.5
