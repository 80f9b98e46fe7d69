"""Turn the LLM's generic edit form {op, target_ids, text, destination} into typed MapEdits.

Everything the model names is checked against the map (and the corpus, when given), so
made-up ids and impossible edits are refused here, before anything is applied.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional

from assistant.errors import EditRefusedError
from assistant.models import JourneyMap
from assistant.refine import lookup
from assistant.refine.edits import (
    AddClaimEdit, AddStageEdit, DeleteEdit, MergeClaimsEdit, MergePersonasEdit, MoveEdit, RegenerateEdit, RemoveStageEdit,
    RenameEdit, ReorderStagesEdit, RewriteEdit, SplitPersonaEdit,
)

OP_ALIASES = {"merge": "merge_claims", "add": "add_claim", "remove": "delete", "edit": "rewrite"}
LLM_OPS = ("rename", "rewrite", "merge_claims", "delete", "move", "add_claim", "regenerate", "add_stage",
           "remove_stage", "reorder_stages", "merge_personas", "split_persona")


class _Op:
    """One generic op with checks that name what is wrong and what would be valid."""

    def __init__(self, n: int, raw: Any, jm: JourneyMap, units: Optional[Mapping[str, Any]]):
        if not isinstance(raw, dict):
            raise EditRefusedError(f"LLM edit {n} is not an object: {raw!r}")
        self.n, self.jm, self.units = n, jm, units
        self.op = OP_ALIASES.get(str(raw.get("op", "")).strip().lower(), str(raw.get("op", "")).strip().lower())
        ids = raw.get("target_ids") or []
        self.ids = [str(i) for i in ([ids] if isinstance(ids, str) else ids)]
        self.text = (raw.get("text") or "").strip() or None
        self.destination = (raw.get("destination") or "").strip() or None

    def refuse(self, problem: str) -> EditRefusedError:
        return EditRefusedError(f"LLM edit {self.n} ({self.op or 'no op'}): {problem}")

    def need_text(self, what: str) -> str:
        if not self.text:
            raise self.refuse(f"needs text ({what})")
        return self.text

    def need_ids(self, valid: list[str], kind: str, at_least: int = 1) -> list[str]:
        if len(self.ids) < at_least:
            raise self.refuse(f"needs at least {at_least} {kind} id(s) in target_ids; valid: {lookup.listing(valid)}")
        unknown = [i for i in self.ids if i not in valid]
        if unknown:
            near = list(dict.fromkeys(c for i in unknown for c in lookup.closest(i, valid)))
            hint = f"closest {kind} ids: {', '.join(near)}" if near else f"valid {kind} ids: {lookup.listing(valid)}"
            raise self.refuse(f"unknown {kind} id(s) {', '.join(unknown)}; {hint}")
        return self.ids

    def need_location(self, text: Optional[str]) -> str:
        if not text:
            raise self.refuse(f"needs a destination lane; valid: {lookup.listing(lookup.valid_locations(self.jm))}")
        try:
            loc = lookup.parse_location(self.jm, text)
        except EditRefusedError as exc:
            raise self.refuse(str(exc)) from None
        return f"{loc.owner}.{loc.lane}"


def _convert(o: _Op) -> list:
    jm = o.jm
    claims = lookup.claim_ids(jm)
    opps = [x.id for _, x in lookup.opportunities(jm)]
    personas = [p.id for p in jm.personas]
    stages = [s.name for s in jm.stages]
    if o.op == "rename":
        (target,) = o.need_ids(claims + opps + personas + stages, "claim, opportunity, persona or stage")[:1]
        return [RenameEdit(target=target, new=o.need_text("the new name"))]
    if o.op == "rewrite":
        (target,) = o.need_ids(claims + opps, "claim or opportunity")[:1]
        return [RewriteEdit(claim_id=target, text=o.need_text("the new claim text"))]
    if o.op == "merge_claims":
        return [MergeClaimsEdit(claim_ids=o.need_ids(claims, "claim", at_least=2), text=o.text)]
    if o.op == "delete":
        return [DeleteEdit(target=t) for t in o.need_ids(claims + opps + personas, "claim, opportunity or persona")]
    if o.op == "move":
        destination = o.need_location(o.destination)
        return [MoveEdit(target=t, destination=destination) for t in o.need_ids(claims, "claim")]
    if o.op == "add_claim":
        destination = o.need_location(o.destination)
        if o.units is not None:
            evidence_units = [u for u, unit in o.units.items() if unit.is_evidence]
            o.need_ids(evidence_units, "unit")
        elif not o.ids:
            raise o.refuse("needs the unit ids that support the claim in target_ids")
        return [AddClaimEdit(location=destination, unit_ids=o.ids, text=o.need_text("the claim"))]
    if o.op == "regenerate":
        return [RegenerateEdit(location=o.need_location(o.destination or (o.ids[0] if o.ids else None)))]
    if o.op == "add_stage":
        return [AddStageEdit(name=o.need_text("the stage name"))]
    if o.op == "remove_stage":
        (name,) = o.need_ids(stages, "stage")[:1]
        if o.destination and o.destination not in stages:
            raise o.refuse(f"no stage '{o.destination}' to move the claims to; stages: {lookup.listing(stages)}")
        return [RemoveStageEdit(name=name, move_claims_to=o.destination)]
    if o.op == "reorder_stages":
        order = o.need_ids(stages, "stage")
        if sorted(order) != sorted(stages):
            raise o.refuse(f"target_ids must list every stage once: {', '.join(stages)}")
        return [ReorderStagesEdit(order=order)]
    if o.op == "merge_personas":
        return [MergePersonasEdit(persona_ids=o.need_ids(personas, "persona", at_least=2), name=o.text)]
    if o.op == "split_persona":
        (pid,) = o.need_ids(personas, "persona")[:1]
        return [SplitPersonaEdit(persona_id=pid, attribute=o.need_text("the metadata attribute to split by"))]
    raise o.refuse(f"unknown op; valid ops: {', '.join(LLM_OPS)} (split a claim with the split_claim edit)")


def edits_from_llm_ops(ops: list[dict], journey_map: JourneyMap, units: Optional[Mapping[str, Any]] = None) -> list:
    """Typed MapEdits for the model's proposed ops; raises EditRefusedError on an unknown op or id."""
    if not isinstance(ops, list) or not ops:
        raise EditRefusedError("the model proposed no edits; rephrase the request or use a slash command (/help)")
    edits: list = []
    for n, raw in enumerate(ops, 1):
        edits += _convert(_Op(n, raw, journey_map, units))
    return edits
