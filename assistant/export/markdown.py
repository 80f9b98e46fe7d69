"""Markdown research report of a journey map: provenance, personas, then stage by stage."""

from __future__ import annotations

import re
from typing import Mapping

from assistant.export.common import (
    LANE_TITLES, PERSONA_LANES, claim_index, origin_note, ordered_stages, percent, prevalence_text, quote_ref, signed,
)
from assistant.models import Claim, EmotionSummary, Evidence, FeedbackUnit, JourneyMap, Opportunity, Persona, Stage

# Inline characters that start emphasis, code, links, raw HTML, entities, tables or strikethrough.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>&|~])")
# Line starts that would turn text into a heading, list, quote, rule or setext underline.
_BLOCK_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")


def md_escape(text: str) -> str:
    """Escape corpus or claim text for one line of Markdown (newlines become spaces)."""
    return _escape_line(" ".join(text.split()))


def _escape_line(line: str) -> str:
    line = _INLINE_SPECIAL.sub(r"\\\1", line)
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def _blockquote(text: str, indent: str) -> list[str]:
    """Text as a Markdown blockquote, every line escaped so nothing inside can end or restructure it."""
    lines = [_escape_line(line.strip()) for line in text.strip().splitlines()] or [""]
    return [f"{indent}> {line}".rstrip() for line in lines]


def _quote_block(evidence: Evidence, units: Mapping[str, FeedbackUnit], indent: str = "  ") -> list[str]:
    ref = quote_ref(evidence, units)
    who = [md_escape(ref.source)]
    if ref.respondent:
        who.append(f"respondent {md_escape(ref.respondent)}")
    if ref.locator:
        who.append(md_escape(ref.locator))
    return [*_blockquote(ref.quote, indent), f"{indent}>", f"{indent}> — *{', '.join(who)}*", ""]


def _claim_lines(claim: Claim, units: Mapping[str, FeedbackUnit]) -> list[str]:
    tags = [prevalence_text(claim.prevalence), claim.kind, f"confidence {claim.confidence:.2f}"]
    if origin_note(claim.origin):
        tags.append(origin_note(claim.origin))
    lines = [f"- **{md_escape(claim.text)}** — {' · '.join(tags)}", ""]
    for evidence in claim.evidence:
        lines += _quote_block(evidence, units)
    return lines


def _claims_section(title: str, claims: list[Claim], units: Mapping[str, FeedbackUnit], level: str) -> list[str]:
    if not claims:
        return []
    lines = [f"{level} {title}", ""]
    for claim in claims:
        lines += _claim_lines(claim, units)
    return lines


def emotion_line(emotion: EmotionSummary) -> str:
    """'mean valence −0.20 (95% CI −0.80 to +0.40, n = 3) · dominant: anger (2), joy (1)'."""
    if emotion.mean_valence is None:
        text = f"no valence measured (n = {emotion.n})"
    else:
        interval = ""
        if emotion.ci_low is not None and emotion.ci_high is not None:
            interval = f"95% CI {signed(emotion.ci_low)} to {signed(emotion.ci_high)}, "
        text = f"mean valence {signed(emotion.mean_valence)} ({interval}n = {emotion.n})"
    if emotion.dominant:
        text += " · dominant: " + ", ".join(f"{md_escape(e.label)} ({e.count})" for e in emotion.dominant)
    return text


