"""Sentiment valence in [-1, 1]: VADER compound blended with a ridge head on MiniLM embeddings.

The ridge head (``data/valence_head.npz``, 384 weights + intercept) was trained by
``python -m assistant.analysis.train_valence`` on the VADER tweets ground truth (4,200 tweets,
mean human rating / 4) plus GoEmotions train rows mapped to valence (positive +1, negative -1,
neutral 0). The blend weight was tuned on GoEmotions dev. Nothing was fitted on the Amazon
review snippets, which stay the held-out benchmark (bench/bench_analysis.py).

Texts of several sentences are scored sentence by sentence and averaged (see `valence`); that
choice was made on the drug reviews' train split; its test split is scored in bench/bench_analysis.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

HEAD_PATH = Path(__file__).resolve().parent / "data" / "valence_head.npz"
# sentence-ending punctuation with more text after it, or a line break: only such texts are split
_MAY_HAVE_SENTENCES = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"')\]\u201d\u2019]*\s+\S|\n\s*\S")


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
    """Valence of each text in [-1, 1]; pass the texts' MiniLM `vectors` to skip embedding them again.

    A text of several sentences gets the mean valence of its sentences (split as `ingest
    --sentences` splits them). Scored whole, a review's praise drowns its complaint: on the drug
    reviews' train split the mean ranks reviews by rating better (Spearman 0.45 vs 0.42).
    """
    texts = list(texts)
    scores = np.zeros(len(texts), dtype=np.float64)
    parts = [sentences_of(text) for text in texts]
    whole = [i for i, sentences in enumerate(parts) if len(sentences) == 1]
    if whole:
        given = None if vectors is None else np.asarray(vectors)[whole]
        scores[whole] = blended([texts[i] for i in whole], _minilm_vectors([texts[i] for i in whole], given))
    split = [i for i, sentences in enumerate(parts) if len(sentences) > 1]
    if split:
        flat = [sentence for i in split for sentence in parts[i]]
        sentence_scores = iter(blended(flat, _minilm_vectors(flat, None)))
        for i in split:
            scores[i] = float(np.mean([next(sentence_scores) for _ in parts[i]]))
    return scores


def sentences_of(text: str) -> list[str]:
    """The sentences of `text` as sentence ingest would make them; a single sentence costs one regex test."""
    if not _MAY_HAVE_SENTENCES.search(text):
        return [text]
    from assistant.ingest.split import sentence_chunks

    return [text[start:end] for start, end in sentence_chunks(text, 0, len(text))] or [text]


def _minilm_vectors(texts: list[str], vectors: np.ndarray | None) -> np.ndarray:
    if vectors is None or np.shape(vectors)[-1] != _head()[0].shape[0]:
        # the head reads MiniLM space; vectors from another embedder are not usable here
        from vectorstore.embedders import default_embedder

        vectors = default_embedder().embed(texts)
    return vectors


def blended(texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """Each text scored whole: the head on its vector blended with VADER."""
    blend = _head()[2]
    return np.clip(blend * head_valence(vectors) + (1 - blend) * vader_valence(texts), -1.0, 1.0)
