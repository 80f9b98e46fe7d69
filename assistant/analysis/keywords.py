"""Top terms per group of texts, c-TF-IDF style (BERTopic's class-based TF-IDF)."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

TOP_TERMS = 5


def class_keywords(docs: Sequence[str], top: int = TOP_TERMS) -> list[list[str]]:
    """For each document (all texts of one class joined), its most distinctive terms."""
    if not docs:
        return []
    vectorizer = CountVectorizer(stop_words="english", ngram_range=(1, 2), token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z']+\b")
    try:
        counts = vectorizer.fit_transform(docs)
    except ValueError:  # only stop words
        return [[] for _ in docs]
    terms = vectorizer.get_feature_names_out()
    counts = counts.tocsr().astype(float)
    row_sums = np.asarray(counts.sum(axis=1)).ravel()
    term_sums = np.asarray(counts.sum(axis=0)).ravel()
    idf = np.log(1 + (counts.sum() / len(docs)) / np.clip(term_sums, 1, None))
    out = []
    for i in range(counts.shape[0]):
        row = counts.getrow(i)
        scores = row.data / max(row_sums[i], 1) * idf[row.indices]
        order = np.lexsort((row.indices, -scores))[:top]  # ties broken by term order: deterministic
        out.append([str(terms[row.indices[j]]) for j in order])
    return out
