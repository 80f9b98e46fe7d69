"""Ekman-7 emotion of each unit: a small numpy classifier head on MiniLM embeddings (+ VADER scores).

The head (``data/emotion_head.npz``) was trained by ``python -m assistant.analysis.train_emotion``
on GoEmotions train (single-label rows, 27 labels mapped to Ekman-7 with the dataset's
taxonomy_mappings.json); its per-class log-prior offsets were tuned on GoEmotions dev for
macro-F1, and it is scored on GoEmotions test in bench/bench_analysis.py. Inference needs numpy only.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

HEAD_PATH = Path(__file__).resolve().parent / "data" / "emotion_head.npz"
LABELS = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")


@lru_cache(maxsize=1)
def load_head(path: str = str(HEAD_PATH)) -> dict[str, np.ndarray]:
    """The stored head: layer weights W0, b0, W1, b1 ..., offsets, labels, uses_vader."""
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def features(vectors: np.ndarray, texts: Sequence[str] | None, uses_vader: bool) -> np.ndarray:
    """Model input: the embedding, plus VADER neg/neu/pos/compound when the head uses them."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if not uses_vader:
        return vectors
    if texts is None or len(texts) != len(vectors):
        raise ValueError("this emotion head needs the unit texts, one per vector")
    from assistant.analysis.sentiment import vader_analyzer

    scores = [vader_analyzer().polarity_scores(t) for t in texts]
    extra = np.array([[s["neg"], s["neu"], s["pos"], s["compound"]] for s in scores], dtype=np.float32)
    return np.hstack([vectors, extra])


def forward(head: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """Class probabilities (N, 7) of the ReLU MLP (or linear model) stored in `head`, offsets applied."""
    layers = sum(1 for key in head if key.startswith("W"))
    if "mean" in head:
        x = (x - head["mean"]) / head["scale"]
    for i in range(layers):
        x = x @ head[f"W{i}"] + head[f"b{i}"]
        if i < layers - 1:
            x = np.maximum(x, 0.0)
    z = x + head["offsets"]
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def emotion_probs(unit_vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
    """(N, 7) probabilities over LABELS."""
    vectors = np.asarray(unit_vectors, dtype=np.float32)
    if len(vectors) == 0:
        return np.zeros((0, len(LABELS)))
    head = load_head()
    uses_vader = bool(head["uses_vader"])
    if vectors.shape[1] != head["W0"].shape[0] - 4 * uses_vader and texts is not None:
        # the head reads MiniLM space; vectors from another embedder are replaced
        from vectorstore.embedders import default_embedder

        vectors = default_embedder().embed(list(texts))
    return forward(head, features(vectors, texts, uses_vader))


def emotions(unit_vectors: np.ndarray, texts: Sequence[str] | None = None) -> list[tuple[str, float]]:
    """(Ekman label, probability) of the most likely emotion of each unit."""
    probs = emotion_probs(unit_vectors, texts)
    best = probs.argmax(axis=1) if len(probs) else []
    return [(LABELS[k], round(float(probs[i, k]), 4)) for i, k in enumerate(best)]
