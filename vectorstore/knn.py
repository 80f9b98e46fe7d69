"""Nearest neighbours of a query vector: exact over in-memory rows, or Chroma's HNSW with the filter applied after.

Chroma's own filtered HNSW query is slow (hundreds of ms at 100k records) and approximate.
With the corpus vectors in memory a filtered query is answered exactly when few rows match,
and by over-fetching unfiltered neighbours and masking them when many do.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Callable

import numpy as np

EXACT_MAX_ROWS = 50_000  # below this many candidate rows a numpy scan beats an HNSW round trip
OVERFETCH = 3.0  # unfiltered neighbours fetched per wanted hit, relative to the share of rows that match
HNSW_MAX_FETCH = 1_000  # beyond this an HNSW query costs more than an exact scan (k=3,333 took 150 ms at 100k)

NeighbourQuery = Callable[[np.ndarray, int], list[tuple[str, float]]]  # (query vector, n) -> (id, cosine), best first


@lru_cache(maxsize=1)
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def exact_top(vectors: np.ndarray, query: np.ndarray, n: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
    """(row, cosine) of the n rows nearest to `query` (all rows, or only `rows`), best first; ties by row."""
    candidates = np.arange(len(vectors)) if rows is None else rows
    n = min(n, len(candidates))
    if n <= 0:
        return []
    block = vectors if rows is None else vectors[rows]
    # one BLAS thread: a matrix-vector product is memory-bound, and extra threads spin against
    # the other legs of the search (and other processes) on a 2-core machine
    with _blas().limit(limits=1, user_api="blas"):
        sims = np.asarray(block, dtype=np.float32) @ np.asarray(query, dtype=np.float32)
    top = np.argpartition(-sims, n - 1)[:n]
    top = top[np.lexsort((candidates[top], -sims[top]))]
    return [(int(candidates[i]), float(sims[i])) for i in top]


def nearest(
    vectors: np.ndarray,
    row_of: dict[str, int],
    query: np.ndarray,
    n: int,
    mask: np.ndarray | None,
    hnsw: NeighbourQuery,
) -> list[tuple[int, float]]:
    """(row, cosine) of the n nearest rows matching `mask` (None = all rows), best first.

    Small candidate sets are scanned exactly. Otherwise HNSW is asked for enough unfiltered
    neighbours that n of them should match; if too few do, the matching rows are scanned exactly.
    """
    total = len(vectors)
    rows = None if mask is None else np.flatnonzero(mask)
    matching = total if rows is None else len(rows)
    n = min(n, matching)
    if n <= 0:
        return []
    if matching <= EXACT_MAX_ROWS:
        return exact_top(vectors, query, n, rows)
    fetch = n if rows is None else min(total, math.ceil(n * OVERFETCH * total / matching))
    if fetch <= HNSW_MAX_FETCH:
        found = [(row_of[i], sim) for i, sim in hnsw(query, fetch) if i in row_of]
        if mask is not None:
            found = [(row, sim) for row, sim in found if mask[row]]
        if len(found) >= n:
            return found[:n]
    return exact_top(vectors, query, n, rows)


def chroma_neighbours(collection: Any) -> NeighbourQuery:
    """A NeighbourQuery over a Chroma collection (cosine space)."""

    def query(vector: np.ndarray, n: int) -> list[tuple[str, float]]:
        got = collection.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0])]

    return query
