"""Neighbour smoothing of stage scores: exact up to MAX_VOTERS units, a fixed voter sample above."""

import numpy as np

from assistant.analysis.stages import NEIGHBOUR_MIN_SIM, smooth_over_neighbours
from assistant.draft.synthesis import extractive_title
from assistant.models import FeedbackUnit, Locator


def _clustered(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two tight clusters of unit vectors; scores say stage 0 for cluster A and stage 1 for B, with noise."""
    rng = np.random.default_rng(seed)
    centres = np.eye(2, 16)
    labels = np.arange(n) % 2
    vectors = centres[labels] + rng.normal(0, 0.05, (n, 16))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = np.eye(2)[labels] * 0.6 + rng.uniform(0, 0.4, (n, 2))
    return vectors.astype(np.float32), scores


def _reference(vectors, scores, weight, k, voters):
    """Straightforward per-unit version of the rule, neighbours taken among `voters`."""
    out = scores.copy()
    for i in range(len(vectors)):
        pool = [j for j in voters if j != i]
        sims = vectors[pool] @ vectors[i]
        top = np.argsort(-sims, kind="stable")[:k]
        near = [pool[t] for t in top if sims[t] >= NEIGHBOUR_MIN_SIM]
        if near:
            out[i] = (1 - weight) * scores[i] + weight * scores[near].mean(axis=0)
    return out


def test_small_corpus_is_smoothed_over_every_unit():
    vectors, scores = _clustered(60)
    got = smooth_over_neighbours(vectors, scores, 0.5, 5)
    np.testing.assert_allclose(got, _reference(vectors, scores, 0.5, 5, range(60)), rtol=1e-5)


def test_above_max_voters_only_the_seeded_sample_votes():
    vectors, scores = _clustered(80)
    got = smooth_over_neighbours(vectors, scores, 0.5, 5, max_voters=20, seed=3)
    voters = np.sort(np.random.default_rng(3).choice(80, 20, replace=False))
    np.testing.assert_allclose(got, _reference(vectors, scores, 0.5, 5, voters.tolist()), rtol=1e-5)
    assert (got.argmax(1) == np.arange(80) % 2).all()  # the vote still pulls each unit to its cluster's stage


def test_rows_limits_the_smoothed_units_but_not_the_voters():
    vectors, scores = _clustered(40)
    full = smooth_over_neighbours(vectors, scores, 0.5, 5)
    assert np.allclose(smooth_over_neighbours(vectors, scores, 0.5, 5, rows=10), full[:10])


def test_extractive_title_of_a_punctuation_only_text_is_never_empty():
    unit = FeedbackUnit(id="u1", text="...", source="s.csv", locator=Locator(kind="row", index=0, char_start=0, char_end=3))
    assert extractive_title(["delivery", "late"], unit) == "delivery late"
    assert extractive_title([], unit)
