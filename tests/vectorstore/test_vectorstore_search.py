"""Search: every leg honours filters, RRF fuses ranks, labels filter, the BM25 cache follows the content."""

from __future__ import annotations

import pytest

from assistant.errors import StoreError
from tests.vectorstore.conftest import corpus_units, make_unit
from vectorstore import bm25 as bm25_module
from vectorstore.hybrid import FusionParams, rrf
from vectorstore.store import FeedbackStore

MODES = ["hybrid", "vector", "bm25"]
FILTERS = [
    ({"source": "interview.vtt"}, lambda u: u.source == "interview.vtt"),
    ({"respondent": "r5"}, lambda u: u.respondent == "r5"),
    ({"speaker_role": "interviewer"}, lambda u: u.speaker_role == "interviewer"),
    ({"m.segment": "enterprise"}, lambda u: u.metadata.get("segment") == "enterprise"),
    ({"m.rating": {"$lte": 3}}, lambda u: u.metadata.get("rating", 99) <= 3),
]


def _units_by_id():
    return {u.id: u for group in corpus_units().values() for u in group}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("where,keep", FILTERS)
def test_filters_apply_on_every_leg(filled_store, mode, where, keep):
    units = _units_by_id()
    hits = filled_store.search("pay checkout page payment failed support delivery", k=10, where=where, mode=mode)
    assert hits, f"{mode} {where} found nothing"
    assert all(keep(units[h.unit_id]) for h in hits)


def test_modes_score_and_rank_fields(filled_store):
    query = "checkout payment failed"
    vector = filled_store.search(query, k=3, mode="vector")
    assert [h.vector_rank for h in vector] == [1, 2, 3] and all(h.score == h.vector_score for h in vector)
    lexical = filled_store.search(query, k=3, mode="bm25")
    assert lexical[0].bm25_rank == 1 and all(h.vector_score is None for h in lexical)
    assert [h.score for h in lexical] == sorted((h.score for h in lexical), reverse=True)
    hybrid = filled_store.search(query, k=7)
    assert all(h.vector_score is not None for h in hybrid)  # BM25-only hits get their cosine from stored vectors
    assert [h.score for h in hybrid] == sorted((h.score for h in hybrid), reverse=True)
    with pytest.raises(StoreError, match="unknown search mode"):
        filled_store.search(query, mode="fuzzy")
    assert filled_store.search("   ") == []


def test_rrf_rewards_agreement_and_respects_weights():
    fused = rrf([(1.0, ["a", "b", "c"]), (1.0, ["c", "d", "a"])])
    assert sorted(fused, key=fused.get, reverse=True) == ["a", "c", "b", "d"]
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 63)
    weighted = rrf([(1.0, ["a", "b"]), (3.0, ["b", "a"])])
    assert weighted["b"] > weighted["a"]


def test_hybrid_order_is_rrf_of_the_two_legs(filled_store):
    query = "payment failed at checkout"
    n = 5
    vector = [h.unit_id for h in filled_store.search(query, k=n, mode="vector")]
    lexical = [h.unit_id for h in filled_store.search(query, k=n, mode="bm25")]
    fused = rrf([(1.0, vector), (0.5, lexical)])
    hits = filled_store.search(query, k=n, fusion=FusionParams(vector_weight=1.0, bm25_weight=0.5, candidates=n))
    assert [h.unit_id for h in hits] == sorted(fused, key=lambda i: -fused[i])[:n]
    assert [h.score for h in hits] == pytest.approx(sorted(fused.values(), reverse=True)[:n])
    top = hits[0]
    assert top.vector_rank == vector.index(top.unit_id) + 1 and top.bm25_rank == lexical.index(top.unit_id) + 1


@pytest.mark.parametrize("mode", MODES)
def test_labels_filter_every_leg(filled_store, mode):
    units = corpus_units()
    purchase = [units["survey.csv"][0].id, units["interview.vtt"][1].id]
    filled_store.set_unit_labels({i: {"stage": "purchase", "persona": "smb-buyer"} for i in purchase})
    filled_store.set_unit_labels({units["survey.csv"][1].id: {"stage": "delivery"}})
    hits = filled_store.search("checkout payment delivery", k=10, where={"stage": "purchase"}, mode=mode)
    assert {h.unit_id for h in hits} == set(purchase)
    assert all(h.metadata["persona"] == "smb-buyer" for h in hits)
    hits = filled_store.search("delivery packaging", k=10, where={"stage": {"$ne": "purchase"}}, mode=mode)
    assert hits and not set(purchase) & {h.unit_id for h in hits}


def test_bm25_cache_follows_content_and_labels(filled_store):
    assert filled_store.search("zeppelin", mode="bm25") == []
    new = make_unit("notes.md", 0, "A zeppelin would deliver faster", "r7")
    filled_store.replace_source("notes.md", [new], "fp")
    assert [h.unit_id for h in filled_store.search("zeppelin", mode="bm25")] == [new.id]
    assert filled_store.search("zeppelin", mode="bm25", where={"stage": "delivery"}) == []
    filled_store.set_unit_labels({new.id: {"stage": "delivery"}})  # same count and ids: only the revision changes
    assert [h.unit_id for h in filled_store.search("zeppelin", mode="bm25", where={"stage": "delivery"})] == [new.id]
    changed = make_unit("notes.md", 0, "An airship would deliver faster", "r7")
    filled_store.replace_source("notes.md", [changed], "fp2")  # same count, different ids
    assert filled_store.search("zeppelin", mode="bm25") == []
    assert [h.unit_id for h in filled_store.search("airship", mode="bm25")] == [changed.id]


def test_bm25_index_is_reloaded_from_disk_by_a_new_process(filled_store, chroma_client, toy_embedder, tmp_path, monkeypatch):
    filled_store.search("checkout", mode="bm25")
    assert any((tmp_path / "cache" / "feedback").iterdir())

    def no_build(*args, **kwargs):
        raise AssertionError("index rebuilt although an up-to-date cache was on disk")

    monkeypatch.setattr(bm25_module.CorpusIndex, "build", no_build)
    fresh = FeedbackStore(chroma_client, toy_embedder, "feedback", cache_dir=tmp_path / "cache")
    assert fresh.search("checkout", mode="bm25")[0].text.startswith("The checkout page")
    monkeypatch.undo()
    filled_store.replace_source("notes.md", [make_unit("notes.md", 0, "checkout checkout", "r8")], "fp")
    assert fresh.search("checkout", mode="bm25")[0].text == "checkout checkout"
    assert len([p for p in (tmp_path / "cache" / "feedback").iterdir() if not p.name.startswith(".")]) == 1
