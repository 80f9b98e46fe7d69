"""Filtered nearest neighbours equal the exact filtered top-k, whichever path (scan, HNSW over-fetch, fallback) answers."""

from __future__ import annotations

import random

import numpy as np
import pytest

from tests.vectorstore.conftest import make_unit
from vectorstore import knn

WORDS = "checkout payment refund delivery parcel login password card app support fee transfer account pricing invoice".split()
# ~1%, ~9% and ~90% of the rows
SEGMENTS = ["rare"] * 1 + ["some"] * 9 + ["most"] * 90
FILTERS = [None, {"m.segment": "rare"}, {"m.segment": "some"}, {"m.segment": {"$ne": "rare"}}, {"source": "b.csv", "m.segment": "most"}]
PATHS = {
    "exact scan": {},
    "HNSW over-fetch": {"EXACT_MAX_ROWS": 0},
    "fallback scan": {"EXACT_MAX_ROWS": 0, "HNSW_MAX_FETCH": 0},
}


@pytest.fixture(scope="module")
def corpus():
    rng = random.Random(3)
    units = []
    for i in range(400):
        text = " ".join(rng.sample(WORDS, 4)) + f" note{i}"
        units.append(make_unit("a.csv" if i % 2 else "b.csv", i, text, segment=rng.choice(SEGMENTS)))
    return units


@pytest.fixture
def knn_store(store, corpus):
    for source in ("a.csv", "b.csv"):
        store.replace_source(source, [u for u in corpus if u.source == source], "fp")
    return store


def exact_filtered_sims(store, query: str, k: int, where) -> np.ndarray:
    """Cosines of the exact filtered top-k, by brute force over freshly embedded texts."""
    index = store.index()
    mask = index.columns.mask(where)
    keep = [row for row in range(len(index.ids)) if mask is None or mask[row]]
    vectors = store.embedder.embed([index.documents[row] for row in keep])
    return np.sort(vectors @ store.embedder.embed([query])[0])[::-1][:k]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("where", FILTERS, ids=str)
def test_vector_search_equals_exact_filtered_top_k(knn_store, monkeypatch, path, where):
    for name, value in PATHS[path].items():
        monkeypatch.setattr(knn, name, value)
    index = knn_store.index()
    mask = index.columns.mask(where)
    for query in ("refund for my card payment", "delivery parcel late", "password login app"):
        hits = knn_store.search(query, k=10, where=where, mode="vector")
        assert mask is None or all(mask[index.row_of[h.unit_id]] for h in hits)
        got = knn_store.embedder.embed([h.text for h in hits]) @ knn_store.embedder.embed([query])[0]
        # equal cosines at every rank: an exact top-k (ties may be broken either way)
        assert np.allclose(got, exact_filtered_sims(knn_store, query, 10, where), atol=1e-5), (path, where, query)
        assert np.allclose([h.vector_score for h in hits], got, atol=1e-5)


def test_hnsw_path_asks_for_enough_neighbours_and_falls_back_when_too_few_match():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(1000, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"u{i}" for i in range(1000)]
    row_of = {unit_id: row for row, unit_id in enumerate(ids)}
    query = vectors[0]
    asked: list[int] = []

    def exact_hnsw(vector, n):
        asked.append(n)
        return [(ids[row], sim) for row, sim in knn.exact_top(vectors, vector, n)]

    mask = np.zeros(1000, dtype=bool)
    mask[::10] = True  # 10% of rows
    want = knn.exact_top(vectors, query, 5, np.flatnonzero(mask))
    try:
        knn.EXACT_MAX_ROWS, saved = 0, knn.EXACT_MAX_ROWS
        assert knn.nearest(vectors, row_of, query, 5, mask, exact_hnsw) == want
        assert asked == [5 * knn.OVERFETCH * 10]  # n x over-fetch / share matching
        asked.clear()
        few = knn.nearest(vectors, row_of, query, 5, mask, lambda v, n: exact_hnsw(v, 2))  # HNSW returns too few
        assert few == want and asked == [2]
    finally:
        knn.EXACT_MAX_ROWS = saved
    assert knn.nearest(vectors, row_of, query, 5, np.zeros(1000, dtype=bool), exact_hnsw) == []
