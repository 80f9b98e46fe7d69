"""Pick the example phrases of a stage set from labelled units, by greedy forward selection."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from assistant.analysis import stages as st
from assistant.models import StageSet


def pick_examples(
    vectors: np.ndarray,
    labels: Sequence[str],
    texts: Sequence[str],
    stage_set: StageSet,
    embedder,
    *,
    per_stage: int = 5,
    candidates: int = 150,
    seed: int = 0,
) -> StageSet:
    """A copy of `stage_set` whose examples are the labelled texts that most raise accuracy on those labels.

    Each round adds, for each stage in turn, the candidate text of that stage (a random sample of
    `candidates`) that maximises accuracy of the description + examples scorer on all rows.
    """
    rng = np.random.default_rng(seed)
    names = [s.name for s in stage_set.stages]
    gold = np.array([names.index(label) for label in labels])
    desc = vectors @ stage_set_descriptions(stage_set, embedder).T
    best_example = np.full_like(desc, -np.inf)
    chosen: list[list[int]] = [[] for _ in names]
    for _ in range(per_stage):
        for k in range(len(names)):
            pool = np.where(gold == k)[0]
            pool = rng.choice(pool, min(candidates, len(pool)), replace=False)
            sims = vectors @ vectors[pool].T  # (N, C)
            trial = np.maximum(best_example[:, k : k + 1], sims)
            accs = [_accuracy(desc, best_example, k, trial[:, c], gold) for c in range(len(pool))]
            winner = int(np.argmax(accs))
            chosen[k].append(int(pool[winner]))
            best_example[:, k] = trial[:, winner]
    stages = [s.model_copy(update={"examples": [texts[i] for i in chosen[k]]}) for k, s in enumerate(stage_set.stages)]
    return StageSet(name=stage_set.name, stages=stages)


def stage_set_descriptions(stage_set: StageSet, embedder) -> np.ndarray:
    """Description vectors of the stages."""
    return embedder.embed([s.description for s in stage_set.stages])


def _accuracy(desc: np.ndarray, best_example: np.ndarray, k: int, column: np.ndarray, gold: np.ndarray) -> float:
    example = best_example.copy()
    example[:, k] = column
    example = np.where(np.isinf(example), desc, example)
    scores = st.DESC_WEIGHT * desc + (1 - st.DESC_WEIGHT) * example
    return float((scores.argmax(axis=1) == gold).mean())
