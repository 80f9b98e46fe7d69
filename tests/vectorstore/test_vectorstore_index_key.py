"""The corpus index cache key: one revision read per search after completed writes; the record count joins it otherwise."""

from __future__ import annotations

import numpy as np

from tests.vectorstore.conftest import make_unit
from vectorstore.records import unit_metadata
from vectorstore.store import FeedbackStore


def test_settled_store_is_searched_without_counting(filled_store, chroma_client, toy_embedder, tmp_path, monkeypatch):
    other = FeedbackStore(chroma_client, toy_embedder, "feedback", cache_dir=tmp_path / "cache")
    counted = []
    monkeypatch.setattr(FeedbackStore, "count", lambda self: counted.append(1) or self.collection.count())
    assert other.search("checkout", mode="bm25")
    assert counted == []  # Chroma's count() costs tens of ms at 100k records
    new = make_unit("notes.md", 0, "A zeppelin would deliver faster", "r7")
    filled_store.replace_source("notes.md", [new], "fp")  # another store object writes
    assert [h.unit_id for h in other.search("zeppelin", mode="bm25")] == [new.id]


def test_a_cut_off_write_keys_the_index_by_count_too(filled_store):
    assert filled_store.search("zeppelin", mode="bm25") == []
    filled_store._bump_revision(settled=False)  # a writer started, then died after its upsert
    unit = make_unit("notes.md", 0, "A zeppelin would deliver faster", "r7")
    assert filled_store.search("zeppelin", mode="bm25") == []
    vector = filled_store.embedder.embed([unit.text])
    filled_store.collection.upsert(ids=[unit.id], embeddings=np.asarray(vector), documents=[unit.text], metadatas=[unit_metadata(unit)])
    assert [h.unit_id for h in filled_store.search("zeppelin", mode="bm25")] == [unit.id]
    assert [h.unit_id for h in filled_store.search("zeppelin deliver", k=1, mode="vector")] == [unit.id]
