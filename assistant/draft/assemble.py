"""Turns analysis results into map objects: stages, personas and their emotion summaries."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import partial
from typing import Any, Callable, Sequence

import numpy as np

from assistant.draft.evidence import quote_unit
from assistant.draft.synthesis import Synthesizer, ThemeInput
from assistant.draft.tidy import folded
from assistant.models import AttributeCount, EmotionSummary, FeedbackUnit, Persona, Stage, StageSet

# Largest themes per stage lane that get model-written labels; the long tail keeps extractive ones.
# A small local model writes few labels (each costs seconds on a CPU); a capable remote one writes more.
LLM_THEMES_PER_LANE = {"small": 1, "capable": 4}
# Touchpoints and goals written by the model. The default small model copies whole quotes into them
# ("The checkout page froze twice when I entered my card details." as a touchpoint and as a goal): none of
# the 36 items it wrote for the sample corpus and bench_llm.py's inputs named a channel or a goal, so a
# small model's stages get the extractive ones and the request (about 275 tokens a stage) is not sent.
LLM_STAGE_DETAILS = {"small": False, "capable": True}
OPPORTUNITY_PAIN_POINTS = 2  # pain points per stage that get "How might we" opportunities
OPPORTUNITY_MIN_RESPONDENTS = 2  # one customer's complaint is an anecdote, not yet an opportunity
PERSONA_ATTRIBUTE_KEYS = 4
NAME_SHARE = 0.2  # an attribute value names a persona only when at least this share of its respondents have it
NAME_TEXTS = 2000  # texts per segment read for the keywords of a name (evenly spaced, so the cost stays flat)


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "stage"


# --- analysis calls ---------------------------------------------------------------------

def find_stage_themes(units: list[FeedbackUnit], vectors: np.ndarray, stage_of: dict, valence_of: dict, side_of: dict | None = None) -> list[Any]:
    from assistant.analysis.themes import find_themes

    return find_themes(units, vectors, stage_of, valence_of, side_of_unit=side_of)


def find_segments(units: list[FeedbackUnit], vectors: np.ndarray, n: int | None, stage_of: dict, valence_of: dict) -> list[Any]:
    from assistant.analysis.personas import find_personas

    return find_personas(units, vectors, n, stage_of_unit=stage_of, valence_of_unit=valence_of)


def representatives(unit_ids: Sequence[str], vector_of: dict[str, np.ndarray], n: int = 6) -> list[str]:
    """Units closest to the group's centroid, diverse by maximal marginal relevance."""
    from assistant.analysis.themes import mmr

    ids = [i for i in unit_ids if i in vector_of]
    if not ids:
        return []
    matrix = np.stack([vector_of[i] for i in ids])
    centroid = matrix.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    return [ids[j] for j in mmr(matrix, centroid, min(n, len(ids)))]


# --- emotion ------------------------------------------------------------------------------

def emotion_summary(unit_ids: Sequence[str], valence_of: dict, emotion_of: dict, units: dict[str, FeedbackUnit], top: int = 3) -> EmotionSummary:
    """Mean valence with a 95% interval, n, and the dominant emotions with example quotes, from evidence only."""
    from assistant.analysis.emotion_curve import emotion_summary as summarise

    ids = [i for i in unit_ids if i in valence_of]
    if not ids:
        return EmotionSummary()
    stats = summarise(ids, [valence_of[i] for i in ids], [emotion_of[i] for i in ids], top=top)
    return stats.to_model(units)


# --- stages -------------------------------------------------------------------------------

def build_stages(stage_set: StageSet, themes: list[Any], stage_of: dict, valence_of: dict, emotion_of: dict,
                 synth: Synthesizer, units: dict[str, FeedbackUnit], concurrency: int = 1) -> list[Stage]:
    """One Stage per definition; stages are independent, so their chains run `concurrency` at a time."""
    from assistant.llm.structured import run_many

    total_respondents = len({u.respondent or u.id for u in units.values() if u.is_evidence})
    by_stage: dict[str, list[Any]] = defaultdict(list)
    for theme in themes:
        by_stage[theme.stage].append(theme)
    calls = [partial(_build_stage, order, definition, by_stage[definition.name], stage_of, valence_of, emotion_of, synth, units, total_respondents)
             for order, definition in enumerate(stage_set.stages)]
    return run_many(calls, concurrency, return_exceptions=False)


