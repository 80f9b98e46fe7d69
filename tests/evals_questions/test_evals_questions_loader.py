"""load_questions validation and resolve_supporting matching rules, on small hand-made inputs."""

from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from assistant.models import FeedbackUnit, Locator, unit_id_for
from evals.gold import Question as GoldQuestion
from evals.questions import Question, UnresolvedQuoteError, chat_questions, load_questions, resolve_supporting

SOURCE = "clothing/interviews/interview_09_test.txt"


def _unit(text: str, index: int, role: str = "respondent", source: str = SOURCE, **meta) -> FeedbackUnit:
    locator = Locator(kind="turn", index=index, char_start=0, char_end=len(text))
    return FeedbackUnit(id=unit_id_for(source, locator.label(), text), text=text, source=source,
                        locator=locator, speaker_role=role, metadata=meta)


UNITS = [
    _unit("Do you use the lockers?", 0, role="interviewer"),
    _unit("Yes, the lockers are a\nlifesaver on the school run.", 1, segment="Thread Club"),
    _unit("The lockers are a lifesaver, honestly.", 2, source="samples/" + SOURCE),
]


def _question(quote: str, source: str = SOURCE, **extra) -> Question:
    return Question(id="q1", question="Lockers?", answerable=True, split="dev",
                    supporting=[{"source": source, "quote": quote}], **extra)


def test_resolve_normalises_whitespace_and_accepts_prefixed_sources():
    resolved = resolve_supporting([_question("lockers are a lifesaver")], UNITS)
    assert resolved == {"q1": [UNITS[1].id, UNITS[2].id]}


def test_resolve_ignores_interviewer_turns_and_names_the_bad_quote():
    with pytest.raises(UnresolvedQuoteError) as info:
        resolve_supporting([_question("Do you use the lockers?")], UNITS)
    assert isinstance(info.value, ValueError)
    assert "'q1'" in str(info.value) and "Do you use the lockers?" in str(info.value)


def test_resolve_rejects_a_quote_from_another_source():
    with pytest.raises(ValueError, match="other.csv"):
        resolve_supporting([_question("lockers are a lifesaver", source="other.csv")], UNITS)


def test_chat_questions_carry_resolved_unit_ids():
    refused = Question(id="q2", question="Capital of Peru?", answerable=False, split="test", absent=["Peru"])
    rows = chat_questions([_question("on the school run"), refused], UNITS)
    assert all(isinstance(r, GoldQuestion) for r in rows)
    assert rows[0].supporting_unit_ids == [UNITS[1].id]
    assert rows[1].answerable is False and rows[1].supporting_unit_ids == []


@pytest.mark.parametrize("body, message", [
    ("questions:\n- {id: a, question: x, answerable: true, split: dev}\n", "needs at least one supporting quote"),
    ("questions:\n- {id: a, question: x, answerable: false, split: dev}\n"
     "- {id: a, question: y, answerable: false, split: test}\n", "duplicate question ids: a"),
    ("questions:\n- {id: a, question: x, answerable: false, split: train}\n", "split"),
    ("questions:\n- {id: a, question: x, answerable: false, split: dev, colour: red}\n", "colour"),
])
def test_load_rejects_invalid_files(tmp_path, body, message):
    path = tmp_path / "q.yaml"
    path.write_text("corpus: test\n" + body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_questions(path)


def test_load_missing_file_names_it(tmp_path):
    with pytest.raises(ConfigError, match="nope.yaml"):
        load_questions(tmp_path / "nope.yaml")