def _provenance(journey_map: JourneyMap) -> list[str]:
    info = journey_map.model_info
    parent = f" (parent v{journey_map.parent_version})" if journey_map.parent_version else ""
    rows = [
        ("Map id", f"`{journey_map.id}`"),
        ("Version", f"{journey_map.version}{parent}"),
        ("Created", journey_map.created_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
        ("Author", md_escape(journey_map.author)),
        ("Model", f"{md_escape(info.provider)} / {md_escape(info.model)} (embedder {md_escape(info.embedder)})"),
        ("Corpus fingerprint", f"`{journey_map.corpus_fingerprint}`"),
        ("Stage set", md_escape(journey_map.stage_set.name)),
        ("Run", f"`{journey_map.run_id}`"),
    ]
    return ["| Provenance | |", "|---|---|", *[f"| {k} | {v} |" for k, v in rows], ""]


def _persona_lines(persona: Persona, units: Mapping[str, FeedbackUnit], stage_order: list[str]) -> list[str]:
    lines = [f"### {md_escape(persona.name)} — {percent(persona.share)} of respondents", ""]
    if persona.summary:
        lines += [md_escape(persona.summary), ""]
    if origin_note(persona.origin):
        lines += [f"*{origin_note(persona.origin)}*", ""]
    if persona.attributes:
        attrs = ", ".join(f"{md_escape(a.key)} = {md_escape(a.value)} ({a.count})" for a in persona.attributes)
        lines += [f"**Attributes:** {attrs}", ""]
    for lane in PERSONA_LANES:
        lines += _claims_section(LANE_TITLES[lane], getattr(persona, lane), units, "####")
    if persona.representative_quotes:
        lines += ["#### Representative quotes", ""]
        for evidence in persona.representative_quotes:
            lines += _quote_block(evidence, units, indent="")
    if persona.stage_emotions:
        names = [n for n in stage_order if n in persona.stage_emotions] + sorted(set(persona.stage_emotions) - set(stage_order))
        lines += ["#### Emotion by stage", ""]
        lines += [f"- {md_escape(name)}: {emotion_line(persona.stage_emotions[name])}" for name in names] + [""]
    return lines


def _opportunity_lines(opportunity: Opportunity, claims: dict[str, Claim], units: Mapping[str, FeedbackUnit]) -> list[str]:
    addressed = [f"“{md_escape(claims[cid].text)}”" if cid in claims else md_escape(cid) for cid in opportunity.addresses]
    tags = [f"impact {opportunity.impact_hint}"] + ([origin_note(opportunity.origin)] if origin_note(opportunity.origin) else [])
    lines = [f"- **{md_escape(opportunity.text)}** — {' · '.join(tags)}", "", f"  Addresses: {'; '.join(addressed)}", ""]
    for evidence in opportunity.evidence:
        lines += _quote_block(evidence, units)
    return lines


def _stage_lines(position: int, stage: Stage, claims: dict[str, Claim], units: Mapping[str, FeedbackUnit]) -> list[str]:
    lines = [f"### {position}. {md_escape(stage.name)}", ""]
    if stage.description:
        lines += [f"*{md_escape(stage.description)}*", ""]
    lines += [f"**Emotion:** {emotion_line(stage.emotion)}", ""]
    for emotion in stage.emotion.dominant:
        for evidence in emotion.evidence:
            lines += [f"*{md_escape(emotion.label)}:*", "", *_quote_block(evidence, units, indent="")]
    for lane in ("touchpoints", "goals", "pain_points", "delights"):
        lines += _claims_section(LANE_TITLES[lane], getattr(stage, lane), units, "####")
    if stage.opportunities:
        lines += ["#### Opportunities", ""]
        for opportunity in stage.opportunities:
            lines += _opportunity_lines(opportunity, claims, units)
    return lines


def render_markdown(journey_map: JourneyMap, units: Mapping[str, FeedbackUnit]) -> str:
    """The map as a Markdown report; every quote is a blockquote with its source and respondent."""
    stages = ordered_stages(journey_map)
    claims = claim_index(journey_map)
    lines = [f"# {md_escape(journey_map.title)}", "", "Customer journey map — every claim below is backed by verbatim quotes from the corpus.", ""]
    lines += _provenance(journey_map)
    lines += [f"{len(stages)} stages · {len(journey_map.personas)} personas · {len(claims)} claims · "
              f"{len(journey_map.all_evidence())} quotes", ""]
    if journey_map.personas:
        lines += ["## Personas", ""]
        for persona in journey_map.personas:
            lines += _persona_lines(persona, units, [s.name for s in stages])
    lines += ["## Journey", ""]
    for position, stage in enumerate(stages, start=1):
        lines += _stage_lines(position, stage, claims, units)
    return "\n".join(lines).rstrip() + "\n"
