"""Synthesis: the LLM names and summarises what the analysis layer found.

Every function here takes units chosen by the analysis layer, offers the model numbered
quotes from them, and turns the validated answer into claims whose evidence was verified by
the structured-output layer. When a chain gives up (or no model is configured), the item
falls back to an extractive label built from keywords and quotes, marked origin="extractive";
the draft always completes.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Sequence

import numpy as np

from assistant.analysis.touchpoints import find_touchpoints, units_texts
from assistant.draft.evidence import best_sentence, make_claim, sentences
from assistant.draft.fit import MIN_FIT, MIN_SUMMARY_FIT, fits
from assistant.draft.lanes import is_goal_like
from assistant.draft.tidy import (MIN_SUPPORTED, archetype_name, field_limit, folded, is_phrase, speaks_as_customer, supported_share,
                                  tidy_prose, unsupported_numbers)
from assistant.errors import LLMCallError, StructuredOutputError
from assistant.grounding import Vocabulary, mention_problem, support_text, unsupported_names
from assistant.llm.outputs import OpportunityStatements, PersonaProfile, StageDetails, ThemeLabel, ThemeLabels
from assistant.llm.prompts import Source, render_sources
from assistant.models import Claim, Evidence, FeedbackUnit, Opportunity

MAX_SOURCES = 6


@dataclass(frozen=True)
class ThemeInput:
    """One theme of a stage lane, as the analysis found it, to be labelled."""

    claim_id: str
    members: Sequence[str]
    representatives: Sequence[str]
    keywords: Sequence[str]
    confidence: float
    use_llm: bool = True


@dataclass
class Synthesizer:
    """Runs the naming chains with a shared model handle, corpus, run log and usage tally."""

    units: dict[str, FeedbackUnit]
    settings: Any = None
    handle: Any = None  # assistant.llm.providers.ModelHandle, or None for extractive-only drafts
    run_log: Any = None
    embedder: Any = None  # for the fit check of model-written labels (None skips it)
    banned: tuple[str, ...] = ()  # labels that say nothing, e.g. the stage names themselves
    cache: Any = None  # assistant.draft.cache.LLMCache: answers whose inputs are unchanged cost no model call
    lanes: Any = None  # assistant.draft.lanes.LaneCheck: what a lane's quotes must show (None: no sentiment or goal check)
    usage: Counter = field(default_factory=Counter)
    fallbacks: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # stages are synthesised concurrently
    _vocabulary: Vocabulary | None = field(default=None, repr=False)

    def chain(self, name: str, variables: dict[str, Any], output_model: type, sources: list[Source]):
        """(parsed, evidence by output path), or None when the chain gave up."""
        if self.handle is None:
            return None
        from assistant.llm.structured import run_chain

        key = self._cache_key(name, variables, sources)
        hit = self._cache_hit(key, name, output_model, sources)
        if hit is not None:
            return hit
        try:
            parsed, record = run_chain(name, variables, output_model, settings=self.settings, handle=self.handle,
                                       sources=sources, units=self.units, run_log=self.run_log)
        except (StructuredOutputError, LLMCallError) as exc:
            with self._lock:
                self.usage.update(getattr(exc, "usage", {}) or {})
                self.fallbacks.append(f"{name}: {exc}")
            if self.run_log is not None:
                self.run_log.record("fallback", chain=name, reason=str(exc))
            return None
        with self._lock:
            self.usage.update(record.usage)
        if key is not None:
            self.cache.put(key, name, parsed, record.evidence)
        return parsed, record.evidence

    def cached_answer(self, name: str, variables: dict[str, Any], output_model: type, sources: list[Source]):
        """The chain's cached (parsed, evidence by output path) for these inputs, or None; never calls the model."""
        key = self._cache_key(name, variables, sources) if self.handle is not None else None
        return self._cache_hit(key, name, output_model, sources)

    def _cache_hit(self, key: str | None, name: str, output_model: type, sources: list[Source]):
        hit = self.cache.get(key, output_model, self.units) if key is not None else None
        if hit is not None:
            with self._lock:
                self.usage["cache_hits"] += 1
            if self.run_log is not None:
                self.run_log.record("llm_cache_hit", chain=name, key=key, unit_ids=sorted({s.unit_id for s in sources}))
        return hit

    def _cache_key(self, name: str, variables: dict[str, Any], sources: list[Source]) -> str | None:
        if self.cache is None:
            return None
        from assistant.llm.prompts import load_prompt

        return self.cache.key(name, load_prompt(name, self.settings), self.handle, variables, [s.unit_id for s in sources])

    def _fits(self, text: str, quotes: Sequence[str], chain: str, floor: float = MIN_FIT) -> bool:
        """Keep a model-written text only when it resembles one of its quotes (see fit.py); log the rejections."""
        ok = fits(self.embedder, text, quotes, floor, self.banned)
        if not ok:
            self.reject(chain, text, "does not fit its quotes")
        return ok

    def vocabulary(self) -> Vocabulary:
        """Ordinary words of this corpus (see assistant.grounding), built on first use."""
        with self._lock:
            if self._vocabulary is None:
                self._vocabulary = Vocabulary(u.text for u in self.units.values())
            return self._vocabulary

    def _says_only_its_evidence(self, chain: str, text: str, owner: Any, allowed: Sequence[str] = ()) -> bool:
        """False, logged, when a model-written text names something or states a number that `owner`'s quotes and
        units do not: the check `journey eval` scores as unsupported_numbers."""
        problem = mention_problem(text, support_text(owner, self.units), self.vocabulary(), allowed)
        if problem:
            self.reject(chain, text, problem)
        return problem is None

    def _grounded(self, chain: str, claim: Claim | None) -> Claim | None:
        """The claim when its text mentions only what its evidence does (see _says_only_its_evidence), else None."""
        if claim is None:
            return None
        counts = (str(claim.prevalence.units), str(claim.prevalence.respondents))
        return claim if self._says_only_its_evidence(chain, claim.text, claim, counts) else None

    def _in_lane(self, lane: str, claim: Claim | None) -> Claim | None:
        """The claim with only the quotes that fit its lane (see lanes.py); None, logged, when none does."""
        if claim is None or self.lanes is None:
            return claim
        checked = self.lanes.claim(lane, claim)
        if checked is None:
            reason = "cites no want, need or intent" if lane == "goals" else f"cites no quote whose sentiment matches {lane}"
            self.reject(lane, claim.text, reason)
        return checked

    def _lane_sentence(self, lane: str, text: str, keywords: Sequence[str] = ()) -> str:
        """The sentence of a unit to quote in `lane` (with no lane check: the one naming most keywords)."""
        return self.lanes.sentence(lane, text, keywords) if self.lanes is not None else best_sentence(text, keywords)

    def reject(self, chain: str, text: str, reason: str) -> None:
        """Record that a model-written `text` of `chain` was not used, and why (kept in fallbacks and the run log)."""
        with self._lock:
            self.fallbacks.append(f"{chain}: label {text[:60]!r} {reason}")
            if self.run_log is not None:
                self.run_log.record("label_rejected", chain=chain, text=text, reason=reason)

    # --- themes -------------------------------------------------------------------------

    def lane_claims(self, stage: str, polarity: str, themes: Sequence[ThemeInput], total_respondents: int,
                    batch: bool = False) -> list[tuple[Claim, str | None]]:
        """Pain points or delights of one stage lane: a claim per theme, and for a pain point the model's
        "How might we" opportunity when it fits the quotes (None otherwise).

        Themes with use_llm get a model-written title and description over their representative quotes;
        batch=True labels them in one request (a capable model), else one request per theme. Without batch,
        a theme beyond the label budget keeps a label the cache holds for its quotes (a re-draft in which a
        larger theme moved it down a rank), at no model call.
        """
        kind = "pain point" if polarity == "pain_points" else "delight"
        sources = {t.claim_id: self._theme_sources(t, polarity) for t in themes}
        labelled = [t for t in themes if t.use_llm]
        if batch and labelled:
            answers = self._label_lane(stage, kind, labelled, sources)
        else:
            answers = {}
            for t in themes:
                variables = {"stage": stage, "polarity": kind, "evidence": render_sources(sources[t.claim_id])}
                ask = self.chain if t.use_llm else self.cached_answer
                answers[t.claim_id] = ask("theme_label", variables, ThemeLabel, sources[t.claim_id])
        claims = [self._theme_claim(t, polarity, sources[t.claim_id], answers.get(t.claim_id), total_respondents) for t in themes]
        return [(claim, opportunity) for claim, opportunity in claims if claim is not None]

    def _theme_sources(self, theme: ThemeInput, lane: str) -> list[Source]:
        reps = [self.units[i] for i in theme.representatives if i in self.units][:MAX_SOURCES] or [self.units[theme.members[0]]]
        return [Source(unit_id=u.id, quote=self._lane_sentence(lane, u.text, theme.keywords)) for u in reps]

    def _label_lane(self, stage: str, kind: str, themes: Sequence[ThemeInput], sources: dict[str, list[Source]]) -> dict[str, Any]:
        """One theme_labels request for several themes; {claim_id: (label, evidence) or None} per theme."""
        flat: list[Source] = []
        blocks, ranges = [], []
        for n, theme in enumerate(themes, 1):
            group = sources[theme.claim_id]
            blocks.append(f"Theme {n}:\n" + render_sources(group, start=len(flat) + 1))
            ranges.append(range(len(flat) + 1, len(flat) + len(group) + 1))
            flat += group
        variables = {"stage": stage, "polarity": kind, "count": str(len(themes)), "evidence": "\n".join(blocks)}
        answer = self.chain("theme_labels", variables, ThemeLabels, flat)
        if answer is None:
            return {}
        labels, evidence = answer
        out: dict[str, Any] = {}
        for index, (theme, allowed) in enumerate(zip(themes, ranges)):
            label = labels.themes[index] if index < len(labels.themes) else None
            if label is None or not all(n in allowed for n in label.sources):  # cites another theme's quotes
                if label is not None:
                    self.reject("theme_labels", label.title, "cites quotes of another theme")
                out[theme.claim_id] = None
                continue
            prefix = f"themes[{index}]."
            out[theme.claim_id] = (label, {path[len(prefix):]: ev for path, ev in evidence.items() if path.startswith(prefix)})
        return out

    def _theme_claim(self, theme: ThemeInput, lane: str, sources: list[Source], answer,
                     total_respondents: int) -> tuple[Claim | None, str | None]:
        """The theme's claim (model-labelled, else extractive) and the opportunity written with its label;
        (None, None) when none of its quotes fits the lane."""
        common = dict(units=self.units, keywords=theme.keywords, confidence=theme.confidence, total_respondents=total_respondents)
        if answer is not None and not answer[0].insufficient_evidence and len(answer[0].title.split()) >= 2 \
                and self._fits(answer[0].title, [e.quote for e in answer[1].values()], "theme_label"):
            label, evidence = answer
            description = tidy_prose(label.description, field_limit(type(label), "description")) or None
            claim = self._in_lane(lane, self._grounded("theme_label", make_claim(
                theme.claim_id, label.title, "observed", theme.members, [], **common, origin="llm",
                evidence=_dedupe(list(evidence.values())), description=description)))
            if claim is not None and description and not self._says_only_its_evidence("theme_label", description, claim):
                claim = claim.model_copy(update={"description": None})
            if claim is not None:
                quotes = [s.quote for s in sources] + [label.title]
                written = getattr(label, "opportunity", "")  # lane requests write it with the label
                fitting = lane == "pain_points" and written and self._fits(written, quotes, "opportunity")
                return claim, (written if fitting else None)
        fitting_sources = [s for s in sources if self.lanes is None or self.lanes.fits(lane, s.quote, unit_id=s.unit_id)]
        if not fitting_sources:
            self.reject(lane, theme.claim_id, f"no representative quote's sentiment matches {lane}")
            return None, None
        reps = [self.units[s.unit_id] for s in fitting_sources]
        title = extractive_title(theme.keywords, reps[0], fitting_sources[0].quote)
        return make_claim(theme.claim_id, title, "observed", theme.members, reps[:3], **common, origin="extractive",
                          quotes={s.unit_id: s.quote for s in fitting_sources}), None

    # --- stages -------------------------------------------------------------------------

    def stage_details(self, stage: str, description: str, unit_ids: Sequence[str], keywords: Sequence[str], prefix: str,
                      use_llm: bool = True, stage_unit_ids: Sequence[str] = ()) -> tuple[list[Claim], list[Claim]]:
        """(touchpoints, goals) of a stage, each a claim citing one quote: model-written when use_llm, else extractive.

        `unit_ids` are the representative units shown to the model; extractive touchpoints count channel
        mentions over all of `stage_unit_ids` (default: the same units)."""
        reps = [self.units[i] for i in unit_ids[:MAX_SOURCES] if i in self.units]
        if not reps:
            return [], []
        answer = None
        if use_llm:
            sources = [Source(unit_id=u.id, quote=best_sentence(u.text, keywords)) for u in reps]
            answer = self.chain("stage_details", {"stage": stage, "stage_description": description, "evidence": render_sources(sources)},
                                StageDetails, sources)
        touchpoints = goals = []
        if answer is not None:
            details, evidence = answer
            touchpoints = self._points(details.touchpoints, evidence, "touchpoints", f"tp-{prefix}")
            goals = self._points(details.goals, evidence, "goals", f"gl-{prefix}")
        return (touchpoints or self._extractive_touchpoints(stage_unit_ids or unit_ids, keywords, prefix),
                goals or self._extractive_goals(unit_ids, prefix))

    def _points(self, points, evidence: dict[str, Evidence], lane: str, prefix: str, seen: set[str] | None = None,
                persona: bool = False) -> list[Claim]:
        """Claims for the model's points that cite a quote, are one short phrase, fit their quote and are not
        already in `seen` (shared across a persona's lanes); each quote must fit its lane (see lanes.py), so a
        frustration cites a negative quote and a goal a want or need. A persona's points describe the persona,
        so one in a customer's first person ("I love this dress") is dropped unless it is a goal saying what they want."""
        claims, seen = [], set() if seen is None else seen
        for index, point in enumerate(points):
            ev = evidence.get(f"{lane}[{index}].source")
            if ev is None or folded(point.text) in seen:
                continue
            if not is_phrase(point.text):
                self.reject(lane, point.text, "is not one short phrase")
                continue
            if persona and speaks_as_customer(point.text) and not (lane == "goals" and is_goal_like(point.text)):
                self.reject(lane, point.text, "speaks as a customer instead of about them")
                continue
            claim = self._in_lane(lane, self._grounded(lane, make_claim(f"{prefix}-{len(claims) + 1}", point.text, "inferred",
                                                                        [ev.unit_id], [], units=self.units, evidence=[ev])))
            if claim is None or not self._fits(point.text, [ev.quote], lane):
                continue
            seen.add(folded(point.text))
            claims.append(claim)
        return claims

    def _summary(self, text: str, quotes: Sequence[str]) -> str:
        """The sentences of a model-written persona summary that describe the segment from its quotes:
        not in a customer's first person, with no number the quotes lack, most of its words found in them,
        each fitting a quote."""
        kept = []
        for sentence in sentences(tidy_prose(text, field_limit(PersonaProfile, "summary"))):
            if speaks_as_customer(sentence):
                self.reject("persona_profile", sentence, "speaks as a customer instead of about them")
            elif missing := unsupported_numbers(sentence, quotes):
                self.reject("persona_profile", sentence, f"has numbers no quote has ({', '.join(missing)})")
            elif names := unsupported_names(sentence, "\n".join(quotes), self.vocabulary()):
                self.reject("persona_profile", sentence, f"names what no quote names ({', '.join(names)})")
            elif supported_share(sentence, quotes) < MIN_SUPPORTED:
                self.reject("persona_profile", sentence, "says things its quotes do not")
            elif self._fits(sentence, quotes, "persona_profile", MIN_SUMMARY_FIT):
                kept.append(sentence)
        return " ".join(kept)

    def _extractive_touchpoints(self, unit_ids: Sequence[str], keywords: Sequence[str], prefix: str) -> list[Claim]:
        """The channels the stage's units mention most (see assistant.analysis.touchpoints), else its keywords."""
        channels = find_touchpoints(units_texts(unit_ids, self.units))
        if channels:
            return [make_claim(f"tp-{prefix}-{n}", channel.label, "inferred", channel.unit_ids,
                               [self.units[i] for i in channel.unit_ids[:2]], units=self.units, quotes=dict(channel.sentences),
                               origin="extractive") for n, channel in enumerate(channels, 1)]
        claims = []
        for word in keywords[:3]:
            holders = [i for i in unit_ids if word.lower() in self.units[i].text.lower()]
            if holders:
                claims.append(make_claim(f"tp-{prefix}-{len(claims) + 1}", word, "inferred", holders, [self.units[holders[0]]],
                                         units=self.units, keywords=[word], origin="extractive"))
        return claims

    def _extractive_goals(self, unit_ids: Sequence[str], prefix: str) -> list[Claim]:
        """Up to two goals quoting a sentence in which a customer says what they want, need or mean to do."""
        claims = []
        for unit_id in unit_ids:
            sentence = next((s for s in re.split(r"(?<=[.!?])\s+", self.units[unit_id].text) if is_goal_like(s)), None)
            if sentence and len(sentence) <= 200:
                claims.append(make_claim(f"gl-{prefix}-{len(claims) + 1}", sentence, "observed", [unit_id], [self.units[unit_id]],
                                         units=self.units, quotes={unit_id: sentence}, origin="extractive"))
            if len(claims) == 2:
                break
        return claims

    # --- opportunities ------------------------------------------------------------------

    def opportunities(self, pain_point: Claim, opp_id: str, impact: str, written: str | None = None) -> list[Opportunity]:
        """'How might we ...' statements addressing one pain point, citing its quotes: the one written with its
        label (a lane request), else the opportunity chain's, else an extractive one naming the pain point."""
        sources = [Source(unit_id=e.unit_id, quote=e.quote) for e in pain_point.evidence[:MAX_SOURCES]]
        evidence = pain_point.evidence[:2]
        if written:
            kept = [written]
        else:
            answer = self.chain("opportunity", {"pain_point": pain_point.text, "evidence": render_sources(sources)}, OpportunityStatements, sources)
            quotes = [s.quote for s in sources] + [pain_point.text]
            kept = [t for t in dict.fromkeys(answer[0].statements) if self._fits(t, quotes, "opportunity")] if answer else []
        cited = SimpleNamespace(evidence=evidence)  # what the opportunity will quote, as `journey eval` reads it
        kept = [t for t in kept if self._says_only_its_evidence("opportunity", t, cited)]
        texts, origin = (kept, "llm") if kept else ([f"How might we address \u201c{pain_point.text.rstrip('.!?')}\u201d?"], "extractive")
        return [Opportunity(id=f"{opp_id}-{n}", text=text, addresses=[pain_point.id], evidence=evidence,
                            impact_hint=impact, origin=origin) for n, text in enumerate(texts, 1)]

    # --- personas -----------------------------------------------------------------------

    def _quoted_points(self, lane: str, prefix: str, unit_ids: Sequence[str], n: int = 2) -> list[Claim]:
        """Up to n persona frustrations or motivations, each quoting the sentence of one unit that says it,
        skipping units none of whose sentences fits the lane."""
        claims: list[Claim] = []
        for unit_id in unit_ids:
            unit = self.units[unit_id]
            sentence = (self._lane_sentence(lane, unit.text) if self.lanes is not None
                        else telling_sentence(unit.text, -1 if lane == "frustrations" else 1))
            claim = self._in_lane(lane, make_claim(f"{prefix}-{len(claims) + 1}", sentence, "observed", [unit_id], [unit],
                                                   units=self.units, quotes={unit_id: sentence}, origin="extractive"))
            if claim is not None:
                claims.append(claim)
            if len(claims) == n:
                break
        return claims

    def persona_profile(self, persona_id: str, attributes: str, representatives: Sequence[str], negative: Sequence[str],
                        positive: Sequence[str]) -> tuple[str, str, dict[str, list[Claim]], str]:
        """(name, summary, {goals, frustrations, motivations, behaviours}, origin) for a segment.

        `negative` and `positive` are the segment's units to quote (two each, in order, those whose quote fits
        the lane) as frustrations and motivations when the model's profile is not used. Every point, the model's
        or quoted, passes the lane check. An empty name or summary lets the assembler write one from the
        segment's attributes."""
        reps = [self.units[i] for i in representatives[:MAX_SOURCES] if i in self.units]
        sources = [Source(unit_id=u.id, quote=best_sentence(u.text)) for u in reps]
        quotes = [s.quote for s in sources]
        quoted = {
            "goals": self._extractive_goals(list(representatives), f"{persona_id}"),
            "frustrations": self._quoted_points("frustrations", f"fr-{persona_id}", negative),
            "motivations": self._quoted_points("motivations", f"mo-{persona_id}", positive),
            "behaviours": [],
        }
        answer = self.chain("persona_profile", {"attributes": attributes, "evidence": render_sources(sources)}, PersonaProfile, sources) if reps else None
        if answer is not None and self._fits(answer[0].summary, quotes, "persona_profile", MIN_SUMMARY_FIT) \
                and self._fits(answer[0].name, [answer[0].summary], "persona_profile", floor=-1.0):
            profile, evidence = answer
            seen: set[str] = set()  # one statement belongs in one lane
            written = {lane: self._points(getattr(profile, lane), evidence, lane, f"{lane[:2]}-{persona_id}", seen, persona=True)
                       for lane in quoted}
            summary = self._summary(profile.summary, quotes)
            # a name stands with a summary that does: without one it names what the quotes never showed
            name = archetype_name(profile.name, quotes, field_limit(PersonaProfile, "name")) if summary else ""
            # a lane whose every point was dropped quotes customers instead of staying empty
            lanes = {lane: written[lane] or quoted[lane] for lane in quoted}
            return name, summary, lanes, "llm" if summary or any(written.values()) else "extractive"
        return "", "", quoted, "extractive"


