"""Accuracy suites against gold labels: stages, emotions, sentiment, themes (clusters) and retrieval.

The `*_metrics` functions score predictions you already have; `run_accuracy` scores a map
(its stage assignment and theme clusters) and, where a predictor is given or the analysis
layer provides one, emotions, sentiment and retrieval.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Mapping, Optional, Sequence

from assistant.models import FeedbackUnit, JourneyMap
from evals import metrics as M
from evals.core import EvalResult, FailingItem, SuiteReport, timed
from evals.gold import GoldSet, Qrel, resolve_units

UNASSIGNED = "(unassigned)"

# Default floors, a little under the baselines measured on the shared data (OFFLINE-MODELS.md):
# stage zero-shot 0.63 accuracy; emotion zero-shot 0.24 macro-F1; VADER Pearson r 0.59.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "stage_accuracy": 0.6,
    "stage_macro_f1": 0.5,
    "emotion_macro_f1": 0.2,
    "sentiment_pearson": 0.5,
    "cluster_nmi": 0.4,
    "cluster_purity": 0.5,
    "precision_at_k": 0.5,
    "ndcg_at_k": 0.5,
}

Retrieve = Callable[[str, int], Sequence[str]]


def _measure(name: str, score: float, n: int, thresholds: Mapping[str, float] | None, reason: str,
             items: list[FailingItem] | None = None) -> EvalResult:
    threshold = (thresholds or {}).get(name, DEFAULT_THRESHOLDS[name])
    return EvalResult.measure(name, round(score, 4), threshold, n=n, reason=reason, items=items)


def _confusions(ids: Sequence[str], gold: Sequence[str], predicted: Sequence[str], limit: int = 50) -> list[FailingItem]:
    wrong = [(i, g, p) for i, g, p in zip(ids, gold, predicted) if g != p]
    return [FailingItem(location=f"units.{i}", reason=f"gold '{g}', predicted '{p}'") for i, g, p in wrong[:limit]]


def stage_metrics(gold: Sequence[str], predicted: Sequence[str], ids: Sequence[str] | None = None,
                  thresholds: Mapping[str, float] | None = None) -> list[EvalResult]:
    """stage_accuracy and stage_macro_f1 (macro over the gold stages)."""
    ids = ids or [str(i) for i in range(len(gold))]
    items = _confusions(ids, gold, predicted)
    return [
        _measure("stage_accuracy", M.accuracy(gold, predicted), len(gold), thresholds, f"{len(gold)} labelled units", items),
        _measure("stage_macro_f1", M.macro_f1(gold, predicted), len(gold), thresholds, f"macro over {len(set(gold))} gold stages"),
    ]


def emotion_metrics(gold: Sequence[str], predicted: Sequence[str], ids: Sequence[str] | None = None,
                    thresholds: Mapping[str, float] | None = None) -> list[EvalResult]:
    ids = ids or [str(i) for i in range(len(gold))]
    return [_measure("emotion_macro_f1", M.macro_f1(gold, predicted), len(gold), thresholds,
                     f"macro over {len(set(gold))} gold emotions", _confusions(ids, gold, predicted))]


def sentiment_metrics(gold: Sequence[float], predicted: Sequence[float],
                      thresholds: Mapping[str, float] | None = None) -> list[EvalResult]:
    return [_measure("sentiment_pearson", M.pearson(gold, predicted), len(gold), thresholds, f"Pearson r over {len(gold)} units")]


def clustering_metrics(gold: Sequence[str], clusters: Sequence[str],
                       thresholds: Mapping[str, float] | None = None) -> list[EvalResult]:
    reason = f"{len(gold)} units, {len(set(gold))} gold themes, {len(set(clusters))} clusters"
    return [_measure("cluster_nmi", M.nmi(gold, clusters), len(gold), thresholds, reason),
            _measure("cluster_purity", M.purity(gold, clusters), len(gold), thresholds, reason)]


def retrieval_metrics(qrels: Sequence[Qrel], retrieve: Retrieve, k: int = 5,
                      thresholds: Mapping[str, float] | None = None) -> list[EvalResult]:
    """precision_at_k and ndcg_at_k, averaged over the queries in qrels."""
    judged: dict[str, dict[str, float]] = defaultdict(dict)
    for row in qrels:
        judged[row.query][row.unit_id] = row.relevance
    precisions, gains, items = [], [], []
    for query, relevance in judged.items():
        ranked = list(retrieve(query, k))
        precisions.append(M.precision_at_k(ranked, relevance, k))
        gains.append(M.ndcg_at_k(ranked, relevance, k))
        if gains[-1] < 0.5:
            items.append(FailingItem(location=f"query:{query[:80]}", value=round(gains[-1], 4), reason=f"nDCG@{k} {gains[-1]:.2f}"))
    n = len(judged)
    return [_measure("precision_at_k", sum(precisions) / n if n else 0.0, n, thresholds, f"k={k}, {n} queries"),
            _measure("ndcg_at_k", sum(gains) / n if n else 0.0, n, thresholds, f"k={k}, {n} queries", items)]


def map_stage_of(journey_map: JourneyMap) -> dict[str, str]:
    """unit id -> stage name, from the stages' unit_ids (first stage wins)."""
    found: dict[str, str] = {}
    for stage in journey_map.stages:
        for unit_id in stage.unit_ids:
            found.setdefault(unit_id, stage.name)
    return found


