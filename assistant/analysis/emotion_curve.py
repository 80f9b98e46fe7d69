"""Emotion of a set of units (a stage, a persona's stage): mean valence with a 95% interval and dominant emotions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
from scipy import stats

from assistant.models import EmotionCount, EmotionSummary, Evidence, FeedbackUnit

TOP_EMOTIONS = 3
EXAMPLES_PER_EMOTION = 2
MAX_QUOTE_CHARS = 240


@dataclass
class EmotionStats:
    """EmotionSummary-ready numbers: mean valence, t-interval, n and (label, count, example unit ids)."""

    mean_valence: float | None
    ci_low: float | None
    ci_high: float | None
    n: int
    dominant: list[tuple[str, int, list[str]]] = field(default_factory=list)

    def to_model(self, units_by_id: Mapping[str, FeedbackUnit]) -> EmotionSummary:
        """The EmotionSummary, quoting the example units (their first MAX_QUOTE_CHARS characters)."""
        dominant = [
            EmotionCount(label=label, count=count, evidence=[_quote(units_by_id[u]) for u in examples if u in units_by_id])
            for label, count, examples in self.dominant
        ]
        return EmotionSummary(mean_valence=self.mean_valence, ci_low=self.ci_low, ci_high=self.ci_high, n=self.n, dominant=dominant)


def emotion_summary(
    unit_ids: Sequence[str],
    valences: Sequence[float],
    labels: Sequence[str | tuple[str, float]],
    *,
    top: int = TOP_EMOTIONS,
    examples: int = EXAMPLES_PER_EMOTION,
) -> EmotionStats:
    """Stats over units given in one order: ids, valences and emotion labels (or (label, prob) pairs)."""
    if not (len(unit_ids) == len(valences) == len(labels)):
        raise ValueError("unit_ids, valences and labels must have one entry per unit")
    n = len(unit_ids)
    if n == 0:
        return EmotionStats(None, None, None, 0)
    values = np.clip(np.asarray(valences, dtype=float), -1, 1)
    mean = float(values.mean())
    low = high = None
    if n > 1:
        sem = float(stats.sem(values))
        half = float(stats.t.ppf(0.975, n - 1) * sem) if sem > 0 else 0.0
        low, high = round(max(-1.0, mean - half), 4), round(min(1.0, mean + half), 4)
    names = [lab[0] if isinstance(lab, tuple) else lab for lab in labels]
    strength = [lab[1] if isinstance(lab, tuple) else 1.0 for lab in labels]
    counts = Counter(names)
    dominant = []
    for label, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        members = sorted((i for i in range(n) if names[i] == label), key=lambda i: (-strength[i], unit_ids[i]))
        dominant.append((label, count, [unit_ids[i] for i in members[:examples]]))
    return EmotionStats(round(mean, 4), low, high, n, dominant)


def _quote(unit: FeedbackUnit) -> Evidence:
    text = unit.text
    if len(text) > MAX_QUOTE_CHARS:
        cut = text.rfind(" ", 0, MAX_QUOTE_CHARS)
        text = text[: cut if cut > 0 else MAX_QUOTE_CHARS].rstrip()
    return Evidence.from_unit(unit, text)
