"""Hybrid retrieval: vector top-N and BM25 top-N, fused by weighted reciprocal rank fusion.

Both legs honour the same metadata filter, evaluated on the in-memory metadata columns: it
masks the BM25 scores and selects the rows of the vector leg (vectorstore.knn). Ranks on hits
are 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Mapping

import numpy as np

from assistant.errors import StoreError
from vectorstore.base import Hit
from vectorstore.bm25 import CorpusIndex
from vectorstore.filters import normalise_where
from vectorstore.knn import NeighbourQuery, nearest

if TYPE_CHECKING:
    from vectorstore.store import FeedbackStore

Mode = Literal["hybrid", "vector", "bm25"]
MODES = ("hybrid", "vector", "bm25")
RRF_K = 60


@dataclass(frozen=True)
class FusionParams:
    """Weights of each leg in RRF and how many candidates each leg contributes."""

    vector_weight: float = 1.0
    bm25_weight: float = 1.0
    candidates: int = 50


# Tuned on a BANKING77 train split (bench/bench_store.py): equal weights cost 4 points of
# precision@10 against vector alone; a light BM25 weight over 100 candidates matches or beats it.
DEFAULT_FUSION = FusionParams(vector_weight=1.0, bm25_weight=0.1, candidates=100)


def vector_leg(index: CorpusIndex, query_vector: np.ndarray, n: int, where: dict[str, Any] | None, hnsw: NeighbourQuery) -> list[tuple[str, float]]:
    """(id, cosine similarity) of the nearest neighbours matching the filter, best first."""
    found = nearest(index.vectors, index.row_of, query_vector, n, index.columns.mask(where), hnsw)
    return [(index.ids[row], sim) for row, sim in found]


def bm25_leg(index: CorpusIndex, query: str, n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
    """(id, BM25 score) over the corpus index, the filter applied as a mask over all records."""
    return [(index.ids[row], score) for row, score in index.search(query, n, index.columns.mask(where))]


def rrf(rankings: list[tuple[float, list[str]]], k: int = RRF_K) -> dict[str, float]:
    """Weighted reciprocal rank fusion: id -> sum of weight / (k + rank) over the rankings."""
    fused: dict[str, float] = {}
    for weight, ids in rankings:
        for rank, unit_id in enumerate(ids, start=1):
            fused[unit_id] = fused.get(unit_id, 0.0) + weight / (k + rank)
    return fused


def search(
    store: "FeedbackStore",
    query: str,
    k: int = 10,
    where: Mapping[str, Any] | None = None,
    mode: Mode = "hybrid",
    fusion: FusionParams = DEFAULT_FUSION,
    index: CorpusIndex | None = None,
) -> list[Hit]:
    """Top-k hits for `query`. vector_score is the cosine similarity (None in bm25 mode).

    `index` is the store's current corpus index when the caller already holds it.
    """
    if mode not in MODES:
        raise StoreError(f"unknown search mode '{mode}'; use one of {', '.join(MODES)}")
    strict = normalise_where(where)
    if k <= 0 or not query.strip():
        return []
    index = store.index() if index is None else index
    if mode == "bm25":
        found = bm25_leg(index, query, k, strict)
        return _hits(store, [(i, s, {"bm25_rank": r}) for r, (i, s) in enumerate(found, start=1)], index)
    query_vector = store.embedder.embed([query])[0]
    if mode == "vector":
        found = vector_leg(index, query_vector, k, strict, store.neighbours)
        return _hits(store, [(i, s, {"vector_rank": r, "vector_score": s}) for r, (i, s) in enumerate(found, start=1)], index)

    # hybrid: both legs, fuse, then fill in the cosine of BM25-only hits from stored vectors
    n = max(fusion.candidates, k)
    vec = {i: (rank, sim) for rank, (i, sim) in enumerate(vector_leg(index, query_vector, n, strict, store.neighbours), start=1)}
    lex = {i: rank for rank, (i, _) in enumerate(bm25_leg(index, query, n, strict), start=1)}
    fused = rrf([(fusion.vector_weight, list(vec)), (fusion.bm25_weight, list(lex))])
    inf = float("inf")
    order = sorted(fused, key=lambda i: (-fused[i], vec[i][0] if i in vec else inf, lex.get(i, inf), i))[:k]
    lexical_only = [i for i in order if i not in vec]
    rows = [index.row_of[i] for i in lexical_only]
    cosines = dict(zip(lexical_only, (np.asarray(index.vectors[rows], dtype=np.float32) @ query_vector).tolist())) if rows else {}
    return _hits(store, [
        (i, fused[i], {
            "vector_rank": vec[i][0] if i in vec else None,
            "bm25_rank": lex.get(i),
            "vector_score": vec[i][1] if i in vec else float(cosines[i]),
        })
        for i in order
    ], index)


def _hits(store: "FeedbackStore", ranked: list[tuple[str, float, dict[str, Any]]], index: CorpusIndex | None = None) -> list[Hit]:
    """Hits with text and metadata from the current corpus index, or from Chroma."""
    texts = store.texts_and_metadata([i for i, _, _ in ranked], index)
    return [Hit(unit_id=i, text=texts[i][0], score=float(score), metadata=texts[i][1], **extra) for i, score, extra in ranked if i in texts]
