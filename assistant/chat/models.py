"""What a chat answer is made of: sentences with validated citations, or an honest refusal."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

REFUSAL_TEXT = "The feedback doesn't cover this."


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    n: int = Field(ge=1, description="Marker number shown inline as [n].")
    unit_id: str
    quote: str = Field(description="Verbatim quote from the unit.")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source: str
    respondent: Optional[str] = None
    locator: str = ""


class AnswerSentence(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    citations: list[int] = Field(default_factory=list, description="Citation numbers supporting the sentence.")
    supported: bool = Field(description="False when no valid citation backs the sentence; shown marked, never as supported.")


class ChatAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str
    standalone_query: str = Field(description="The question rewritten without the conversation (used for retrieval).")
    mode: Literal["corpus", "map", "refusal", "edit"] = "corpus"
    refused: bool = False
    sentences: list[AnswerSentence] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    closest: list[Citation] = Field(default_factory=list, description="With a refusal: the closest units found.")
    scope: dict[str, str] = Field(default_factory=dict, description="Metadata filters applied.")
    origin: Literal["llm", "extractive", "map"] = "llm"
    top_score: Optional[float] = Field(default=None, description="Best vector similarity of the retrieved units.")
    unknown_terms: list[str] = Field(default_factory=list, description="Content words of the question that the corpus never uses.")
    unknown_salience: float = Field(default=0.0, description="How much of the question's meaning rests on its unknown terms (0 to 1).")
    fallback_reason: Optional[str] = Field(default=None, description="Why the model's answer was not used and the answer quotes the "
                                           "feedback instead (origin 'extractive'); None when the model answered or was not asked.")
    latency_s: float = 0.0

    def fallback_notice(self) -> str | None:
        """One line saying the model's answer was not used and why, for a warning; None when it was."""
        if not self.fallback_reason:
            return None
        return f"{self.fallback_reason}; the answer quotes the feedback instead (origin: extractive)"

    def render(self) -> str:
        """Plain text: sentences with [n] markers, then the numbered sources."""
        if self.refused:
            lines = [REFUSAL_TEXT]
            if self.closest:
                lines.append("Closest feedback found:")
                lines += [f"  - \"{c.quote}\" ({c.source}, {c.respondent or 'unknown'})" for c in self.closest]
            return "\n".join(lines)
        body = " ".join(
            s.text + "".join(f" [{n}]" for n in s.citations) + ("" if s.supported else " (unsupported)")
            for s in self.sentences
        )
        sources = [f"[{c.n}] \"{c.quote}\" ({c.source}, {c.respondent or 'unknown'}, {c.locator})" for c in self.citations]
        return body + ("\n\n" + "\n".join(sources) if sources else "")
