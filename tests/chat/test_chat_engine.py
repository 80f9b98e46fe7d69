"""ChatEngine over a real workspace with a fake model: citations, fallbacks, refusals, map questions, history."""

from __future__ import annotations

import itertools

import pytest

from assistant.chat import gate
from assistant.chat.engine import ChatEngine, eval_view
from assistant.chat.history import ChatHistory
from assistant.chat.scope import scope_from_question
from assistant.errors import JourneyError
from tests.draft.draft_helpers import VALID, auth_error, numbered_quotes, schema_handle, words_of

ANSWERABLE = "Why did the app crash at payment and empty the basket?"
OFF_TOPIC = "What is the boiling point of liquid nitrogen in kelvin?"
_sessions = itertools.count()


def engine(settings, store, responders=None):
    handle, chat = schema_handle(responders if responders is not None else VALID)
    return ChatEngine(settings, session=f"t{next(_sessions)}", store=store, handle=handle), chat


def assert_verbatim(citations, units):
    for c in citations:
        assert units[c.unit_id].text[c.start:c.end] == c.quote
        assert units[c.unit_id].is_evidence, f"{c.unit_id} is an interviewer/agent turn"


def test_valid_cited_answer(ws_settings, store, units, saved_map):
    chat_engine, chat = engine(ws_settings, store)
    answer = chat_engine.ask(ANSWERABLE)
    assert not answer.refused and answer.mode == "corpus" and answer.origin == "llm"
    assert chat.schemas() == ["ChatAnswer"]
    assert answer.sentences and all(s.citations and s.supported for s in answer.sentences)
    numbers = {c.n for c in answer.citations}
    assert {n for s in answer.sentences for n in s.citations} <= numbers
    assert_verbatim(answer.citations, units)
    assert answer.top_score is not None and answer.top_score >= gate.REFUSE_BELOW
    assert "[1]" in answer.render()


def test_a_sentence_repeated_once_per_source_is_shown_once_citing_them_all(ws_settings, store, units, saved_map):
    def repeats(messages):
        quotes = numbered_quotes(messages)
        said = f"Customers said: {words_of(quotes[1], 8)}."
        return {"insufficient_evidence": False,
                "sentences": [{"text": said, "citations": [1]}, {"text": said.upper(), "citations": [2]}, {"text": said, "citations": [1]}]}

    answer = engine(ws_settings, store, {"ChatAnswer": repeats})[0].ask(ANSWERABLE)
    assert answer.origin == "llm" and len(answer.sentences) == 1
    assert answer.sentences[0].citations == [1, 2] and [c.n for c in answer.citations] == [1, 2]
    assert answer.render().count("Customers said") == 1
    assert_verbatim(answer.citations, units)


def test_citation_out_of_range_on_every_attempt_gives_an_extractive_answer(ws_settings, store, units, saved_map):
    bad = {"ChatAnswer": lambda m: {"insufficient_evidence": False, "sentences": [{"text": "Invented claim.", "citations": [42]}]}}
    chat_engine, chat = engine(ws_settings, store, bad)
    answer = chat_engine.ask(ANSWERABLE)
    assert len(chat.calls) == ws_settings.max_reasks + 1
    assert not answer.refused and answer.origin == "extractive"
    assert "Invented claim" not in answer.render()
    assert answer.sentences and answer.citations
    for sentence in answer.sentences:
        assert len(sentence.citations) == 1
        cited = next(c for c in answer.citations if c.n == sentence.citations[0])
        assert cited.quote in sentence.text
    assert_verbatim(answer.citations, units)


def test_a_provider_error_gives_an_extractive_answer_not_a_crash(ws_settings, store, units, saved_map):
    chat_engine, chat = engine(ws_settings, store, {"ChatAnswer": lambda m: auth_error()})
    answer = chat_engine.ask(ANSWERABLE)
    assert chat.schemas() == ["ChatAnswer"]
    assert not answer.refused and answer.origin == "extractive" and answer.citations
    assert_verbatim(answer.citations, units)
    # the fallback is said, not silent: the reason class, never a key
    assert answer.fallback_reason.startswith("the model call failed") and "AuthenticationError" in answer.fallback_reason
    assert "quotes the feedback instead" in answer.fallback_notice()


