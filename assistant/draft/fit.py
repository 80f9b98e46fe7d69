"""Does a model-written text fit its evidence? A second grounding gate, after the verbatim-quote one.

Quotes are verified verbatim by the structured-output layer, but a small model can still write a
label that has nothing to do with them (or copy the prompt's worked example). A label is kept
only when its embedding is close enough to at least one of its quotes and it is not copied from
a prompt example; otherwise the item falls back to an extractive label.

MIN_FIT = 0.40 (cosine, all-MiniLM-L6-v2) was set by hand on labels drafted for the sample corpus
with the default 135M model: kept "Returns are not free" (0.42), "A makeup stain on the collar"
(0.86); rejected "Late or lost parcels" for a quote about sizes (0.27), "Pay quickly" (0.14).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Sequence

import numpy as np

MIN_FIT = 0.40
MIN_SUMMARY_FIT = 0.30  # persona summaries describe several quotes at once


@lru_cache(maxsize=1)
def example_texts() -> frozenset[str]:
    """Every string in the worked examples of the shipped prompts (a label copied from them is not a finding)."""
    from assistant.llm.prompts import load_prompt

    names = ("theme_label", "theme_labels", "persona_profile", "stage_details", "opportunity")
    found: set[str] = set()
    for name in names:
        found |= {s.strip().lower() for s in _strings(load_prompt(name).example.output)}
    return frozenset(found)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def fit_score(embedder, text: str, quotes: Sequence[str]) -> float:
    """Best cosine similarity between the text and any of its quotes."""
    if not quotes:
        return 0.0
    vectors = embedder.embed([text, *quotes])
    return float(np.max(vectors[1:] @ vectors[0]))


def fits(embedder, text: str, quotes: Sequence[str], floor: float = MIN_FIT, banned: Iterable[str] = ()) -> bool:
    """True when the text is not a copied example or a bare banned word, and resembles one of its quotes."""
    lowered = text.strip().lower()
    if not lowered or lowered in example_texts() or lowered in {b.lower() for b in banned} or repeats_itself(lowered):
        return False
    return embedder is None or fit_score(embedder, text, quotes) >= floor


def repeats_itself(text: str, n: int = 4, times: int = 3) -> bool:
    """True for degenerate output that loops ("I'm going to try on it again, and I'm going to ...")."""
    words = text.split()
    grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    return any(grams.count(g) >= times for g in set(grams))
