"""Output models of the built-in chains. Each is the JSON schema the model must follow.

Evidence is cited by number: the prompt lists numbered quotes (<feedback n="1">...), the model
answers with those numbers, and structured.run_chain turns them back into verified Evidence
(the quote is re-derived in code, so it is verbatim by construction and checked anyway).
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Short = Annotated[str, StringConstraints(min_length=1, max_length=120)]
HowMightWe = Annotated[str, StringConstraints(min_length=16, max_length=160, pattern=r'^How might we [^"\\\n]+$')]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Point(Strict):
    """A short statement backed by one numbered quote."""

    text: Short = Field(description="The statement, one short phrase.")
    source: int = Field(ge=1, description="Number n of the quote that shows it.")


class ThemeLabel(Strict):
    """Name and describe a cluster of feedback (a pain point or a delight)."""

    # The pattern lets the grammar stop the title at 8 words (a tiny model overruns a prose limit);
    # it excludes quote characters because llama.cpp applies the pattern to the raw JSON string body.
    title: str = Field(min_length=1, max_length=80, pattern=r'^[^ "\\]+( [^ "\\]+){0,7}$', description="Theme title, at most 8 words.")
    description: str = Field(min_length=1, max_length=200, description="One sentence describing the theme.")
    sources: list[int] = Field(min_length=1, max_length=3, description="Numbers of the 1-3 quotes that best show the theme.")
    insufficient_evidence: bool = Field(description="true when the quotes share no clear theme.")

    @model_validator(mode="after")
    def _title_words(self) -> "ThemeLabel":
        if not self.insufficient_evidence and len(self.title.split()) > 8:
            raise ValueError(f"title has {len(self.title.split())} words; use at most 8")
        return self


class LaneTheme(ThemeLabel):
    """One theme's label in a lane request, with its improvement opportunity folded in (one request, not two)."""

    opportunity: str = Field(max_length=160, pattern=r'^(How might we [^"\\\n]+)?$',
                             description='For a pain point, one "How might we ..." question; "" for a delight.')


class ThemeLabels(Strict):
    """Labels of several themes of one stage lane, in the order they were given (one request for all)."""

    themes: list[LaneTheme] = Field(min_length=1, max_length=6, description="One label per theme, in the order given.")


class PersonaProfile(Strict):
    """Name and profile a respondent segment from its quotes."""

    name: str = Field(min_length=1, max_length=40, description="Short archetype name, e.g. 'Busy parent'.")
    summary: str = Field(min_length=1, max_length=240, description="One or two sentences about this persona.")
    goals: list[Point] = Field(min_length=1, max_length=2)
    frustrations: list[Point] = Field(min_length=1, max_length=2)
    motivations: list[Point] = Field(min_length=1, max_length=2)
    behaviours: list[Point] = Field(min_length=1, max_length=2)


class StageDetails(Strict):
    """Touchpoints and customer goals of one journey stage."""

    touchpoints: list[Point] = Field(min_length=1, max_length=3, description="Channels, places or tools customers use at this stage.")
    goals: list[Point] = Field(min_length=1, max_length=3, description="What customers try to achieve at this stage.")


class OpportunityStatements(Strict):
    """'How might we ...' statements for one pain point."""

    statements: list[HowMightWe] = Field(min_length=1, max_length=2)


class AnswerSentence(Strict):
    text: str = Field(min_length=1, max_length=300, description="One sentence of the answer.")
    citations: list[int] = Field(min_length=1, max_length=3, description="Numbers of the sources that support the sentence.")


class ChatAnswer(Strict):
    """An answer whose every sentence cites numbered sources, or an honest 'not covered'."""

    insufficient_evidence: bool = Field(description="true when the sources do not answer the question.")
    sentences: list[AnswerSentence] = Field(max_length=4)

    @model_validator(mode="after")
    def _answer_or_abstain(self) -> "ChatAnswer":
        if not self.insufficient_evidence and not self.sentences:
            raise ValueError("give at least one sentence, or set insufficient_evidence to true")
        return self


class EditOp(Strict):
    op: Literal["rename", "rewrite", "merge", "delete", "move", "split"]
    target_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(min_length=1, max_length=4, description="Ids of the map items the edit applies to.")
    text: Optional[str] = Field(max_length=200, description="New name or text; null for delete and move.")
    destination: Optional[str] = Field(max_length=80, description="Stage name for move; null otherwise.")


class MapEdits(Strict):
    """Edit operations a researcher's request translates to."""

    edits: list[EditOp] = Field(max_length=5)


class SupportJudgement(Strict):
    """Whether quotes support a claim (for evals)."""

    rationale: str = Field(min_length=1, max_length=300, description="One or two sentences of reasoning.")
    supported: bool


CHAIN_OUTPUTS: dict[str, type[BaseModel]] = {
    "theme_label": ThemeLabel,
    "theme_labels": ThemeLabels,
    "persona_profile": PersonaProfile,
    "stage_details": StageDetails,
    "opportunity": OpportunityStatements,
    "chat_answer": ChatAnswer,
    "map_edit": MapEdits,
    "judge_support": SupportJudgement,
}