def test_a_model_answer_has_no_fallback_notice(ws_settings, store, saved_map):
    answer = engine(ws_settings, store)[0].ask(ANSWERABLE)
    assert answer.origin == "llm" and answer.fallback_reason is None and answer.fallback_notice() is None


@pytest.mark.parametrize("text, reason", [
    ("Returns cost money because of the fee. Returns cost money because of the fee. Returns cost money because of", "repeats itself"),
    ("Customers say the app crashed at payment and emptied the basket because of", "cut off"),
])
def test_a_degenerate_answer_falls_back_to_quotes(ws_settings, store, units, saved_map, text, reason):
    """A looping or cut-off sentence is valid JSON with valid citations; it must still not be shown."""
    loop = {"ChatAnswer": lambda m: {"insufficient_evidence": False, "sentences": [{"text": text, "citations": [1]}]}}
    answer = engine(ws_settings, store, loop)[0].ask(ANSWERABLE)
    assert answer.origin == "extractive" and not answer.refused
    assert text not in answer.render() and reason in answer.fallback_reason
    assert_verbatim(answer.citations, units)


def test_insufficient_evidence_is_a_refusal(ws_settings, store, units, saved_map):
    abstain = {"ChatAnswer": lambda m: {"insufficient_evidence": True, "sentences": []}}
    chat_engine, chat = engine(ws_settings, store, abstain)
    answer = chat_engine.ask(ANSWERABLE)
    assert chat.schemas() == ["ChatAnswer"]
    assert answer.refused and answer.mode == "refusal" and not answer.sentences
    assert answer.closest
    assert_verbatim(answer.closest, units)
    assert answer.render().startswith("The feedback doesn't cover this.")


def test_off_topic_question_is_refused_by_the_gate_without_a_model_call(ws_settings, store, units, saved_map):
    chat_engine, chat = engine(ws_settings, store)
    answer = chat_engine.ask(OFF_TOPIC)
    assert answer.refused and answer.mode == "refusal"
    assert answer.top_score < gate.REFUSE_BELOW
    assert chat.history == [] and chat.calls == []
    assert_verbatim(answer.closest, units)


def test_map_question_is_answered_from_the_current_map(ws_settings, store, units, saved_map):
    chat_engine, chat = engine(ws_settings, store)
    answer = chat_engine.ask("What are the top pain points in purchase?")
    assert answer.mode == "map" and answer.origin == "map"
    assert chat.calls == []
    purchase = next(s for s in saved_map.stages if s.name == "purchase")
    assert purchase.pain_points
    expected = {f"{c.text} (purchase)." for c in purchase.pain_points}
    assert answer.sentences and {s.text for s in answer.sentences} <= expected
    map_quotes = {(e.unit_id, e.quote) for c in purchase.pain_points for e in c.evidence}
    assert {(c.unit_id, c.quote) for c in answer.citations} <= map_quotes
    assert_verbatim(answer.citations, units)


def test_follow_up_borrows_the_previous_question(ws_settings, store, saved_map):
    chat_engine, _ = engine(ws_settings, store)
    chat_engine.ask("Was delivery fast enough for customers?")
    follow = chat_engine.ask("what about the app?")
    assert follow.standalone_query == "Was delivery fast enough for customers? what about the app?"
    assert chat_engine.standalone_query("Which sizes run small in the Curve range for tall women?") \
        == "Which sizes run small in the Curve range for tall women?"


def test_scope_from_question():
    known = {"m.segment": ["new", "returning", "Thread Club"], "m.nps": ["1", "10"], "stage": ["purchase", "delivery"]}
    assert scope_from_question("What do customers from Thread Club say about delivery?", known) \
        == {"m.segment": "Thread Club", "stage": "delivery"}
    assert scope_from_question("What do Thread Club customers say?", known) == {}  # no scope cue
    assert scope_from_question("Only those who gave 10?", known) == {}  # numbers are never scope values


