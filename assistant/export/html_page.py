"""A self-contained visual journey map: persona cards, then stages as columns and lanes as rows.

Every piece of corpus or claim text goes through html.escape; the page loads nothing
from outside (inline CSS and JS, a Content-Security-Policy that forbids fetching).
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from importlib import resources
from typing import Mapping

from assistant.export.common import (
    LANE_TITLES, PERSONA_LANES, claim_index, origin_note, ordered_stages, percent, prevalence_text, quote_ref, signed,
    valence_tone,
)
from assistant.export.emotion_svg import emotion_svg
from assistant.export.markdown import emotion_line
from assistant.models import Claim, Evidence, FeedbackUnit, JourneyMap, Opportunity, Persona, Stage

CELL_SHOWN = 8  # pain points or delights shown per stage before the smaller ones fold away
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
_BUTTONS = ('<button type="button" data-jm="open">Show all quotes</button>'
            '<button type="button" data-jm="close">Hide quotes</button>')
_LANE_HINTS = {
    "touchpoints": "where it happens",
    "goals": "what they want",
    "emotion": "mean valence · 95% CI · n",
    "pain_points": "what goes wrong",
    "delights": "what goes right",
    "opportunities": "how might we",
}


def _asset(name: str) -> str:
    return resources.files("assistant.export").joinpath("assets", name).read_text(encoding="utf-8")


def anchor(kind: str, item_id: str) -> str:
    """A safe, unique HTML id for a claim or opportunity id."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", item_id)[:40]
    return f"{kind}-{slug}-{hashlib.sha1(item_id.encode()).hexdigest()[:6]}"


def _quote_items(evidence: list[Evidence], units: Mapping[str, FeedbackUnit]) -> str:
    items = []
    for item in evidence:
        ref = quote_ref(item, units)
        cite = [f'<span class="jm-src">{escape(ref.source)}</span>']
        if ref.respondent:
            cite.append(f"respondent {escape(ref.respondent)}")
        if ref.locator:
            cite.append(escape(ref.locator))
        items.append(f'<li><blockquote>{escape(ref.quote)}</blockquote><div class="jm-cite">{" · ".join(cite)}</div></li>')
    return f'<ul class="jm-quotes">{"".join(items)}</ul>'


def _badge(text: str, cls: str = "", title: str = "") -> str:
    tip = f' title="{escape(title)}"' if title else ""
    return f'<span class="jm-badge {cls}"{tip}>{escape(text)}</span>'


def claim_card(claim: Claim, lane: str, units: Mapping[str, FeedbackUnit]) -> str:
    """A <details> card: text and badges; opening it shows the quotes with source, respondent, locator."""
    badges = [_badge(prevalence_text(claim.prevalence), "prev", "units and distinct respondents behind this claim")]
    if claim.kind == "inferred":
        badges.append(_badge("inferred", "inferred", "a synthesis over the quotes, not a direct observation"))
    if origin_note(claim.origin):
        badges.append(_badge(origin_note(claim.origin), claim.origin))
    badges.append(_badge(str(len(claim.evidence)), "quotes", f"confidence {claim.confidence:.2f}; click to show the quotes"))
    return (f'<details class="jm-claim {lane}" id="{anchor("c", claim.id)}"><summary>'
            f'<span class="jm-text">{escape(claim.text)}</span><span class="jm-badges">{"".join(badges)}</span>'
            f'</summary><div class="jm-body">{_quote_items(claim.evidence, units)}</div></details>')


def _opportunity_card(opportunity: Opportunity, claims: dict[str, Claim], units: Mapping[str, FeedbackUnit]) -> str:
    links = []
    for claim_id in opportunity.addresses:
        label = claims[claim_id].text if claim_id in claims else claim_id
        links.append(f'<a class="jm-ref" href="#{anchor("c", claim_id)}">{escape(label)}</a>')
    badges = [_badge(f"impact {opportunity.impact_hint}", opportunity.impact_hint)]
    if origin_note(opportunity.origin):
        badges.append(_badge(origin_note(opportunity.origin), opportunity.origin))
    badges.append(_badge(str(len(opportunity.evidence)), "quotes", "click to show the quotes"))
    return (f'<details class="jm-claim opportunities" id="{anchor("o", opportunity.id)}"><summary>'
            f'<span class="jm-text">{escape(opportunity.text)}</span><span class="jm-badges">{"".join(badges)}</span>'
            f'</summary><div class="jm-body"><p class="jm-addr">Addresses: {"; ".join(links)}</p>'
            f'{_quote_items(opportunity.evidence, units)}</div></details>')


