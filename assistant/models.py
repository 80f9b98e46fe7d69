"""Core types. Every field is described; every model forbids unknown fields.

Grounding is enforced by validators that take the corpus as context::

    JourneyMap.model_validate(data, context={"units": units_by_id})

With that context, a quote that is not verbatim in its unit, an id that does not
exist, or an observed claim without evidence is a validation error.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from assistant.grounding import check_evidence, locate_quote

MetaValue = Union[str, int, float, bool, None]
SpeakerRole = Literal["respondent", "interviewer", "agent", "unknown"]
NON_EVIDENCE_ROLES = frozenset({"interviewer", "agent", "unknown"})  # unknown: a transcript's header, nobody's answer


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _units_from(info: ValidationInfo) -> dict[str, Any] | None:
    ctx = info.context if info is not None else None
    if isinstance(ctx, dict):
        return ctx.get("units")
    return None


def unit_id_for(source: str, locator: str, text: str) -> str:
    """Stable unit id: a hash of the source identity, the locator and the text."""
    digest = hashlib.sha256(f"{source}\x1f{locator}\x1f{text}".encode("utf-8")).hexdigest()
    return "u_" + digest[:16]


class Locator(Strict):
    """Where a unit sits in its source file."""

    kind: Literal["row", "turn", "paragraph", "page", "cue", "record", "block"] = Field(
        description="What the index counts: a table row, a transcript turn, a paragraph, a PDF page, a subtitle cue, a JSON record or a Q/A block."
    )
    index: int = Field(ge=0, description="0-based position of that row/turn/page/... in the source.")
    part: int = Field(default=0, ge=0, description="0-based chunk number when a long piece was split at sentence boundaries.")
    char_start: int = Field(ge=0, description="Offset of the unit's first character in the source's extracted text (or cell).")
    char_end: int = Field(ge=0, description="Offset one past the unit's last character.")
    page: Optional[int] = Field(default=None, description="1-based page number for PDF sources.")
    field: Optional[str] = Field(default=None, description="Column or JSON key the text came from, for tabular and JSON sources.")

    def label(self) -> str:
        """Short human-readable form, e.g. 'row 12', 'turn 4 part 1'."""
        base = f"{self.kind} {self.index + 1}"
        return base + (f" part {self.part + 1}" if self.part else "")


class FeedbackUnit(Strict):
    """One natural piece of feedback: an answer, a review, a ticket message, a speaker turn."""

    id: str = Field(description="Stable id: hash of source identity + locator + text.")
    text: str = Field(min_length=1, description="The verbatim text of the unit.")
    source: str = Field(description="Source identity: the file path relative to the ingest root, or the file name.")
    locator: Locator = Field(description="Where the unit sits in the source.")
    respondent: Optional[str] = Field(default=None, description="Who said it: respondent id, speaker name or reviewer id.")
    speaker_role: SpeakerRole = Field(default="respondent", description="Interviewer and agent turns, and the text before a transcript's first turn (unknown), are kept but are not evidence.")
    metadata: dict[str, MetaValue] = Field(default_factory=dict, description="Every other column or field of the source record.")

    @property
    def is_evidence(self) -> bool:
        return self.speaker_role not in NON_EVIDENCE_ROLES


class Evidence(Strict):
    """A verbatim quote from one unit, with offsets into that unit's text."""

    unit_id: str = Field(description="Id of the FeedbackUnit quoted.")
    quote: str = Field(min_length=1, description="Verbatim substring of the unit's text.")
    start: int = Field(ge=0, description="Offset of the quote in the unit text.")
    end: int = Field(ge=0, description="Offset one past the quote's end in the unit text.")

    @model_validator(mode="after")
    def _verbatim(self, info: ValidationInfo) -> "Evidence":
        units = _units_from(info)
        if units is not None:
            problem = check_evidence(self.unit_id, self.quote, self.start, self.end, units)
            if problem:
                raise ValueError(problem)
        return self

    @classmethod
    def from_unit(cls, unit: FeedbackUnit, quote: str | None = None) -> "Evidence":
        """Evidence quoting `quote` (or the whole unit) from `unit`; raises ValueError if not verbatim."""
        quote = unit.text if quote is None else quote
        span = locate_quote(unit.text, quote)
        if span is None:
            raise ValueError(f"quote {quote[:60]!r} is not verbatim in unit '{unit.id}'")
        return cls(unit_id=unit.id, quote=unit.text[span[0] : span[1]], start=span[0], end=span[1])


