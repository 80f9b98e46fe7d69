"""Helpers shared by the exporters: quote provenance, labels, ordering and atomic binary writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from assistant.workspace import atomic_write_bytes  # noqa: F401  (re-exported for the renderers)
from assistant.models import Claim, EmotionSummary, Evidence, FeedbackUnit, JourneyMap, Prevalence, Stage

STAGE_LANES = ("touchpoints", "goals", "pain_points", "delights")
PERSONA_LANES = ("goals", "frustrations", "motivations", "behaviours")
LANE_TITLES = {
    "touchpoints": "Touchpoints",
    "goals": "Goals",
    "pain_points": "Pain points",
    "delights": "Delights",
    "opportunities": "Opportunities",
    "frustrations": "Frustrations",
    "motivations": "Motivations",
    "behaviours": "Behaviours",
    "emotion": "Emotion",
}


@dataclass(frozen=True)
class QuoteRef:
    """One quote with where it came from, resolved against the corpus."""

    unit_id: str
    quote: str
    start: int
    end: int
    source: str
    respondent: str
    locator: str


def quote_ref(evidence: Evidence, units: Mapping[str, FeedbackUnit]) -> QuoteRef:
    """Resolve a piece of evidence to its source, respondent and locator (blank when the unit is unknown)."""
    unit = units.get(evidence.unit_id)
    return QuoteRef(
        unit_id=evidence.unit_id,
        quote=evidence.quote,
        start=evidence.start,
        end=evidence.end,
        source=unit.source if unit else "unknown source",
        respondent=(unit.respondent or "") if unit else "",
        locator=locator_text(unit) if unit else "",
    )


def locator_text(unit: FeedbackUnit) -> str:
    """'row 3', 'turn 4 part 2, page 7', 'row 2, field comment'."""
    parts = [unit.locator.label()]
    if unit.locator.page is not None:
        parts.append(f"page {unit.locator.page}")
    if unit.locator.field:
        parts.append(f"field {unit.locator.field}")
    return ", ".join(parts)


def prevalence_text(prevalence: Prevalence) -> str:
    """'3 units · 2 respondents' (singular where it is one), plus the share when known."""
    units = f"{prevalence.units} unit" + ("" if prevalence.units == 1 else "s")
    people = f"{prevalence.respondents} respondent" + ("" if prevalence.respondents == 1 else "s")
    share = f" · {percent(prevalence.share)} of respondents" if prevalence.share is not None else ""
    return f"{units} · {people}{share}"


def percent(share: float) -> str:
    """A share as a whole percentage; "<1%" for a few respondents of many, never "0%" for some."""
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def origin_note(origin: str) -> str:
    """A short marker for claims not worded by the model ('' for llm)."""
    return {"extractive": "extractive label", "manual": "edited by a person"}.get(origin, "")


def ordered_stages(journey_map: JourneyMap) -> list[Stage]:
    return sorted(journey_map.stages, key=lambda stage: stage.order)


def claim_index(journey_map: JourneyMap) -> dict[str, Claim]:
    """Claim id -> claim, for resolving what an opportunity addresses."""
    return {claim.id: claim for _, claim in journey_map.all_claims()}


def valence_tone(value: float | None) -> str:
    """'neg', 'mid' or 'pos' for colouring; 'none' when there is no mean."""
    if value is None:
        return "none"
    if value <= -0.15:
        return "neg"
    if value >= 0.15:
        return "pos"
    return "mid"


def signed(value: float | None, digits: int = 2) -> str:
    """'+0.20', '−0.10' (true minus sign), '–' for missing."""
    if value is None:
        return "–"
    text = f"{value:+.{digits}f}"
    return text.replace("-", "\u2212")


def measured_runs(emotions: list[EmotionSummary]) -> list[list[int]]:
    """Runs of consecutive stage indexes that have a mean valence; a curve breaks where a stage has none."""
    runs: list[list[int]] = []
    for index, emotion in enumerate(emotions):
        if emotion.mean_valence is None:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs
