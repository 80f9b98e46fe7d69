"""Ask the corpus: condense, scope, retrieve, gate, answer with validated citations.

Answers are shown only after their citations were validated, so "streaming" emits whole
validated sentences as they are ready rather than raw model tokens (raw tokens could show
a claim that later fails validation).
"""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from assistant.chat import answer_checks, followup, gate
from assistant.chat.history import ChatHistory
from assistant.chat.map_questions import answer_from_map, detect_map_question
from assistant.chat.models import AnswerSentence, ChatAnswer, Citation
from assistant.chat.scope import scope_from_question
from assistant.draft.evidence import sentences as split_sentences
from assistant.draft.fit import fit_score
from assistant.draft.tidy import folded
from assistant.errors import JourneyError, LLMCallError, MapNotFoundError, StructuredOutputError
from assistant.models import FeedbackUnit
from assistant.search_filters import resolve_where

MAX_SOURCES = 6
MIN_SENTENCE_FIT = 0.35  # the chat eval's answer-support floor (evals/chat.py)


class ChatEngine:
    """One chat session over a workspace: history, store, current map and model."""

    def __init__(self, settings, session: str = "default", map_id: str | None = None, store=None, handle=None, use_llm: bool = True):
        from vectorstore.store import FeedbackStore

        self.settings = settings
        self.store = store or FeedbackStore.from_settings(settings)
        self.history = ChatHistory(settings.home / "chats", session)
        self.map_id = map_id
        self._handle = handle
        self.use_llm = use_llm
        self._known_values: dict[str, list[str]] | None = None
        self._vocabulary: frozenset[str] | None = None

    # --- context ------------------------------------------------------------------------

    def handle(self):
        if self._handle is None and self.use_llm:
            from assistant.llm.providers import model_handle

            self._handle = model_handle(self.settings)
        return self._handle

    def current_map(self):
        from assistant.mapstore import MapStore

        try:
            return MapStore(self.settings.maps_dir).load(self.map_id)
        except JourneyError:
            return None

    def vocabulary(self) -> frozenset[str]:
        """Word prefixes of the customer feedback, its metadata values and respondents, for the gate's
        unknown-terms signal (built once per engine): a question may name a respondent ("Dean") or a segment."""
        if self._vocabulary is None:
            texts: list[str] = []
            for unit in self.store.all_units():
                texts += [str(v) for v in unit.metadata.values() if isinstance(v, str)] + [unit.respondent or ""]
                if unit.is_evidence:
                    texts.append(unit.text)
            self._vocabulary = gate.vocabulary_prefixes(texts)
        return self._vocabulary

    def known_values(self, journey_map) -> dict[str, list[str]]:
        """Filter keys and their values that a question may name (metadata, stages, personas)."""
        if self._known_values is None:
            values: dict[str, set[str]] = {}
            for unit in self.store.all_units():
                for key, value in unit.metadata.items():
                    if isinstance(value, str) and len(value) <= 40:
                        values.setdefault(f"m.{key}", set()).add(value)
            self._known_values = {k: sorted(v) for k, v in values.items() if 1 < len(v) <= 50}
        known = dict(self._known_values)
        if journey_map is not None:
            known["stage"] = [s.name for s in journey_map.stages]
        return known

    # --- the answer ---------------------------------------------------------------------

    def standalone_query(self, question: str) -> str:
        """Follow-ups borrow the previous question's topic so retrieval sees it (assistant/chat/followup.py)."""
        return followup.standalone_query(question, self.history.turns)

    def ask(self, question: str, where: dict | None = None, on_token: Callable[[str], None] | None = None) -> ChatAnswer:
        started = time.perf_counter()
        journey_map = self.current_map()
        found = detect_map_question(question, journey_map)
        if found is not None:
            answer = answer_from_map(question, *found, journey_map, self._units_for_map(journey_map))
        else:
            answer = self._answer_from_corpus(question, where, journey_map)
        answer.latency_s = round(time.perf_counter() - started, 3)
        self.history.add("user", question, query=answer.standalone_query)
        self.history.add("assistant", answer.render())
        if on_token is not None:
            for sentence in answer.render().split("\n"):
                on_token(sentence + "\n")
        return answer

    def _units_for_map(self, journey_map) -> dict[str, FeedbackUnit]:
        ids = {e.unit_id for _, e in journey_map.all_evidence()}
        return {u.id: u for u in self.store.get_units(sorted(ids))}

    def _answer_from_corpus(self, question: str, where: dict | None, journey_map) -> ChatAnswer:
        query = self.standalone_query(question)
        scope = {**scope_from_question(question, self.known_values(journey_map)), **(where or {})}
        hits = self.store.search(query, k=20, where=self._filter(scope, journey_map))
        units = {u.id: u for u in self.store.get_units([h.unit_id for h in hits])}
        # interviewer and agent turns are context, not customer evidence
        hits = [h for h in hits if h.unit_id in units and units[h.unit_id].is_evidence][:10]
        top = gate.best_similarity(hits)
        unknown = gate.unknown_terms(question, self.vocabulary())
        base = dict(question=question, standalone_query=query, scope={k: str(v) for k, v in scope.items()}, top_score=round(top, 4),
                    unknown_terms=unknown, unknown_salience=gate.unknown_salience(question, unknown, self.store.embedder))
        if not gate.passes(hits, unknown, base["unknown_salience"]):
            closest = [self._citation(n, units[h.unit_id], query) for n, h in enumerate(hits[:3], 1) if h.unit_id in units]
            return ChatAnswer(**base, mode="refusal", refused=True, closest=closest, origin="extractive")
        chosen = [units[h.unit_id] for h in gate.relevant(hits, MAX_SOURCES) if h.unit_id in units]
        citations = [self._citation(n, unit, query) for n, unit in enumerate(chosen, 1)]
        generated, fallback = self._generate(question, citations, units) if self.use_llm else (None, None)
        if generated is None:
            sentences = [AnswerSentence(text=f"\u201c{c.quote}\u201d", citations=[c.n], supported=True) for c in citations[:3]]
            return ChatAnswer(**base, sentences=sentences, citations=citations[:3], origin="extractive", fallback_reason=fallback)
        if generated == "insufficient":
            return ChatAnswer(**base, mode="refusal", refused=True, closest=citations[:3], origin="llm")
        used = sorted({n for s in generated for n in s.citations})
        return ChatAnswer(**base, sentences=generated, citations=[c for c in citations if c.n in used], origin="llm")

    def _filter(self, scope: dict, journey_map) -> dict | None:
        """The scope as a store filter: keys checked, persona (id or name) turned into its respondents."""
        def current():
            if journey_map is None:
                raise MapNotFoundError("no map in this workspace")
            return journey_map

        return resolve_where(scope, self.store.filter_keys(), current)

    def _citation(self, n: int, unit: FeedbackUnit, query: str) -> Citation:
        quote = best_matching_sentence(unit.text, query, self.store.embedder)
        start = unit.text.find(quote)
        return Citation(n=n, unit_id=unit.id, quote=quote, start=start, end=start + len(quote), source=unit.source,
                        respondent=unit.respondent, locator=unit.locator.label())

    def _generate(self, question: str, citations: list[Citation], units: dict[str, FeedbackUnit]) -> tuple[Any, str | None]:
        """(validated answer sentences, None), ("insufficient", None) when the model abstains, or
        (None, why) when its answer cannot be used and the customers' quotes stand in for it."""
        from assistant.llm.outputs import ChatAnswer as ChatAnswerOutput
        from assistant.llm.prompts import Source, render_sources
        from assistant.llm.structured import run_chain
        from assistant.workspace import RunLog

        sources = [Source(unit_id=c.unit_id, quote=c.quote) for c in citations]
        try:
            parsed, _ = run_chain("chat_answer", {"question": question, "sources": render_sources(sources)}, ChatAnswerOutput,
                                  settings=self.settings, handle=self.handle(), sources=sources, units=units,
                                  run_log=RunLog(self.settings.runs_dir, f"chat-{self.history.path.stem}"))
        except LLMCallError as exc:
            return None, f"the model call failed ({exc})"  # already names the provider and the fix, with keys masked
        except StructuredOutputError as exc:
            return None, f"the model gave no valid answer in {exc.attempts} attempt(s)"
        if parsed.insufficient_evidence or not parsed.sentences:
            return "insufficient", None
        broken = answer_checks.degenerate(parsed.sentences)
        if broken:
            return None, f"the model's answer was unusable ({broken})"
        # Valid citations are not enough: a sentence must also say something close to what it cites
        # (same fit check as map labels). Sentences that don't are dropped; none left = not answered.
        quote_of = {c.n: c.quote for c in citations}
        kept = [AnswerSentence(text=s.text.strip(), citations=sorted(set(s.citations)), supported=True) for s in parsed.sentences
                if fit_score(self.store.embedder, s.text, [quote_of[n] for n in s.citations if n in quote_of]) >= MIN_SENTENCE_FIT]
        if not kept:
            return None, "none of the model's sentences matched the quotes they cite"
        return merge_repeated_sentences(kept), None


def merge_repeated_sentences(sentences: list[AnswerSentence]) -> list[AnswerSentence]:
    """One sentence per distinct text (case and spacing aside), citing all its repeats' sources.

    Small models often write the same sentence once per source; the reader should see it once.
    """
    merged: dict[str, AnswerSentence] = {}
    for sentence in sentences:
        key = folded(sentence.text)
        if key in merged:
            first = merged[key]
            merged[key] = first.model_copy(update={"citations": sorted({*first.citations, *sentence.citations})})
        else:
            merged[key] = sentence
    return list(merged.values())


def best_matching_sentence(text: str, query: str, embedder) -> str:
    """The unit's sentence closest to the query (the whole unit when it is one sentence)."""
    parts = [s for s in split_sentences(text) if len(s) >= 12] or [text.strip()]
    if len(parts) == 1:
        return parts[0]
    vectors = embedder.embed([query] + parts)
    return parts[int(np.argmax(vectors[1:] @ vectors[0]))]


def eval_view(answer: ChatAnswer) -> dict:
    """The shape the chat eval suite scores: refused, sentences with {unit_id, quote} citations, latency."""
    by_number = {c.n: c for c in answer.citations}
    sentences = [{"text": s.text, "citations": [{"unit_id": by_number[n].unit_id, "quote": by_number[n].quote}
                                                for n in s.citations if n in by_number]} for s in answer.sentences]
    return {"refused": answer.refused, "sentences": sentences, "latency": answer.latency_s}