def _build_stage(order: int, definition, themes: list[Any], stage_of: dict, valence_of: dict, emotion_of: dict,
                 synth: Synthesizer, units: dict[str, FeedbackUnit], total_respondents: int) -> Stage:
    name, key = definition.name, slug(definition.name)
    unit_ids = [i for i, s in stage_of.items() if s == name]
    lanes: dict[str, list] = {"pain_points": [], "delights": []}
    written: dict[str, str | None] = {}  # pain point id -> the model's opportunity, written with its label
    capable = getattr(synth.handle, "capable", False)
    for lane, prefix, polarity in (("pain_points", "pp", "pain"), ("delights", "dl", "delight")):
        ranked = [t for t in themes if t.polarity == polarity]  # analysis sorts them: largest first, outliers last
        inputs = [ThemeInput(f"{prefix}-{key}-{n}", theme.unit_ids, theme.representative_ids, theme.keywords, theme.confidence,
                             use_llm=n <= themes_per_lane(synth) and not theme.outlier) for n, theme in enumerate(ranked, 1)]
        for claim, opportunity in synth.lane_claims(name, lane, inputs, total_respondents, batch=capable):
            lanes[lane].append(claim)
            written[claim.id] = opportunity
    stage_keywords = [k for t in themes for k in t.keywords[:2]]
    detail_ids = [i for t in sorted(themes, key=lambda t: -len(t.unit_ids)) for i in t.representative_ids[:2]] or unit_ids
    touchpoints, goals = synth.stage_details(name, definition.description, detail_ids, stage_keywords, key,
                                             use_llm=LLM_STAGE_DETAILS[_size(synth)], stage_unit_ids=unit_ids)
    opportunities = []
    shared = [pain for pain in lanes["pain_points"] if pain.prevalence.respondents >= OPPORTUNITY_MIN_RESPONDENTS]
    for n, pain in enumerate(shared[:OPPORTUNITY_PAIN_POINTS], 1):
        opportunities += synth.opportunities(pain, f"op-{key}-{n}", _impact(pain.prevalence.respondents, total_respondents), written.get(pain.id))
    return Stage(name=name, description=definition.description, order=order, unit_ids=unit_ids,
                 touchpoints=touchpoints, goals=goals, pain_points=lanes["pain_points"], delights=lanes["delights"],
                 opportunities=opportunities, emotion=emotion_summary(unit_ids, valence_of, emotion_of, units))


def _size(synth: Synthesizer) -> str:
    return "capable" if getattr(synth.handle, "capable", False) else "small"


def themes_per_lane(synth: Synthesizer) -> int:
    return LLM_THEMES_PER_LANE[_size(synth)]


def _impact(respondents: int, total: int) -> str:
    share = respondents / total if total else 0
    return "high" if share >= 0.10 else "medium" if share >= 0.03 else "low"


# --- personas -----------------------------------------------------------------------------

def build_personas(segments: list[Any], stage_set: StageSet, stage_of: dict, valence_of: dict, emotion_of: dict,
                   synth: Synthesizer, units: dict[str, FeedbackUnit], vector_of: dict[str, np.ndarray]) -> list[Persona]:
    from assistant.analysis.themes import NEGATIVE_BELOW, POSITIVE_ABOVE

    overall = _overall_counts(segments)
    keywords = _lazy_segment_keywords(segments, units)
    respondent_ids = {folded(u.respondent) for u in units.values() if u.respondent}
    personas = []
    for k, segment in enumerate(segments, 1):
        persona_id = f"persona-{k}"
        attributes = list(segment.attributes)
        reps = representatives(segment.unit_ids, vector_of)
        described = _attribute_text(attributes)
        seg_ids = [i for i in segment.unit_ids if i in units]
        by_valence = sorted(seg_ids, key=lambda i: valence_of.get(i, 0.0))
        negative = [i for i in by_valence[:4] if valence_of.get(i, 0.0) <= NEGATIVE_BELOW]
        positive = [i for i in by_valence[::-1][:4] if valence_of.get(i, 0.0) >= POSITIVE_ABOVE]
        name, summary, lanes, origin = synth.persona_profile(persona_id, described, reps, negative, positive)
        if name and folded(name) in respondent_ids:
            synth.reject("persona_profile", name, "is a respondent id, not a persona name")
            name = ""
        stage_emotions = {}
        for definition in stage_set.stages:
            in_stage = [i for i in seg_ids if stage_of.get(i) == definition.name]
            if in_stage:
                stage_emotions[definition.name] = emotion_summary(in_stage, valence_of, emotion_of, units, top=1)
        personas.append(Persona(
            id=persona_id, name=name or _fallback_name(attributes, overall, len(segment.respondents), k, lambda: keywords()[k - 1]), summary=summary or f"{len(segment.respondents)} respondents; {described}.",
            share=round(float(segment.share), 4), respondents=_respondents(seg_ids, units), attributes=attributes,
            goals=lanes["goals"], frustrations=lanes["frustrations"], motivations=lanes["motivations"], behaviours=lanes["behaviours"],
            representative_quotes=[quote_unit(units[i]) for i in reps[:3] if i in units],
            stage_emotions=stage_emotions, origin=origin))
    return personas


