"""Persona k-means on many respondents: fitted on a sample, every respondent still labelled."""

import numpy as np
from sklearn.metrics import adjusted_rand_score

from assistant.analysis import personas
from assistant.analysis.personas import _kmeans, find_personas
from tests.analysis.conftest import make_unit


def _blobs(per_blob: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.eye(3, 16) * 5
    points = np.vstack([c + rng.normal(scale=0.3, size=(per_blob, 16)) for c in centres])
    return points.astype(np.float32), np.repeat(np.arange(3), per_blob)


def test_sampled_fit_labels_every_row_like_a_full_fit():
    points, truth = _blobs(400)
    sampled = _kmeans(points, 3, seed=0, fit_sample=90)
    assert len(sampled) == len(points)
    assert adjusted_rand_score(truth, sampled) == 1.0
    assert adjusted_rand_score(_kmeans(points, 3, seed=0), sampled) == 1.0
    assert np.array_equal(sampled, _kmeans(points, 3, seed=0, fit_sample=90))  # seeded: same sample, same labels


def test_every_respondent_lands_in_one_segment_when_fitted_on_a_sample(monkeypatch, toy_embedder):
    monkeypatch.setattr(personas, "FIT_SAMPLE", 12)
    topics = ["late parcel delivery courier", "refund return label printer", "discount code checkout student"]
    units = [make_unit(f"{topics[r % 3]} {word}", i, respondent=f"r{r}", plan=("free", "pro")[r % 2])
             for i, (r, word) in enumerate((r, w) for r in range(60) for w in ("again", "today"))]
    vectors = toy_embedder.embed([u.text for u in units])
    segments = find_personas(units, vectors, 3)
    assert len(segments) == 3
    members = [r for s in segments for r in s.respondents]
    assert sorted(members) == sorted({f"r{r}" for r in range(60)})
    by_topic = [{int(r[1:]) % 3 for r in s.respondents} for s in segments]
    assert all(len(topic) == 1 for topic in by_topic)  # each segment is one topic's respondents