def map_cluster_of(journey_map: JourneyMap) -> dict[str, str]:
    """unit id -> id of the first claim (theme) that was built from it."""
    found: dict[str, str] = {}
    for _, claim in journey_map.all_claims():
        for unit_id in claim.unit_ids or [e.unit_id for e in claim.evidence]:
            found.setdefault(unit_id, claim.id)
    return found


def _labelled(gold: GoldSet, units: Mapping[str, FeedbackUnit], field_name: str) -> tuple[list[str], list, int]:
    """(unit ids, gold labels) for rows that resolve to a unit, and how many did not."""
    resolved = resolve_units(gold.rows, units)
    pairs = [(uid, getattr(row, field_name)) for uid, row in zip(resolved, gold.rows) if uid is not None]
    return [p[0] for p in pairs], [p[1] for p in pairs], len(gold.rows) - len(pairs)


def run_accuracy(
    journey_map: Optional[JourneyMap],
    units: Mapping[str, FeedbackUnit],
    gold: Mapping[str, GoldSet],
    *,
    predict_emotion: Optional[Callable[[list[str]], Sequence[str]]] = None,
    predict_valence: Optional[Callable[[list[str]], Sequence[float]]] = None,
    retrieve: Optional[Retrieve] = None,
    k: int = 5,
    thresholds: Mapping[str, float] | None = None,
) -> SuiteReport:
    """Score a map (and optional predictors) against every gold set given, keyed by kind."""
    from evals import analysis_adapters as A

    def run() -> SuiteReport:
        results: list[EvalResult] = []
        info: dict = {}
        if "stage" in gold:
            ids, labels, missing = _labelled(gold["stage"], units, "stage")
            info["stage_rows_not_in_corpus"] = missing
            if journey_map is None:
                results.append(EvalResult.skip("stage_accuracy", "needs a map: pass the map whose stages to score"))
            else:
                stage_of = map_stage_of(journey_map)
                results += stage_metrics(labels, [stage_of.get(i, UNASSIGNED) for i in ids], ids, thresholds)
        if "cluster" in gold and journey_map is not None:
            ids, labels, missing = _labelled(gold["cluster"], units, "cluster")
            cluster_of = map_cluster_of(journey_map)
            kept = [(c, cluster_of[i]) for i, c in zip(ids, labels) if i in cluster_of]
            info["cluster_rows_in_no_claim"] = len(ids) - len(kept)
            results += clustering_metrics([g for g, _ in kept], [p for _, p in kept], thresholds)
        for kind, metric, field_name, given, adapter, score in (
            ("emotion", "emotion_macro_f1", "emotion", predict_emotion, A.emotion_predictor, emotion_metrics),
            ("valence", "sentiment_pearson", "valence", predict_valence, A.valence_predictor, sentiment_metrics),
        ):
            if kind not in gold:
                continue
            predictor = given or adapter()
            if isinstance(predictor, str):
                results.append(EvalResult.skip(metric, predictor))
                continue
            ids, labels, _ = _labelled(gold[kind], units, field_name)
            predicted = A.predict_or_reason(predictor, [units[i].text for i in ids])
            if isinstance(predicted, str):
                results.append(EvalResult.skip(metric, predicted))
                continue
            results += score(labels, predicted, ids, thresholds) if kind == "emotion" else score(labels, predicted, thresholds)
        if "qrels" in gold:
            if retrieve is None:
                results.append(EvalResult.skip("ndcg_at_k", "needs a retriever: pass retrieve(query, k) -> unit ids"))
            else:
                results += retrieval_metrics(gold["qrels"].rows, retrieve, k, thresholds)
        return SuiteReport(suite="accuracy", map_id=getattr(journey_map, "id", None),
                           map_version=getattr(journey_map, "version", None), metrics=results, info=info)

    return timed(run)