def test_scope_said_in_words_filters_retrieval(ws_settings, store, units, saved_map):
    chat_engine, _ = engine(ws_settings, store)
    segments = chat_engine.known_values(saved_map)["m.segment"]
    segment = next(s for s in segments if len(s) >= 3)
    answer = chat_engine.ask(f"What do {segment} customers complain about, only {segment} please?")
    assert answer.scope.get("m.segment") == segment
    for c in answer.citations + answer.closest:
        assert units[c.unit_id].metadata.get("segment") == segment


def test_history_is_persisted_per_session(ws_settings, store, saved_map):
    chat_engine, _ = engine(ws_settings, store)
    chat_engine.ask(ANSWERABLE)
    path = ws_settings.home / "chats" / f"{chat_engine.history.path.stem}.jsonl"
    assert path.exists()
    reloaded = ChatHistory(ws_settings.home / "chats", chat_engine.history.path.stem)
    assert [t.role for t in reloaded.turns] == ["user", "assistant"]
    assert reloaded.turns[0].text == ANSWERABLE
    with pytest.raises(ValueError, match="session"):
        ChatHistory(ws_settings.home / "chats", "../escape")


def test_interviewer_turns_are_never_cited(ws_settings, store, units, saved_map):
    interviewer = [u for u in units.values() if not u.is_evidence]
    assert interviewer, "the sample interview should hold interviewer turns"
    chat_engine, _ = engine(ws_settings, store)
    for unit in interviewer[:3]:
        answer = chat_engine.ask(unit.text)
        assert_verbatim(answer.citations + answer.closest, units)


def test_eval_view_shape(ws_settings, store, units, saved_map):
    chat_engine, _ = engine(ws_settings, store)
    view = eval_view(chat_engine.ask(ANSWERABLE))
    assert set(view) == {"refused", "sentences", "latency"}
    assert view["refused"] is False and view["latency"] >= 0
    for sentence in view["sentences"]:
        assert set(sentence) == {"text", "citations"} and sentence["citations"]
        for c in sentence["citations"]:
            assert set(c) == {"unit_id", "quote"} and c["quote"] in units[c["unit_id"]].text
    refused = eval_view(chat_engine.ask(OFF_TOPIC))
    assert refused["refused"] is True and refused["sentences"] == []


def test_a_standalone_is_there_question_is_not_condensed(ws_settings, store, saved_map):
    """BUG (engine.py FOLLOW_UP): 'there' makes any 'Is there ...?' question a follow-up, mixing two topics."""
    chat_engine, _ = engine(ws_settings, store)
    chat_engine.ask(ANSWERABLE)
    assert chat_engine.standalone_query("what about the app?") == f"{ANSWERABLE} what about the app?"
    assert chat_engine.standalone_query("Is there a loyalty scheme worth joining?") == "Is there a loyalty scheme worth joining?"


def test_scope_value_must_follow_the_cue():
    """BUG (scope.py): the docstring says values count 'after a scope cue', but any value anywhere matches."""
    known = {"m.channel": ["app", "web"]}
    assert scope_from_question("What do customers say about the app for returns?", known) == {}
    assert scope_from_question("What do customers say about returns, only app users?", known) == {"m.channel": "app"}


def test_a_self_contained_question_is_not_glued_to_the_previous_one(ws_settings, store, saved_map):
    """One-shot `journey ask` calls share the session 'cli': a new question must not carry the last one."""
    chat_engine, _ = engine(ws_settings, store)
    chat_engine.ask("How do customers feel about the in-store espresso bar?")
    question = "why do people complain about the £2.50 return fee?"
    assert chat_engine.ask(question).standalone_query == question
    assert chat_engine.ask("why?").standalone_query == f"{question} why?"
    chat_engine.ask(OFF_TOPIC)
    assert chat_engine.ask("and what about it?").standalone_query == "and what about it?"


def test_ask_where_persona_keeps_to_its_respondents(ws_settings, store, units, saved_map):
    persona = saved_map.personas[0]
    chat_engine, _ = engine(ws_settings, store)
    answer = chat_engine.ask("What do customers say about delivery?", where={"persona": persona.name})
    assert answer.scope == {"persona": persona.name}
    for c in answer.citations + answer.closest:
        assert units[c.unit_id].respondent in persona.respondents
    with pytest.raises(JourneyError, match="unknown filter key 'segmnt'"):
        chat_engine.ask("What do customers say about delivery?", where={"segmnt": "new"})