def _cell(cards: list[str], claims: list[Claim] | None = None) -> str:
    """A grid cell; past CELL_SHOWN theme cards (largest first) the rest fold under "N smaller themes"."""
    if claims is not None and len(cards) > CELL_SHOWN:
        rest = claims[CELL_SHOWN:]
        units = sum(c.prevalence.units for c in rest)
        fold = (f'<details class="jm-more"><summary>{len(rest)} smaller themes · {units} units</summary>'
                f'{"".join(cards[CELL_SHOWN:])}</details>')
        cards = [*cards[:CELL_SHOWN], fold]
    return f'<div class="jm-cell">{"".join(cards) or "<span class=jm-empty>none found</span>"}</div>'


def _lane_label(lane: str) -> str:
    return f'<div class="jm-lane">{LANE_TITLES[lane]}<small>{_LANE_HINTS[lane]}</small></div>'


def _stage_head(position: int, stage: Stage) -> str:
    tone = valence_tone(stage.emotion.mean_valence)
    description = f"<p>{escape(stage.description)}</p>" if stage.description else ""
    return (f'<div class="jm-stagehead {tone}"><h3><span class="jm-num">{position}</span>{escape(stage.name)}</h3>'
            f'{description}<span class="jm-val {tone}" title="{escape(emotion_line(stage.emotion))}">'
            f'{signed(stage.emotion.mean_valence)}</span> '
            f'<span class="jm-badge">{len(stage.unit_ids)} units</span>{_dominant(stage)}</div>')


def _dominant(stage: Stage) -> str:
    """'mostly anger (4), sadness (2)'; each label's example quotes in its tooltip."""
    if not stage.emotion.dominant:
        return ""
    labels = []
    for emotion in stage.emotion.dominant[:3]:
        tip = " | ".join(e.quote for e in emotion.evidence[:2])
        labels.append(f'<span title="{escape(tip)}">{escape(emotion.label)} ({emotion.count})</span>')
    return f'<div class="jm-dom">mostly {", ".join(labels)}</div>'


def _journey_grid(journey_map: JourneyMap, units: Mapping[str, FeedbackUnit]) -> str:
    stages = ordered_stages(journey_map)
    claims = claim_index(journey_map)
    columns = f"grid-template-columns: 150px repeat({max(1, len(stages))}, minmax(230px, 1fr))"
    rows = ['<div class="jm-lane">Stage</div>', *[_stage_head(i, s) for i, s in enumerate(stages, start=1)]]
    for lane in ("touchpoints", "goals"):
        rows += [_lane_label(lane), *[_cell([claim_card(c, lane, units) for c in getattr(s, lane)]) for s in stages]]
    svg = emotion_svg([s.name for s in stages], [s.emotion for s in stages])
    rows += [_lane_label("emotion"), f'<div class="jm-emotion" style="grid-column: span {max(1, len(stages))}">{svg}</div>']
    for lane in ("pain_points", "delights"):
        rows += [_lane_label(lane), *[_cell([claim_card(c, lane, units) for c in getattr(s, lane)], getattr(s, lane)) for s in stages]]
    rows += [_lane_label("opportunities"),
             *[_cell([_opportunity_card(o, claims, units) for o in s.opportunities]) for s in stages]]
    return f'<div class="jm-scroll"><div class="jm-grid" style="{columns}">{"".join(rows)}</div></div>'


