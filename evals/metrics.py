"""Accuracy metric functions: classification, correlation, clustering and ranking (scikit-learn / scipy)."""

from __future__ import annotations

import math
from typing import Hashable, Mapping, Sequence

import numpy as np
from scipy.stats import pearsonr
from sklearn.metrics import accuracy_score, f1_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix


def accuracy(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    _same_length(gold, predicted)
    return float(accuracy_score(gold, predicted)) if gold else 0.0


def macro_f1(gold: Sequence[Hashable], predicted: Sequence[Hashable], labels: Sequence[Hashable] | None = None) -> float:
    """Macro-averaged F1 over the gold labels (or `labels`), so a class the model never predicts counts as 0."""
    _same_length(gold, predicted)
    if not gold:
        return 0.0
    labels = sorted(set(gold)) if labels is None else list(labels)
    return float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0))


def pearson(gold: Sequence[float], predicted: Sequence[float]) -> float:
    """Pearson r; 0.0 when either side is constant or there are fewer than 2 pairs."""
    _same_length(gold, predicted)
    if len(gold) < 2 or np.std(gold) == 0 or np.std(predicted) == 0:
        return 0.0
    return float(pearsonr(np.asarray(gold, float), np.asarray(predicted, float)).statistic)


def nmi(gold: Sequence[Hashable], clusters: Sequence[Hashable]) -> float:
    _same_length(gold, clusters)
    return float(normalized_mutual_info_score(gold, clusters)) if gold else 0.0


def purity(gold: Sequence[Hashable], clusters: Sequence[Hashable]) -> float:
    """Share of items whose cluster's majority gold label is their own."""
    _same_length(gold, clusters)
    if not gold:
        return 0.0
    table = contingency_matrix(gold, clusters)
    return float(table.max(axis=0).sum() / table.sum())


def precision_at_k(ranked: Sequence[str], relevance: Mapping[str, float], k: int) -> float:
    """Share of the top k results with relevance > 0 (missing results count as not relevant)."""
    return sum(1 for doc in ranked[:k] if relevance.get(doc, 0) > 0) / k


def ndcg_at_k(ranked: Sequence[str], relevance: Mapping[str, float], k: int) -> float:
    """nDCG@k with graded gains (2^rel - 1) and log2 discounts; the ideal ranking uses every judged document."""
    def dcg(gains: Sequence[float]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted((r for r in relevance.values() if r > 0), reverse=True))
    return dcg([relevance.get(doc, 0) for doc in ranked]) / ideal if ideal > 0 else 0.0


def _same_length(a: Sequence, b: Sequence) -> None:
    if len(a) != len(b):
        raise ValueError(f"gold and predicted differ in length: {len(a)} vs {len(b)}")
