"""Which questions borrow the previous question's topic: only genuine follow-ups, never after a refusal."""

from __future__ import annotations

from assistant.chat.followup import is_follow_up, standalone_query
from assistant.chat.history import ChatHistory, Turn
from assistant.chat.models import REFUSAL_TEXT

ESPRESSO = "How do customers feel about the in-store espresso bar?"


def answered(question: str, query: str | None = None) -> list[Turn]:
    return [Turn(role="user", text=question, query=query), Turn(role="assistant", text="Customers like it. [1]\n\n[1] \"...\"")]


def test_a_question_with_its_own_topic_stands_alone():
    for question in ("why do people complain about the £2.50 return fee?", "Why did the app crash at payment?",
                     "What do customers say when they return items?", "Is there a loyalty scheme worth joining?"):
        assert not is_follow_up(question), question
        assert standalone_query(question, answered(ESPRESSO)) == question


def test_genuine_follow_ups_borrow_the_previous_topic():
    for question in ("and what about delivery?", "why?", "what do they say about it?", "But the app?", "Any examples?",
                     "what else do they complain about?", "how about those?"):
        assert is_follow_up(question), question
        assert standalone_query(question, answered(ESPRESSO)) == f"{ESPRESSO} {question}"


def test_a_follow_up_of_a_follow_up_keeps_the_first_topic():
    turns = answered("and what about delivery?", query=f"{ESPRESSO} and what about delivery?")
    assert standalone_query("why?", turns) == f"{ESPRESSO} and what about delivery? why?"


def test_a_refused_question_does_not_feed_the_next_one():
    turns = [Turn(role="user", text="What about the cashmere range?"), Turn(role="assistant", text=REFUSAL_TEXT + "\nClosest feedback found:")]
    assert standalone_query("and what about delivery?", turns) == "and what about delivery?"
    assert standalone_query("why?", []) == "why?"


def test_history_files_without_queries_still_load(tmp_path):
    (tmp_path / "old.jsonl").write_text('{"role": "user", "text": "q"}\n{"role": "assistant", "text": "a"}\n', encoding="utf-8")
    history = ChatHistory(tmp_path, "old")
    assert history.turns[0].query is None
    history.add("user", "why?", query="q why?")
    assert ChatHistory(tmp_path, "old").turns[-1].query == "q why?"