def _persona_card(persona: Persona, units: Mapping[str, FeedbackUnit], stage_order: list[str]) -> str:
    parts = [f"<h3>{escape(persona.name)}</h3>",
             f'<div class="jm-share"><b>{percent(persona.share)}</b> of respondents'
             f'<span class="jm-share-bar"><span style="width:{persona.share * 100:.1f}%"></span></span>'
             f"{len(persona.respondents)} people</div>"]
    if persona.summary:
        parts.append(f'<p class="jm-summary">{escape(persona.summary)}</p>')
    if persona.attributes or origin_note(persona.origin):
        chips = [f'<span class="jm-chip">{escape(a.key)}: {escape(a.value)} ({a.count})</span>' for a in persona.attributes]
        if origin_note(persona.origin):
            chips.append(_badge(origin_note(persona.origin), persona.origin))
        parts.append(f'<div class="jm-chips">{"".join(chips)}</div>')
    for lane in PERSONA_LANES:
        cards = [claim_card(c, lane, units) for c in getattr(persona, lane)]
        if cards:
            parts.append(f'<div class="jm-sub">{LANE_TITLES[lane]}</div>{"".join(cards)}')
    if persona.representative_quotes:
        parts.append(f'<div class="jm-sub">Top quotes</div>{_quote_items(persona.representative_quotes[:3], units)}')
    if persona.stage_emotions:
        names = [n for n in stage_order if n in persona.stage_emotions]
        names += sorted(set(persona.stage_emotions) - set(names))
        pills = []
        for name in names:
            emotion = persona.stage_emotions[name]
            tone = valence_tone(emotion.mean_valence)
            pills.append(f'<span class="jm-val {tone}" title="{escape(emotion_line(emotion))}">'
                         f"{escape(name)} {signed(emotion.mean_valence)}</span>")
        parts.append(f'<div class="jm-sub">Emotion by stage</div><div class="jm-pemo">{"".join(pills)}</div>')
    return f'<article class="jm-persona" id="{anchor("p", persona.id)}">{"".join(parts)}</article>'


def _header(journey_map: JourneyMap, buttons: bool) -> str:
    info = journey_map.model_info
    n_claims = len(journey_map.all_claims())
    parent = f" (from v{journey_map.parent_version})" if journey_map.parent_version else ""
    meta = (f"Version {journey_map.version}{parent} · created {journey_map.created_at:%Y-%m-%d %H:%M %Z} · "
            f"{escape(info.provider)} / {escape(info.model)} · corpus <code>{escape(journey_map.corpus_fingerprint)}</code>")
    stats = [(len(journey_map.stages), "stages"), (len(journey_map.personas), "personas"),
             (n_claims, "claims"), (len(journey_map.all_evidence()), "verbatim quotes")]
    legend = "".join(f'<span><i class="jm-dot" style="background:var(--{tone})"></i>{label}</span>'
                     for tone, label in (("neg", "negative"), ("mid", "mixed"), ("pos", "positive")))
    return (f"<header><h1>{escape(journey_map.title)}</h1><p class=\"jm-meta\">{meta}</p>"
            f'<div class="jm-toolbar"><div class="jm-stats">'
            f'{"".join(f"<span class=jm-stat><b>{n}</b> {label}</span>" for n, label in stats)}</div>'
            f'<div class="jm-legend">{legend}</div>{_BUTTONS if buttons else ""}</div></header>')


def _body(journey_map: JourneyMap, units: Mapping[str, FeedbackUnit], scripted: bool) -> str:
    stage_order = [s.name for s in ordered_stages(journey_map)]
    parts = [_header(journey_map, buttons=scripted)]
    if journey_map.personas:
        cards = "".join(_persona_card(p, units, stage_order) for p in journey_map.personas)
        parts.append(f'<section><h2>Personas</h2><div class="jm-personas-grid">{cards}</div></section>')
    parts.append(f"<section><h2>Journey</h2>{_journey_grid(journey_map, units)}</section>")
    parts.append(f'<footer class="jm-foot">Map <code>{escape(journey_map.id)}</code> · run '
                 f"<code>{escape(journey_map.run_id)}</code> · stage set {escape(journey_map.stage_set.name)} · "
                 f"embedder {escape(journey_map.model_info.embedder)}. Every quote is verbatim from the corpus; "
                 "click a card to see its quotes with source, respondent and location.</footer>")
    return f'<div class="jm">{"".join(parts)}</div>'


def render_html(journey_map: JourneyMap, units: Mapping[str, FeedbackUnit], *, standalone: bool = True) -> str:
    """The map as one offline HTML page; standalone=False gives a <style> + <div> fragment for embedding."""
    style = f"<style>{_asset('journey.css')}</style>"
    if not standalone:
        return style + _body(journey_map, units, scripted=False)
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(journey_map.title)} · journey map v{journey_map.version}</title>{style}</head>"
            f"<body style=\"margin:0\">{_body(journey_map, units, scripted=True)}<script>{_asset('journey.js')}</script></body></html>\n")