class Prevalence(Strict):
    """How widespread a finding is."""

    units: int = Field(ge=0, description="Number of feedback units that support it.")
    respondents: int = Field(ge=0, description="Number of distinct respondents among those units.")
    share: Optional[float] = Field(default=None, ge=0, le=1, description="Share of all respondents in scope who said it.")


class Claim(Strict):
    """A statement in the map, typed as observed (quoted) or inferred (synthesised)."""

    id: str = Field(description="Stable id of the claim within its map.")
    text: str = Field(min_length=1, description="The claim, in the researcher's words.")
    description: Optional[str] = Field(default=None, description="One sentence expanding the claim (themes).")
    kind: Literal["observed", "inferred"] = Field(description="observed = directly supported by quotes; inferred = a synthesis over them.")
    evidence: list[Evidence] = Field(default_factory=list, description="Verbatim quotes supporting the claim (>= 1).")
    unit_ids: list[str] = Field(default_factory=list, description="All units the claim was built from (its cluster); evidence quotes a sample of them.")
    prevalence: Prevalence = Field(default_factory=lambda: Prevalence(units=0, respondents=0))
    confidence: float = Field(default=0.5, ge=0, le=1, description="How sure the pipeline is, from cluster cohesion and support.")
    origin: Literal["llm", "extractive", "manual"] = Field(default="llm", description="llm = worded by the model; extractive = fallback label from keywords/quotes; manual = edited by a person.")

    @model_validator(mode="after")
    def _has_evidence(self) -> "Claim":
        if not self.evidence:
            raise ValueError(f"claim '{self.id}' has no evidence: every claim needs at least one verbatim quote")
        return self


class EmotionCount(Strict):
    label: str = Field(description="Emotion label (Ekman-7: anger, disgust, fear, joy, neutral, sadness, surprise).")
    count: int = Field(ge=0, description="Units with this dominant emotion.")
    evidence: list[Evidence] = Field(default_factory=list, description="Example quotes for this emotion.")


class EmotionSummary(Strict):
    """Emotion computed from evidence, never typed by a model."""

    mean_valence: Optional[float] = Field(default=None, ge=-1, le=1, description="Mean sentiment valence of the units, -1..1.")
    ci_low: Optional[float] = Field(default=None, description="Lower bound of the 95% interval of the mean.")
    ci_high: Optional[float] = Field(default=None, description="Upper bound of the 95% interval of the mean.")
    n: int = Field(default=0, ge=0, description="Number of units behind the mean.")
    dominant: list[EmotionCount] = Field(default_factory=list, description="Most frequent emotions, most frequent first.")


class Opportunity(Strict):
    """An improvement opportunity, linked to the pain points it addresses."""

    id: str
    text: str = Field(min_length=1, description="Phrased as 'How might we ...'.")
    addresses: list[str] = Field(min_length=1, description="Ids of the pain-point claims it addresses.")
    evidence: list[Evidence] = Field(min_length=1, description="Quotes from the addressed pain points.")
    impact_hint: Literal["high", "medium", "low"] = Field(default="medium", description="From the prevalence of what it addresses.")
    origin: Literal["llm", "extractive", "manual"] = "llm"


class StageDefinition(Strict):
    """A stage of a stage set: what it covers and example phrases."""

    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    examples: list[str] = Field(default_factory=list, description="Example phrases a customer might say at this stage.")


class StageSet(Strict):
    name: str
    stages: list[StageDefinition] = Field(min_length=1)


