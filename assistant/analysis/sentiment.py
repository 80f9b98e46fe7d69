"""Sentiment valence in [-1, 1]: VADER compound blended with a ridge head on MiniLM embeddings.

The ridge head (``data/valence_head.npz``, 384 weights + intercept) was trained by
``python -m assistant.analysis.train_valence`` on the VADER tweets ground truth (4,200 tweets,
mean human rating / 4) plus GoEmotions train rows mapped to valence (positive +1, negative -1,
neutral 0). The blend weight was tuned on GoEmotions dev. Nothing was fitted on the Amazon
review snippets, which stay the held-out benchmark (bench/bench_analysis.py).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

HEAD_PATH = Path(__file__).resolve().parent / "data" / "valence_head.npz"


@lru_cache(maxsize=1)
def vader_analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _head() -> tuple[np.ndarray, float, float]:
    """(weights, intercept, blend weight of the head)."""
    with np.load(HEAD_PATH) as data:
        return data["coef"].astype(np.float32), float(data["intercept"]), float(data["blend"])


def vader_valence(texts: Sequence[str]) -> np.ndarray:
    """VADER compound score of each text, in [-1, 1]."""
    return np.array([vader_analyzer().polarity_scores(t)["compound"] for t in texts], dtype=np.float64)


def head_valence(vectors: np.ndarray) -> np.ndarray:
    """The ridge head's valence of each embedding, clipped to [-1, 1]."""
    coef, intercept, _ = _head()
    return np.clip(np.asarray(vectors, dtype=np.float32) @ coef + intercept, -1.0, 1.0).astype(np.float64)


def valence(texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
    """Valence of each text in [-1, 1]; pass the texts' MiniLM `vectors` to skip embedding them again."""
    texts = list(texts)
    if not texts:
        return np.zeros(0, dtype=np.float64)
    coef, _, blend = _head()
    if vectors is None or np.shape(vectors)[-1] != coef.shape[0]:
        # the head reads MiniLM space; vectors from another embedder are not usable here
        from vectorstore.embedders import default_embedder

        vectors = default_embedder().embed(texts)
    return np.clip(blend * head_valence(vectors) + (1 - blend) * vader_valence(texts), -1.0, 1.0)
