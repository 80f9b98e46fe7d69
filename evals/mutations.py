"""Mutation testing for the grounding suite: break a valid map in one known way and say where.

Each mutation returns the broken map (built without validation, as a buggy pipeline or a
hand edit could produce it), the metric that must catch it and the location it must name.

    for mutate in MUTATIONS:
        m = mutate(units, journey_map)
        report = run_grounding(m.journey_map, units)
        assert m.location in report.metric(m.metric).locations()
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from assistant.models import Claim, Evidence, FeedbackUnit, JourneyMap, Persona
from evals.grounding import claim_sites


@dataclass(frozen=True)
class Mutation:
    """A broken copy of a map, the metric that must flag it and the location it must name."""

    name: str
    journey_map: JourneyMap
    metric: str
    location: str


def _first_claim_with_evidence(m: JourneyMap) -> tuple[str, Claim]:
    for loc, claim in claim_sites(m):
        if claim.evidence and len(claim.evidence[0].quote.split()) >= 2:
            return loc, claim
    raise ValueError("the map has no claim with a multi-word quote to mutate")


def _replace_evidence(claim: Claim, index: int, evidence: Evidence) -> None:
    claim.evidence[index] = evidence  # assignment is not validated: that is the point


def paraphrase_quote(units: Mapping[str, FeedbackUnit], journey_map: JourneyMap) -> Mutation:
    """(a) Reword a quote (swap its first two words, add 'really'), keeping its offsets."""
    m = journey_map.model_copy(deep=True)
    loc, claim = _first_claim_with_evidence(m)
    ev = claim.evidence[0]
    words = ev.quote.split()
    reworded = " ".join([words[1], words[0], "really", *words[2:]])
    _replace_evidence(claim, 0, Evidence.model_construct(unit_id=ev.unit_id, quote=reworded, start=ev.start, end=ev.end))
    return Mutation("paraphrase_quote", m, "quote_verbatim_rate", f"{loc}.evidence[0]")


def shift_offset(units: Mapping[str, FeedbackUnit], journey_map: JourneyMap) -> Mutation:
    """(b) Move a quote's offsets by one character, keeping the quote text."""
    m = journey_map.model_copy(deep=True)
    loc, claim = _first_claim_with_evidence(m)
    ev = claim.evidence[0]
    _replace_evidence(claim, 0, Evidence.model_construct(unit_id=ev.unit_id, quote=ev.quote, start=ev.start + 1, end=ev.end + 1))
    return Mutation("shift_offset", m, "quote_verbatim_rate", f"{loc}.evidence[0]")


def wrong_unit(units: Mapping[str, FeedbackUnit], journey_map: JourneyMap) -> Mutation:
    """(c) Point a quote at another unit of the corpus, one whose text does not contain it."""
    m = journey_map.model_copy(deep=True)
    loc, claim = _first_claim_with_evidence(m)
    ev = claim.evidence[0]
    other = next(u for u in units.values() if u.id != ev.unit_id and ev.quote not in u.text)
    _replace_evidence(claim, 0, Evidence.model_construct(unit_id=other.id, quote=ev.quote, start=ev.start, end=ev.end))
    return Mutation("wrong_unit", m, "quote_verbatim_rate", f"{loc}.evidence[0]")


def invent_number(units: Mapping[str, FeedbackUnit], journey_map: JourneyMap) -> Mutation:
    """(d) Append an invented statistic to a claim's text."""
    m = journey_map.model_copy(deep=True)
    loc, claim = _first_claim_with_evidence(m)
    claim.text = claim.text.rstrip(".") + " for 73% of buyers"
    return Mutation("invent_number", m, "unsupported_numbers", f"{loc}.text")


def drop_evidence(units: Mapping[str, FeedbackUnit], journey_map: JourneyMap) -> Mutation:
    """(e) Remove all evidence from an observed claim (model_construct bypasses the validator)."""
    m = journey_map.model_copy(deep=True)
    for stage in m.stages:
        for lane in ("pain_points", "delights", "touchpoints", "goals"):
            claims = getattr(stage, lane)
            for i, claim in enumerate(claims):
                if claim.kind == "observed":
                    fields = {k: getattr(claim, k) for k in Claim.model_fields}
                    claims[i] = Claim.model_construct(**{**fields, "evidence": []})
                    return Mutation("drop_evidence", m, "evidence_per_claim", f"stages.{stage.name}.{lane}.{claim.id}")
    raise ValueError("the map has no observed stage claim to strip")


def duplicate_persona(units: Mapping[str, FeedbackUnit], journey_map: JourneyMap) -> Mutation:
    """(f) Add a copy of the first persona under a new id."""
    m = journey_map.model_copy(deep=True)
    if not m.personas:
        raise ValueError("the map has no persona to duplicate")
    source = m.personas[0]
    copy = Persona.model_construct(**{**{k: getattr(source, k) for k in Persona.model_fields}, "id": f"{source.id}-copy"})
    m.personas.append(copy.model_copy(deep=True))
    return Mutation("duplicate_persona", m, "duplicate_personas", f"personas.{copy.id}")


MUTATIONS: tuple[Callable[[Mapping[str, FeedbackUnit], JourneyMap], Mutation], ...] = (
    paraphrase_quote, shift_offset, wrong_unit, invent_number, drop_evidence, duplicate_persona,
)