class Stage(Strict):
    """One column of the journey map."""

    name: str
    description: str = ""
    order: int = Field(ge=0)
    unit_ids: list[str] = Field(default_factory=list, description="Units assigned to this stage.")
    touchpoints: list[Claim] = Field(default_factory=list)
    goals: list[Claim] = Field(default_factory=list)
    emotion: EmotionSummary = Field(default_factory=EmotionSummary)
    pain_points: list[Claim] = Field(default_factory=list)
    delights: list[Claim] = Field(default_factory=list)
    opportunities: list[Opportunity] = Field(default_factory=list)


class AttributeCount(Strict):
    key: str = Field(description="Metadata column, e.g. 'segment'.")
    value: str
    count: int = Field(ge=0, description="Respondents in the persona with this value.")


class Persona(Strict):
    id: str
    name: str
    summary: str = ""
    share: float = Field(ge=0, le=1, description="Share of respondents in this segment.")
    respondents: list[str] = Field(default_factory=list, description="Respondent ids in the segment.")
    attributes: list[AttributeCount] = Field(default_factory=list, description="Observed metadata values with counts.")
    goals: list[Claim] = Field(default_factory=list)
    frustrations: list[Claim] = Field(default_factory=list)
    motivations: list[Claim] = Field(default_factory=list)
    behaviours: list[Claim] = Field(default_factory=list)
    representative_quotes: list[Evidence] = Field(default_factory=list)
    stage_emotions: dict[str, EmotionSummary] = Field(default_factory=dict, description="Emotion per stage name, from this persona's units.")
    origin: Literal["llm", "extractive", "manual"] = "llm"


class ModelInfo(Strict):
    provider: str
    model: str
    embedder: str


class JourneyMap(Strict):
    """A drafted or edited journey map. Saved as immutable versions in the workspace."""

    id: str = Field(description="Map id, shared by all its versions.")
    title: str
    version: int = Field(default=1, ge=1)
    parent_version: Optional[int] = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    author: str = Field(default="journey draft", description="Who made this version: the draft pipeline or a person's edit.")
    edits: list[dict[str, Any]] = Field(default_factory=list, description="Edits that turned the parent version into this one.")
    corpus_fingerprint: str = Field(description="Hash of the sorted unit ids the map was built from.")
    stage_set: StageSet
    personas: list[Persona] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    model_info: ModelInfo
    run_id: str
    timings: dict[str, float] = Field(default_factory=dict, description="Seconds per pipeline phase.")
    usage: dict[str, int] = Field(default_factory=dict, description="Token usage of the run.")

    @field_validator("stages")
    @classmethod
    def _unique_stage_names(cls, stages: list[Stage]) -> list[Stage]:
        names = [s.name for s in stages]
        if len(names) != len(set(names)):
            raise ValueError(f"stage names must be unique: {names}")
        return stages

    def all_claims(self) -> list[tuple[str, Claim]]:
        """(location, claim) for every claim in the map, e.g. ('stages.purchase.pain_points', claim)."""
        found: list[tuple[str, Claim]] = []
        for stage in self.stages:
            for lane in ("touchpoints", "goals", "pain_points", "delights"):
                found += [(f"stages.{stage.name}.{lane}", c) for c in getattr(stage, lane)]
        for persona in self.personas:
            for lane in ("goals", "frustrations", "motivations", "behaviours"):
                found += [(f"personas.{persona.id}.{lane}", c) for c in getattr(persona, lane)]
        return found

    def all_evidence(self) -> list[tuple[str, Evidence]]:
        """(location, evidence) for every quote in the map."""
        found = [(f"{loc}.{c.id}", e) for loc, c in self.all_claims() for e in c.evidence]
        for stage in self.stages:
            found += [(f"stages.{stage.name}.opportunities.{o.id}", e) for o in stage.opportunities for e in o.evidence]
            found += [(f"stages.{stage.name}.emotion", e) for ec in stage.emotion.dominant for e in ec.evidence]
        for persona in self.personas:
            found += [(f"personas.{persona.id}.quotes", e) for e in persona.representative_quotes]
        return found


def corpus_fingerprint(unit_ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(unit_ids)).encode()).hexdigest()[:16]
