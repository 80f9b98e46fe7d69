"""Stage assignment: which journey stage each unit belongs to, by similarity to stage prototypes.

Each stage has several prototypes: its full description and each example phrase. A unit's
score for a stage is ``DESC_WEIGHT * sim(description) + (1 - DESC_WEIGHT) * max sim(examples)``
(the description alone when a stage has no examples). The scores are then blended with the
mean scores of each unit's near neighbours (cosine >= ``NEIGHBOUR_MIN_SIM``) among the units
themselves, so units about the same thing tend to land in the same stage.

The unassigned threshold (``UNASSIGNED_BELOW``) was calibrated on BANKING77 train with the
BANKING77 stage map as the stage set: in-domain banking queries vs. off-topic Reddit comments
(GoEmotions dev); on a 3,000-row dev split held out of BANKING77 train, 0.18 keeps 99.2% of the
banking queries assigned and leaves 90% of the off-topic comments unassigned (0.20: 98.2% / 94%).
``DESC_WEIGHT`` (0.3/0.5/0.7) and ``SMOOTH`` (0..0.7) were tuned on that dev split: examples
picked from the rest of train (stage_examples.pick_examples) give 0.84 dev accuracy
unsmoothed, 0.86 with SMOOTH=0.5; NEIGHBOUR_MIN_SIM 0..0.6 made no difference there (<0.5 pt),
and 0.5 keeps unrelated units of small corpora from voting. Stage names and description
fragments as extra prototypes lowered dev accuracy, so they are not used.

Neighbours are searched exactly among at most ``MAX_VOTERS`` units (a fixed seeded sample above
that), so the smoothing costs O(n * MAX_VOTERS), linear in the corpus, instead of O(n^2); corpora
up to ``MAX_VOTERS`` units (the calibration sets included) are smoothed exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np

from assistant.models import StageSet

DESC_WEIGHT = 0.5
UNASSIGNED_BELOW = 0.18
TEMPERATURE = 0.05
SMOOTH = 0.5
NEIGHBOURS = 10
NEIGHBOUR_MIN_SIM = 0.5
CHUNK = 1024
MAX_VOTERS = 10_000

# An LLM classifier takes the unit texts and the stage set and returns a stage name (or None)
# per text; the LLM layer implements it. Its answers override the embedding answer.
LLMClassify = Callable[[Sequence[str], StageSet], Sequence[Optional[str]]]


@dataclass
class StageAssignment:
    """The stage of one unit (None = unassigned), a 0..1 confidence and the raw score per stage."""

    stage: Optional[str]
    confidence: float
    scores: dict[str, float] = field(default_factory=dict)


def stage_prototypes(stage_set: StageSet, embedder) -> tuple[np.ndarray, list[np.ndarray]]:
    """(description vectors (S, d), per stage an array of example vectors (the description when none))."""
    descriptions = embedder.embed([s.description for s in stage_set.stages])
    examples = [list(s.examples) for s in stage_set.stages]
    flat = embedder.embed([t for texts in examples for t in texts])
    splits = np.cumsum([len(t) for t in examples])[:-1]
    per_stage = np.split(flat, splits) if len(examples) > 1 else [flat]
    return descriptions, [e if len(e) else descriptions[i : i + 1] for i, e in enumerate(per_stage)]


def stage_scores(unit_vectors: np.ndarray, descriptions: np.ndarray, extras: list[np.ndarray]) -> np.ndarray:
    """(N, S) raw similarity of each unit to each stage."""
    desc = unit_vectors @ descriptions.T
    best_extra = np.stack([(unit_vectors @ e.T).max(axis=1) for e in extras], axis=1)
    return DESC_WEIGHT * desc + (1 - DESC_WEIGHT) * best_extra


def smooth_over_neighbours(unit_vectors: np.ndarray, scores: np.ndarray, weight: float, k: int, rows: int | None = None,
                           max_voters: int = MAX_VOTERS, seed: int = 0) -> np.ndarray:
    """Blend each unit's scores with the mean scores of its k nearest other units (those with cosine >= NEIGHBOUR_MIN_SIM).

    With `rows`, only the first `rows` units are smoothed and returned; every unit may vote.
    Above `max_voters` units the voters are a fixed seeded sample of them (linear time).
    """
    n = len(unit_vectors)
    rows = n if rows is None else rows
    if weight <= 0 or n < 3:
        return scores[:rows]
    voters = np.arange(n) if n <= max_voters else np.sort(np.random.default_rng(seed).choice(n, max_voters, replace=False))
    slot = np.full(n, -1)
    slot[voters] = np.arange(len(voters))  # a unit's column among the voters, -1 if it does not vote
    voter_vectors, voter_scores = unit_vectors[voters], scores[voters]
    k = min(k, len(voters) - 1)
    out = scores[:rows].copy()
    for begin in range(0, rows, CHUNK):  # chunked so 50k units never need a large matrix
        sims = unit_vectors[begin : min(begin + CHUNK, rows)] @ voter_vectors.T
        own = slot[begin : begin + len(sims)]
        voting = np.flatnonzero(own >= 0)
        sims[voting, own[voting]] = -np.inf  # not your own neighbour
        neighbours = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        # only near neighbours vote: in a small corpus the k nearest may be about something else
        near = np.take_along_axis(sims, neighbours, axis=1) >= NEIGHBOUR_MIN_SIM
        count = near.sum(axis=1, keepdims=True)
        votes = (voter_scores[neighbours] * near[..., None]).sum(axis=1) / np.clip(count, 1, None)
        block = scores[begin : begin + len(sims)]
        out[begin : begin + len(sims)] = np.where(count > 0, (1 - weight) * block + weight * votes, block)
    return out


def assign_stages(
    unit_vectors: np.ndarray,
    stage_set: StageSet,
    embedder,
    *,
    texts: Sequence[str] | None = None,
    llm_classify: LLMClassify | None = None,
    threshold: float = UNASSIGNED_BELOW,
    temperature: float = TEMPERATURE,
    smooth: float = SMOOTH,
    neighbours: int = NEIGHBOURS,
    neighbours_from: np.ndarray | None = None,
) -> list[StageAssignment]:
    """One StageAssignment per row of `unit_vectors`; stage None when no stage scores >= threshold.

    `neighbours_from`: vectors of the rest of the corpus (already assigned), which vote in the
    smoothing like the units themselves; used to assign only the new units of a re-draft.
    """
    vectors = np.asarray(unit_vectors, dtype=np.float32).reshape(-1, embedder.dimension)
    names = [s.name for s in stage_set.stages]
    if len(vectors) == 0:
        return []
    descriptions, extras = stage_prototypes(stage_set, embedder)
    pool = vectors
    if neighbours_from is not None and len(neighbours_from):
        pool = np.vstack([vectors, np.asarray(neighbours_from, dtype=np.float32).reshape(-1, embedder.dimension)])
    pool_raw = stage_scores(pool, descriptions, extras)
    raw = pool_raw[: len(vectors)]
    scores = smooth_over_neighbours(pool, pool_raw, smooth, neighbours, rows=len(vectors))
    probs = _softmax(scores / temperature)
    out = []
    for i in range(len(vectors)):
        best = int(scores[i].argmax())
        fits = raw[i].max() >= threshold
        out.append(
            StageAssignment(
                stage=names[best] if fits else None,
                confidence=float(probs[i, best]) if fits else 0.0,
                scores={n: round(float(v), 4) for n, v in zip(names, scores[i])},
            )
        )
    if llm_classify is not None:
        out = _apply_llm(out, llm_classify, texts, stage_set)
    return out


def _apply_llm(
    out: list[StageAssignment], llm_classify: LLMClassify, texts: Sequence[str] | None, stage_set: StageSet
) -> list[StageAssignment]:
    """Let the LLM answer override the embedding answer where it names a real stage."""
    if texts is None or len(texts) != len(out):
        raise ValueError("llm_classify needs `texts`, one per unit vector")
    names = {s.name for s in stage_set.stages}
    answers = list(llm_classify(list(texts), stage_set))
    for assignment, answer in zip(out, answers):
        if answer in names and answer != assignment.stage:
            assignment.stage = answer
            assignment.confidence = max(assignment.confidence, 0.5)
    return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
