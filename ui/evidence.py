"""The evidence panel: a claim's quotes shown inside the source text around them."""

from __future__ import annotations

from html import escape
from typing import Mapping, Optional

from assistant.export.html_page import anchor
from assistant.models import Claim, Evidence, FeedbackUnit, JourneyMap, Opportunity

CONTEXT_CHARS = 200
LANE_LABELS = {"touchpoints": "Touchpoint", "goals": "Goal", "pain_points": "Pain point", "delights": "Delight",
               "frustrations": "Frustration", "motivations": "Motivation", "behaviours": "Behaviour",
               "opportunities": "Opportunity"}


def claim_entries(journey_map: JourneyMap) -> list[tuple[str, str, Claim | Opportunity]]:
    """(label, id, claim or opportunity) for everything in the map that carries evidence, in map order."""
    persona_names = {p.id: p.name for p in journey_map.personas}
    entries = []
    for location, claim in journey_map.all_claims():
        _, owner, lane = location.split(".", 2)
        where = persona_names.get(owner, owner) if location.startswith("personas.") else owner
        entries.append((f"{where} · {LANE_LABELS.get(lane, lane)}: {claim.text}", claim.id, claim))
    for stage in journey_map.stages:
        entries += [(f"{stage.name} · Opportunity: {o.text}", o.id, o) for o in stage.opportunities]
    return entries


def claim_for_anchor(journey_map: JourneyMap, card_anchor: str) -> Optional[str]:
    """The claim or opportunity id behind an HTML card id of the exported map."""
    for _, item_id, item in claim_entries(journey_map):
        kind = "o" if isinstance(item, Opportunity) else "c"
        if anchor(kind, item_id) == card_anchor:
            return item_id
    return None


def _neighbours(unit: FeedbackUnit, units: Mapping[str, FeedbackUnit]) -> tuple[Optional[FeedbackUnit], Optional[FeedbackUnit]]:
    """The units just before and after `unit` in its source."""
    same = sorted((u for u in units.values() if u.source == unit.source), key=lambda u: (u.locator.index, u.locator.part))
    at = next((i for i, u in enumerate(same) if u.id == unit.id), None)
    if at is None:
        return None, None
    return (same[at - 1] if at > 0 else None), (same[at + 1] if at + 1 < len(same) else None)


def context_html(evidence: Evidence, units: Mapping[str, FeedbackUnit], width: int = CONTEXT_CHARS) -> str:
    """The quote marked inside about `width` characters of source text either side (spilling into neighbouring units)."""
    unit = units[evidence.unit_id]
    before, after = unit.text[: evidence.start], unit.text[evidence.end:]
    previous, following = _neighbours(unit, units)
    if len(before) < width and previous is not None:
        before = previous.text + "\n" + before
    if len(after) < width and following is not None:
        after = after + "\n" + following.text
    head = ("…" if len(before) > width else "") + before[-width:]
    tail = after[:width] + ("…" if len(after) > width else "")
    quote = unit.text[evidence.start : evidence.end]
    return (f'<p class="ev-context">{escape(head)}<mark>{escape(quote)}</mark>{escape(tail)}</p>')


def _meta(unit: FeedbackUnit) -> str:
    parts = [f"<b>{escape(unit.source)}</b>", escape(unit.locator.label())]
    if unit.respondent:
        parts.append(f"respondent {escape(unit.respondent)}")
    if unit.speaker_role != "respondent":
        parts.append(escape(unit.speaker_role))
    parts.append(f"<code>{escape(unit.id)}</code>")
    return " · ".join(parts)


def evidence_html(journey_map: JourneyMap, item_id: str, units: Mapping[str, FeedbackUnit]) -> str:
    """The evidence panel for one claim or opportunity: header, then each quote in its source context."""
    found = next(((label, item) for label, cid, item in claim_entries(journey_map) if cid == item_id), None)
    if found is None:
        return f'<div class="ev-panel ev-empty">No claim <code>{escape(item_id)}</code> in this version of the map.</div>'
    label, item = found
    if isinstance(item, Claim):
        facts = (f"{item.kind} · {item.prevalence.units} units from {item.prevalence.respondents} respondents · "
                 f"confidence {item.confidence:.2f} · {item.origin}")
    else:
        facts = f"impact {item.impact_hint} · addresses {', '.join(item.addresses)} · {item.origin}"
    quotes = []
    for number, evidence in enumerate(item.evidence, start=1):
        unit = units.get(evidence.unit_id)
        if unit is None:
            quotes.append(f'<li class="ev-missing">Quote {number}: unit <code>{escape(evidence.unit_id)}</code> is not '
                          "in the corpus any more; re-ingest its source or draft the map again.</li>")
            continue
        quotes.append(f'<li><div class="ev-meta">Quote {number} · {_meta(unit)}</div>{context_html(evidence, units)}</li>')
    return (f'<div class="ev-panel"><h4>{escape(label)}</h4><p class="ev-facts">{escape(facts)}</p>'
            f'<ol class="ev-quotes">{"".join(quotes)}</ol></div>')
