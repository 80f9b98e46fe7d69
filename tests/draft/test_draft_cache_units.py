"""The pieces of incremental re-drafting, without a workspace: partial stage assignment, theme updates, cache keys."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from assistant.analysis.stages import assign_stages
from assistant.analysis.themes import find_themes, update_themes
from assistant.draft.cache import AnalysisCache, DraftCacheWarning, LLMCache, analysis_key
from assistant.llm.outputs import ThemeLabel
from assistant.llm.providers import ModelHandle
from assistant.models import FeedbackUnit, Locator, StageSet
from assistant.stagesets.loader import load_stage_set

DIM = 16


class HashEmbedder:
    """Deterministic unit vectors from text hashes (no model download)."""

    name = "hash-test"
    dimension = DIM

    def embed(self, texts):
        rows = [np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)).normal(size=DIM) for t in texts]
        matrix = np.array(rows, dtype=np.float32).reshape(-1, DIM)
        return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def _unit(n: int, text: str | None = None) -> FeedbackUnit:
    return FeedbackUnit(id=f"u_{n:04d}", text=text or f"feedback number {n}", source="t.csv",
                        locator=Locator(kind="row", index=n, char_start=0, char_end=len(text or f"feedback number {n}")), respondent=f"r{n}")


def _clustered(n_groups: int = 4, per_group: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_groups, DIM))
    rows = np.repeat(centres, per_group, axis=0) + 0.15 * rng.normal(size=(n_groups * per_group, DIM))
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_assigning_new_units_with_the_rest_as_neighbours_matches_assigning_all():
    stage_set = load_stage_set("b2c")
    vectors = _clustered(5, 8)
    embedder = HashEmbedder()
    everything = assign_stages(vectors, stage_set, embedder)
    first_ten = assign_stages(vectors[:10], stage_set, embedder, neighbours_from=vectors[10:])
    assert [a.stage for a in first_ten] == [a.stage for a in everything[:10]]
    assert [a.scores for a in first_ten] == [a.scores for a in everything[:10]]


def _themes_input(vectors):
    units = [_unit(i) for i in range(len(vectors))]
    stage_of = {u.id: "Buy" for u in units}
    valence_of = {u.id: -0.5 for u in units}
    return units, stage_of, valence_of


def test_update_with_nothing_new_keeps_every_theme_as_it_was():
    units, stage_of, valence_of = _themes_input(_clustered())
    vectors = _clustered()
    before = find_themes(units, vectors, stage_of, valence_of)
    after, kept = update_themes(units, vectors, stage_of, valence_of, before)
    assert kept == len(before) and [t.to_dict() for t in after] == [t.to_dict() for t in before]


def test_a_new_unit_joins_its_nearest_theme_and_a_far_one_starts_its_own():
    vectors = _clustered()
    units, stage_of, valence_of = _themes_input(vectors)
    before = find_themes(units, vectors, stage_of, valence_of)
    near = vectors[0] + 0.05 * vectors[1]
    far = -vectors[:24].mean(axis=0) + np.random.default_rng(9).normal(size=DIM)
    extra = np.stack([near / np.linalg.norm(near), far / np.linalg.norm(far)]).astype(np.float32)
    grown = np.vstack([vectors, extra])
    new_units = units + [_unit(100, "near text"), _unit(101, "far text")]
    stage_of.update({"u_0100": "Buy", "u_0101": "Buy"})
    valence_of.update({"u_0100": -0.5, "u_0101": -0.5})
    after, kept = update_themes(new_units, grown, stage_of, valence_of, before)
    host = next(t for t in before if "u_0000" in t.unit_ids)
    joined = next(t for t in after if "u_0100" in t.unit_ids)
    assert set(joined.unit_ids) == set(host.unit_ids) | {"u_0100"} and joined.id != host.id
    alone = next(t for t in after if "u_0101" in t.unit_ids)
    assert alone.unit_ids == ["u_0101"] and alone.outlier
    assert kept == len(before) - 1
    unchanged = {t.id: t.to_dict() for t in before if t.id != host.id}
    assert {t.id: t.to_dict() for t in after if t.id in unchanged} == unchanged


def test_a_theme_that_lost_a_member_is_rebuilt_from_the_rest():
    vectors = _clustered()
    units, stage_of, valence_of = _themes_input(vectors)
    before = find_themes(units, vectors, stage_of, valence_of)
    stage_of["u_0000"] = "Use"  # moved to another cell
    after, kept = update_themes(units, vectors, stage_of, valence_of, before)
    assert not any(t.id == next(b for b in before if "u_0000" in b.unit_ids).id for t in after)
    assert any(t.stage == "Use" and t.unit_ids == ["u_0000"] for t in after)
    assert kept == len(before) - 1


def test_the_analysis_key_follows_stage_set_and_embedder():
    b2c, saas = load_stage_set("b2c"), load_stage_set("saas")
    assert analysis_key(b2c, "minilm") == analysis_key(b2c, "minilm")
    assert analysis_key(b2c, "minilm") != analysis_key(saas, "minilm")
    assert analysis_key(b2c, "minilm") != analysis_key(b2c, "other-embedder")
    edited = StageSet.model_validate({**b2c.model_dump(), "stages": [{**b2c.stages[0].model_dump(), "description": "changed"}, *[s.model_dump() for s in b2c.stages[1:]]]})
    assert analysis_key(b2c, "minilm") != analysis_key(edited, "minilm")


def test_retrained_head_weights_change_the_analysis_key(tmp_path, monkeypatch):
    from assistant.analysis import sentiment

    b2c = load_stage_set("b2c")
    before = analysis_key(b2c, "minilm")
    retrained = tmp_path / "valence_head.npz"
    with np.load(sentiment.HEAD_PATH) as head:
        np.savez_compressed(retrained, coef=head["coef"] * 0.5, intercept=head["intercept"], blend=head["blend"])
    monkeypatch.setattr(sentiment, "HEAD_PATH", retrained)
    assert analysis_key(b2c, "minilm")["heads"]["valence"] != before["heads"]["valence"]
    assert analysis_key(b2c, "minilm") != before


def test_a_cache_written_under_another_key_is_not_used(tmp_path):
    settings = type("S", (), {"home": tmp_path})()
    cache = AnalysisCache.open(settings, load_stage_set("b2c"), "minilm", None)
    cache.save([_unit(1)], {"u_0001": "Buy"}, {"u_0001": 0.3}, {"u_0001": "joy"}, [])
    again = AnalysisCache.open(settings, load_stage_set("b2c"), "minilm", None)
    assert again.known("u_0001", "feedback number 1").stage == "Buy"
    assert again.known("u_0001", "edited text") is None  # changed text: recomputed
    assert AnalysisCache.open(settings, load_stage_set("saas"), "minilm", None).units == {}
    assert AnalysisCache.open(settings, load_stage_set("b2c"), "minilm", {"source": "x"}).units == {}  # another scope
    assert AnalysisCache.open(settings, load_stage_set("b2c"), "minilm", None, fresh=True).units == {}


def test_llm_cache_keys_and_round_trip(tmp_path):
    from assistant.llm.prompts import load_prompt
    from assistant.models import Evidence

    unit = _unit(1, "The app crashed at payment. Nearly gave up.")
    cache = LLMCache(tmp_path)
    handle = ModelHandle("local", "model-a", None, capable=False)
    prompt = load_prompt("theme_label")
    variables = {"stage": "Buy", "polarity": "pain point", "evidence": "<source n=\"1\">The app crashed at payment.</source>"}
    key = cache.key("theme_label", prompt, handle, variables, [unit.id])
    assert key == cache.key("theme_label", prompt, handle, dict(variables), [unit.id])
    assert key != cache.key("theme_label", prompt, ModelHandle("local", "model-b", None, capable=False), variables, [unit.id])
    assert key != cache.key("theme_label", prompt.model_copy(update={"version": prompt.version + 1}), handle, variables, [unit.id])
    assert key != cache.key("theme_label", prompt, handle, {**variables, "stage": "Use"}, [unit.id])
    assert key != cache.key("theme_label", prompt, handle, variables, ["u_other"])
    # the local server gets a new port each run: its answers are keyed by the GGUF file, not the URL
    served = [ModelHandle("local", "model-a", f"http://127.0.0.1:{port}/v1", capable=False, identity="gguf:/m/a.gguf:123")
              for port in (40001, 40002)]
    assert cache.key("theme_label", prompt, served[0], variables, [unit.id]) == cache.key("theme_label", prompt, served[1], variables, [unit.id])
    other_file = ModelHandle("local", "model-a", "http://127.0.0.1:40001/v1", capable=False, identity="gguf:/m/b.gguf:123")
    assert cache.key("theme_label", prompt, other_file, variables, [unit.id]) != cache.key("theme_label", prompt, served[0], variables, [unit.id])
    assert key != cache.key("theme_label", prompt, ModelHandle("local", "model-a", "http://10.0.0.2:8000/v1", capable=False), variables, [unit.id])
    label = ThemeLabel.model_validate({"title": "App crashes at payment", "description": "The app fails at payment.",
                                       "sources": [1], "insufficient_evidence": False})
    evidence = {"sources[0]": Evidence.from_unit(unit, "The app crashed at payment.")}
    cache.put(key, "theme_label", label, evidence)
    parsed, got = cache.get(key, ThemeLabel, {unit.id: unit})
    assert parsed == label and got == evidence
    assert LLMCache(tmp_path, read=False).get(key, ThemeLabel, {unit.id: unit}) is None
    (tmp_path / f"{key}.json").write_text(json.dumps({"chain": "theme_label"}))
    with pytest.warns(DraftCacheWarning, match="malformed"):
        assert cache.get(key, ThemeLabel, {unit.id: unit}) is None