def _respondents(unit_ids: Sequence[str], units: dict[str, FeedbackUnit]) -> list[str]:
    """The respondent ids behind these units; a unit without one is counted as its own respondent but is not listed."""
    return sorted({units[i].respondent for i in unit_ids if units[i].respondent})


def _attribute_text(attributes: list[AttributeCount]) -> str:
    by_key: dict[str, list[AttributeCount]] = defaultdict(list)
    for a in attributes:
        by_key[a.key].append(a)
    parts = []
    for key, values in list(by_key.items())[:PERSONA_ATTRIBUTE_KEYS]:
        top = max(values, key=lambda a: a.count)
        parts.append(f"{key}: {top.value} ({top.count})")
    return ", ".join(parts) or "no metadata"


def _overall_counts(segments: list[Any]) -> dict[tuple[str, str], float]:
    """Share of all segmented respondents with each (key, value)."""
    total = sum(len(s.respondents) for s in segments) or 1
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for segment in segments:
        for a in segment.attributes:
            counts[(a.key, a.value)] += a.count
    return {key: n / total for key, n in counts.items()}


def _fallback_name(attributes: list[AttributeCount], overall: dict[tuple[str, str], float], size: int, k: int,
                   keywords: Callable[[], list[str]] = list) -> str:
    """The segment's most over-represented attribute values (lift over the whole corpus), e.g. 'Thread Club · 55+';
    values too few of its respondents have give way to what they talk about, e.g. 'returns · refund customers'."""
    def lift(a: AttributeCount) -> float:
        return (a.count / max(size, 1)) / max(overall.get((a.key, a.value), 1e-9), 1e-9)

    distinctive = sorted((a for a in attributes if a.count >= max(3, NAME_SHARE * size)), key=lambda a: -lift(a))
    picked: list[str] = []
    for a in distinctive:
        if a.key not in {p.split("=")[0] for p in picked}:
            picked.append(f"{a.key}={a.value}")
        if len(picked) == 2:
            break
    words = [p.split("=", 1)[1] for p in picked] or _unrelated(keywords(), 2)
    return " · ".join(words) + " customers" if words else f"Segment {k}"


def _unrelated(terms: list[str], n: int) -> list[str]:
    """The first n terms sharing no word with an earlier pick ('arrived' and 'arrived size' name one thing);
    contractions ("it's", "didn't") say nothing about a group and are skipped."""
    picked: list[str] = []
    for term in terms:
        if len(picked) < n and "'" not in term and not any(set(term.split()) & set(p.split()) for p in picked):
            picked.append(term)
    return picked


def _lazy_segment_keywords(segments: list[Any], units: dict[str, FeedbackUnit]):
    """A function giving each segment's most distinctive terms (c-TF-IDF), computed on first call."""
    from functools import lru_cache

    from assistant.analysis.keywords import class_keywords

    @lru_cache(maxsize=1)
    def compute() -> list[list[str]]:
        docs = []
        for segment in segments:
            ids = [i for i in segment.unit_ids if i in units]
            step = max(1, -(-len(ids) // NAME_TEXTS))  # ceiling: at most NAME_TEXTS texts
            docs.append(" ".join(units[i].text for i in ids[::step]))
        return class_keywords(docs)

    return compute
