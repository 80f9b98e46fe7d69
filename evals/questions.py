"""Gold chat questions with quote-level support: load them and resolve quotes to unit ids.

    questions = load_questions()                      # the bundled Threadline set
    support = resolve_supporting(questions, units)     # {question id: [unit id, ...]}
    gold = chat_questions(questions, units)            # rows for evals.chat.run_chat_suite

Supporting evidence is stored as (source, verbatim quote) rather than unit ids, so the set
survives re-ingesting with other ids; the ids are found again from the units at eval time.
Format: evals/datasets/README.md.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Optional, Sequence

import yaml
from pydantic import Field, ValidationError, model_validator

from assistant.errors import ConfigError
from assistant.grounding import locate_quote
from assistant.models import FeedbackUnit, MetaValue
from evals.core import Strict
from evals.datasets import THREADLINE_QUESTIONS
from vectorstore.records import META_PREFIX  # metadata columns are filtered as "m.<column>"

if TYPE_CHECKING:
    from evals.gold import Question as GoldQuestion

DEFAULT_QUESTIONS = THREADLINE_QUESTIONS

Split = Literal["dev", "test"]


class UnresolvedQuoteError(ConfigError, ValueError):
    """A supporting quote is verbatim in no respondent unit of its source."""


class SupportingQuote(Strict):
    """One piece of gold evidence: a verbatim quote from a named source."""

    source: str = Field(description="Source identity as ingest names it, e.g. 'clothing/survey/threadline_survey_2026.csv'.")
    quote: str = Field(min_length=1, description="Verbatim substring of one unit's text (whitespace runs may differ).")


class Question(Strict):
    """A chat question with what the corpus says about it."""

    id: str = Field(min_length=1, description="Stable id, unique within the set.")
    question: str = Field(min_length=1, description="The question as a researcher would type it.")
    answerable: bool = Field(description="False when the corpus does not cover it: the chat should refuse.")
    supporting: list[SupportingQuote] = Field(default_factory=list, description="Evidence an answer should cite (answerable only).")
    scope: dict[str, MetaValue] = Field(default_factory=dict, description="Equality filters the chat is asked with, e.g. {'m.segment': 'Thread Club'}.")
    split: Split = Field(description="dev = calibrate thresholds on it; test = report on it.")
    stage: Optional[str] = Field(default=None, description="Journey stage the question is about (b2c stage set), for per-stage reporting.")
    absent: list[str] = Field(default_factory=list, description="Unanswerable only: terms checked to occur in no unit of the corpus.")

    @model_validator(mode="after")
    def _consistent(self) -> "Question":
        if self.answerable and not self.supporting:
            raise ValueError(f"answerable question '{self.id}' needs at least one supporting quote")
        if not self.answerable and (self.supporting or self.scope):
            raise ValueError(f"unanswerable question '{self.id}' must have no supporting quotes and no scope")
        return self


class QuestionSet(Strict):
    """The YAML file: a version, the corpus it is written for, and the questions."""

    version: int = 1
    corpus: str = Field(description="Which corpus the sources and quotes refer to.")
    questions: list[Question]

    @model_validator(mode="after")
    def _unique_ids(self) -> "QuestionSet":
        counts = Counter(q.id for q in self.questions)
        dupes = sorted(qid for qid, n in counts.items() if n > 1)
        if dupes:
            raise ValueError(f"duplicate question ids: {', '.join(dupes)}")
        return self


def load_questions(path: Optional[Path | str] = None, split: Optional[Split] = None) -> list[Question]:
    """Questions from a YAML file (default: the bundled Threadline set), optionally one split."""
    path = Path(path) if path is not None else DEFAULT_QUESTIONS
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        questions = QuestionSet.model_validate(data).questions
    except FileNotFoundError as exc:
        raise ConfigError(f"question file {path} not found: pass an existing YAML file (format: evals/datasets/README.md)") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigError(f"question file {path} is invalid: {exc} (format: evals/datasets/README.md)") from exc
    return [q for q in questions if split is None or q.split == split]


def scope_matches(unit: FeedbackUnit, scope: dict[str, MetaValue]) -> bool:
    """True when the unit passes every equality filter of a question's scope."""
    for key, want in scope.items():
        if key.startswith(META_PREFIX):
            have = unit.metadata.get(key[len(META_PREFIX):])
        else:
            have = getattr(unit, key, None)
        if have != want:
            return False
    return True


def _same_source(unit_source: str, source: str) -> bool:
    # Ingesting the corpus from a parent folder prefixes the names ("samples/clothing/...").
    return unit_source == source or unit_source.endswith("/" + source)


def resolve_supporting(questions: Sequence[Question], units: Sequence[FeedbackUnit]) -> dict[str, list[str]]:
    """{question id: unit ids quoted by its supporting evidence}, for answerable questions.

    A quote matches respondent units (not interviewer or agent turns) of its source whose text
    contains it, whitespace-normalised. A quote that matches none raises UnresolvedQuoteError.
    """
    by_source: dict[str, list[FeedbackUnit]] = {}
    for unit in units:
        if unit.is_evidence:
            by_source.setdefault(unit.source, []).append(unit)
    resolved: dict[str, list[str]] = {}
    for q in questions:
        if not q.answerable:
            continue
        ids: list[str] = []
        for item in q.supporting:
            hits = [u.id for name, group in by_source.items() if _same_source(name, item.source)
                    for u in group if locate_quote(u.text, item.quote) is not None]
            if not hits:
                raise UnresolvedQuoteError(
                    f"question '{q.id}': quote {item.quote!r} is not verbatim in any respondent unit of "
                    f"source '{item.source}'; fix the quote or the source in the question file"
                )
            ids.extend(h for h in hits if h not in ids)
        resolved[q.id] = ids
    return resolved


def chat_questions(questions: Sequence[Question], units: Sequence[FeedbackUnit]) -> list["GoldQuestion"]:
    """The questions as evals.gold.Question rows (with supporting_unit_ids) for the chat suite."""
    from evals.gold import Question as GoldQuestion  # the chat suite's row type

    support = resolve_supporting(questions, units)
    return [GoldQuestion(id=q.id, question=q.question, answerable=q.answerable,
                         supporting_unit_ids=support.get(q.id, [])) for q in questions]
