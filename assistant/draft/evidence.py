"""Deterministic evidence builders: quotes, claims and prevalence from units.

Quotes are whole sentences cut from the unit (short enough to read on a map card) and are
located verbatim, so every Evidence built here validates against the corpus.
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

from assistant.models import Claim, Evidence, FeedbackUnit, Prevalence

MAX_QUOTE_CHARS = 240
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def best_sentence(text: str, keywords: Sequence[str] = ()) -> str:
    """The sentence of `text` that mentions most keywords (ties: the earlier one), clipped for reading."""
    candidates = sentences(text) or [text.strip()]
    lowered = [k.lower() for k in keywords if k]
    scored = max(candidates, key=lambda s: sum(k in s.lower() for k in lowered))
    if len(scored) <= MAX_QUOTE_CHARS:
        return scored
    clipped = scored[:MAX_QUOTE_CHARS]
    return clipped[: clipped.rfind(" ")] if " " in clipped else clipped


def quote_unit(unit: FeedbackUnit, keywords: Sequence[str] = (), quote: str | None = None) -> Evidence:
    """Evidence from `unit`: the given quote when verbatim, else its best sentence."""
    if quote:
        try:
            return Evidence.from_unit(unit, quote)
        except ValueError:
            pass
    return Evidence.from_unit(unit, best_sentence(unit.text, keywords))


def prevalence(unit_ids: Iterable[str], units: dict[str, FeedbackUnit], total_respondents: int | None = None) -> Prevalence:
    ids = list(dict.fromkeys(unit_ids))
    respondents = {units[i].respondent or i for i in ids if i in units}
    share = len(respondents) / total_respondents if total_respondents else None
    return Prevalence(units=len(ids), respondents=len(respondents), share=min(share, 1.0) if share is not None else None)


def make_claim(
    claim_id: str,
    text: str,
    kind: str,
    unit_ids: Sequence[str],
    evidence_units: Sequence[FeedbackUnit],
    units: dict[str, FeedbackUnit],
    *,
    keywords: Sequence[str] = (),
    quotes: dict[str, str] | None = None,
    origin: str = "llm",
    confidence: float = 0.5,
    total_respondents: int | None = None,
    evidence: Sequence[Evidence] | None = None,
    description: str | None = None,
) -> Claim:
    """A claim quoting each evidence unit (or carrying already-verified `evidence`), with prevalence over all its units."""
    quotes = quotes or {}
    if evidence is None:
        evidence = [quote_unit(u, keywords, quotes.get(u.id)) for u in evidence_units]
    return Claim(
        id=claim_id, text=text.strip(), description=description, kind=kind, evidence=list(evidence), unit_ids=list(dict.fromkeys(unit_ids)),
        prevalence=prevalence(unit_ids, units, total_respondents), confidence=round(float(confidence), 3), origin=origin,
    )