def telling_sentence(text: str, sign: int) -> str:
    """The sentence of `text` whose sentiment leans furthest toward `sign` (-1 negative, 1 positive), clipped
    for reading: the complaint in "I ordered two colours. The zipper broke on day one." is the second."""
    candidates = sentences(text)
    if len(candidates) < 2:
        return best_sentence(text)
    from assistant.analysis.sentiment import vader_valence

    return best_sentence(candidates[int(np.argmax(sign * vader_valence(candidates)))])


def extractive_title(keywords: Sequence[str], unit: FeedbackUnit, sentence: str | None = None, max_words: int = 10) -> str:
    """Fallback theme label: the representative sentence (`sentence`, else the one naming most keywords), clipped;
    it reads better than a keyword list."""
    # a text of punctuation only ("...") strips to nothing: fall back to its keywords
    sentence = (sentence or best_sentence(unit.text, keywords)).rstrip(".!?") or " ".join(keywords) or unit.text.strip() or "Untitled theme"
    words = sentence.split()
    return " ".join(words[:max_words]) + ("\u2026" if len(words) > max_words else "")


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen, out = set(), []
    for ev in evidence:
        key = (ev.unit_id, ev.start, ev.end)
        if key not in seen:
            seen.add(key)
            out.append(ev)
    return out

