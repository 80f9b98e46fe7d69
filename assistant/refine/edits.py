"""Typed map edits: one Pydantic model per operation, discriminated on `op`.

Claims are named by id; stages by name; personas by id (or name); a lane by
'<stage-or-persona>.<lane>', e.g. 'purchase.pain_points' or 'persona-1.frustrations'.
Evidence indices are 0-based positions in a claim's evidence list.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional, Union

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from assistant.errors import EditRefusedError
from assistant.models import Strict


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class RenameEdit(Strict):
    """Give a claim or opportunity new text, or a persona or stage a new name."""

    op: Literal["rename"] = "rename"
    target: str = Field(min_length=1, description="Claim, opportunity or persona id, stage name or persona name.")
    new: str = Field(min_length=1, description="New name (persona, stage) or text (claim, opportunity).")

    def summary(self) -> str:
        return f"rename {self.target} to {_short(self.new)!r}"


class RewriteEdit(Strict):
    """Replace a claim's (or opportunity's) text."""

    op: Literal["rewrite"] = "rewrite"
    claim_id: str = Field(min_length=1, description="Claim or opportunity id.")
    text: str = Field(min_length=1, description="The new text.")

    def summary(self) -> str:
        return f"rewrite {self.claim_id}: {_short(self.text)!r}"


class MergeClaimsEdit(Strict):
    """Merge claims into the first one: union of evidence and units, prevalence recomputed."""

    op: Literal["merge_claims"] = "merge_claims"
    claim_ids: list[str] = Field(min_length=2, description="Claims to merge; the first keeps its id and place.")
    text: Optional[str] = Field(default=None, min_length=1, description="Text of the merged claim (default: the first claim's).")

    def summary(self) -> str:
        return f"merge {', '.join(self.claim_ids)}" + (f" as {_short(self.text)!r}" if self.text else "")


class SplitClaimEdit(Strict):
    """Split a claim by groups of evidence indices; group 0 keeps the id, each other group becomes a new claim."""

    op: Literal["split_claim"] = "split_claim"
    claim_id: str = Field(min_length=1)
    groups: list[list[int]] = Field(min_length=2, description="Evidence indices per resulting claim; together they cover every quote once.")
    texts: Optional[list[str]] = Field(default=None, description="Text per group (default: the original text).")

    @model_validator(mode="after")
    def _shape(self) -> "SplitClaimEdit":
        if any(not g for g in self.groups):
            raise ValueError("every split group needs at least one evidence index")
        if self.texts is not None and len(self.texts) != len(self.groups):
            raise ValueError(f"texts has {len(self.texts)} entries for {len(self.groups)} groups; give one text per group")
        return self

    def summary(self) -> str:
        return f"split {self.claim_id} into {len(self.groups)} claims"


class DeleteEdit(Strict):
    """Delete a claim, an opportunity or a persona; with evidence_index, delete one quote of a claim."""

    op: Literal["delete"] = "delete"
    target: str = Field(min_length=1, description="Claim, opportunity or persona id.")
    evidence_index: Optional[int] = Field(default=None, ge=0, description="Delete only this quote of the claim.")

    def summary(self) -> str:
        return f"delete quote {self.evidence_index} of {self.target}" if self.evidence_index is not None else f"delete {self.target}"


class MoveEdit(Strict):
    """Move a claim to another lane, or (with evidence_index) one quote to another claim."""

    op: Literal["move"] = "move"
    target: str = Field(min_length=1, description="Claim id.")
    destination: str = Field(min_length=1, description="Lane '<stage-or-persona>.<lane>', or a claim id when moving a quote.")
    evidence_index: Optional[int] = Field(default=None, ge=0, description="Move only this quote.")

    def summary(self) -> str:
        what = f"quote {self.evidence_index} of {self.target}" if self.evidence_index is not None else self.target
        return f"move {what} to {self.destination}"


class AddClaimEdit(Strict):
    """Add a claim to a lane, with evidence built verbatim from the cited units."""

    op: Literal["add_claim"] = "add_claim"
    location: str = Field(min_length=1, description="Lane '<stage-or-persona>.<lane>'.")
    text: str = Field(min_length=1)
    unit_ids: list[str] = Field(min_length=1, description="Units the claim rests on.")
    quotes: Optional[list[Optional[str]]] = Field(default=None, description="Quote per unit (None = the whole unit).")
    kind: Literal["observed", "inferred"] = "observed"

    @model_validator(mode="after")
    def _shape(self) -> "AddClaimEdit":
        if self.quotes is not None and len(self.quotes) != len(self.unit_ids):
            raise ValueError(f"quotes has {len(self.quotes)} entries for {len(self.unit_ids)} unit ids; give one per unit (or null)")
        return self

    def summary(self) -> str:
        return f"add {_short(self.text)!r} to {self.location}"


class RegenerateEdit(Strict):
    """Replace a lane's claims with ones produced by the caller's regenerate(location) callback."""

    op: Literal["regenerate"] = "regenerate"
    location: str = Field(min_length=1, description="Lane '<stage-or-persona>.<lane>'.")

    def summary(self) -> str:
        return f"regenerate {self.location}"


class AddStageEdit(Strict):
    op: Literal["add_stage"] = "add_stage"
    name: str = Field(min_length=1)
    description: str = ""
    position: Optional[int] = Field(default=None, ge=0, description="0-based column; default: last.")

    def summary(self) -> str:
        return f"add stage {self.name!r}"


class RemoveStageEdit(Strict):
    """Remove a stage; its claims and opportunities go to `move_claims_to` or are deleted with it."""

    op: Literal["remove_stage"] = "remove_stage"
    name: str = Field(min_length=1)
    move_claims_to: Optional[str] = Field(default=None, description="Stage that receives the removed stage's claims.")

    def summary(self) -> str:
        return f"remove stage {self.name!r}" + (f" (claims to {self.move_claims_to!r})" if self.move_claims_to else "")


class ReorderStagesEdit(Strict):
    op: Literal["reorder_stages"] = "reorder_stages"
    order: list[str] = Field(min_length=1, description="Every stage name, in the new order.")

    def summary(self) -> str:
        return "reorder stages: " + ", ".join(self.order)


class MergePersonasEdit(Strict):
    """Merge personas into the first: respondents, attributes, claims and quotes combined."""

    op: Literal["merge_personas"] = "merge_personas"
    persona_ids: list[str] = Field(min_length=2)
    name: Optional[str] = Field(default=None, min_length=1)

    def summary(self) -> str:
        return f"merge personas {', '.join(self.persona_ids)}" + (f" as {self.name!r}" if self.name else "")


class SplitPersonaEdit(Strict):
    """Split a persona into one per value of a respondent attribute taken from unit metadata."""

    op: Literal["split_persona"] = "split_persona"
    persona_id: str = Field(min_length=1)
    attribute: str = Field(min_length=1, description="Metadata key, e.g. 'age_band'.")

    def summary(self) -> str:
        return f"split persona {self.persona_id} by {self.attribute}"


MapEdit = Annotated[
    Union[RenameEdit, RewriteEdit, MergeClaimsEdit, SplitClaimEdit, DeleteEdit, MoveEdit, AddClaimEdit,
          RegenerateEdit, AddStageEdit, RemoveStageEdit, ReorderStagesEdit, MergePersonasEdit, SplitPersonaEdit],
    Field(discriminator="op"),
]
_ADAPTER: TypeAdapter = TypeAdapter(MapEdit)
EDIT_OPS = ("rename", "rewrite", "merge_claims", "split_claim", "delete", "move", "add_claim", "regenerate",
            "add_stage", "remove_stage", "reorder_stages", "merge_personas", "split_persona")


def parse_edit(data: Any) -> Any:
    """A MapEdit from a dict (or a MapEdit); a malformed one is an EditRefusedError naming the problem."""
    if isinstance(data, Strict) and getattr(data, "op", None) in EDIT_OPS:
        return data
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'edit'}: {e['msg']}" for e in exc.errors()[:5])
        raise EditRefusedError(f"malformed edit {data!r}: {problems}; valid ops: {', '.join(EDIT_OPS)}") from None
