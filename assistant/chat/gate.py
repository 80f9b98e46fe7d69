"""The evidence gate: refuse when retrieval finds nothing relevant enough.

The gate reads the best cosine similarity between the standalone query and the retrieved
units (all-MiniLM-L6-v2, L2-normalised). ``REFUSE_BELOW`` was calibrated on the dev split (29 questions) by bench/bench_chat.py --calibrate: dev refusal accuracy 1.00, false-refusal 0.43.
Questions: evals/datasets/threadline_questions.yaml; the test split is kept for reporting.
"""

from __future__ import annotations

from vectorstore.base import Hit

REFUSE_BELOW = 0.559
RELEVANT_FLOOR_RATIO = 0.75  # a hit below 75% of the best similarity is not offered as a source


def best_similarity(hits: list[Hit]) -> float:
    scores = [h.vector_score for h in hits if h.vector_score is not None]
    return max(scores) if scores else 0.0


def passes(hits: list[Hit], threshold: float = REFUSE_BELOW) -> bool:
    return bool(hits) and best_similarity(hits) >= threshold


def relevant(hits: list[Hit], limit: int) -> list[Hit]:
    """Hits worth citing: those close to the best one (the fused rank keeps BM25-only exact matches too)."""
    top = best_similarity(hits)
    kept = [h for h in hits if h.vector_score is None or h.vector_score >= top * RELEVANT_FLOOR_RATIO]
    return kept[:limit]
