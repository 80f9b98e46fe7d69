"""Questions about the map itself ("what are the top pain points in purchase?"), answered from the map."""

from __future__ import annotations

import re

from assistant.chat.models import AnswerSentence, ChatAnswer, Citation
from assistant.models import Claim, FeedbackUnit, JourneyMap

LANES = {
    "pain_points": re.compile(r"\bpain ?points?\b|\bfrustrat|\bcomplain", re.I),
    "delights": re.compile(r"\bdelights?\b|\bwhat .* (love|like)\b", re.I),
    "opportunities": re.compile(r"\bopportunit|\bhow might we\b|\bimprove", re.I),
    "touchpoints": re.compile(r"\btouch ?points?\b", re.I),
    "goals": re.compile(r"\bgoals?\b", re.I),
    "personas": re.compile(r"\bpersonas?\b", re.I),
}
MAP_CUE = re.compile(r"\b(map|top|main|biggest|list|which|what are)\b", re.I)


def detect_map_question(question: str, journey_map: JourneyMap | None) -> tuple[str, list[str]] | None:
    """(lane, stage names) when the question asks about the map's content, else None."""
    if journey_map is None or not MAP_CUE.search(question):
        return None
    lane = next((name for name, pattern in LANES.items() if pattern.search(question)), None)
    if lane is None:
        return None
    lowered = question.lower()
    stages = [s.name for s in journey_map.stages if s.name.lower().replace("_", " ") in lowered.replace("_", " ")]
    return lane, stages


def answer_from_map(question: str, lane: str, stage_names: list[str], journey_map: JourneyMap, units: dict[str, FeedbackUnit], top: int = 5) -> ChatAnswer:
    """Top items of a lane (by prevalence), each with its first quote as a citation."""
    if lane == "personas":
        items = [(p.name + (f": {p.summary}" if p.summary else ""), p.representative_quotes[:1], p.share) for p in journey_map.personas]
    else:
        items = []
        for stage in journey_map.stages:
            if stage_names and stage.name not in stage_names:
                continue
            for item in getattr(stage, lane):
                weight = item.prevalence.units if isinstance(item, Claim) else len(item.addresses)
                items.append((f"{item.text} ({stage.name})", item.evidence[:1], weight))
    items.sort(key=lambda row: -row[2])
    sentences, citations = [], []
    for text, evidence, _ in items[:top]:
        numbers = []
        for ev in evidence:
            unit = units.get(ev.unit_id)
            if unit is None:
                continue
            citations.append(Citation(n=len(citations) + 1, unit_id=ev.unit_id, quote=ev.quote, start=ev.start, end=ev.end,
                                      source=unit.source, respondent=unit.respondent, locator=unit.locator.label()))
            numbers.append(len(citations))
        sentences.append(AnswerSentence(text=text + ".", citations=numbers, supported=bool(numbers)))
    scope = f" in {', '.join(stage_names)}" if stage_names else ""
    if not sentences:
        sentences = [AnswerSentence(text=f"The map has no {lane.replace('_', ' ')}{scope}.", citations=[], supported=True)]
    return ChatAnswer(question=question, standalone_query=question, mode="map", sentences=sentences, citations=citations, origin="map")
