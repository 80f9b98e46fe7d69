"""Edit handlers for claims and opportunities. Each mutates a working copy of the map in place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Optional

from pydantic import ValidationError

from assistant.errors import EditRefusedError
from assistant.models import Claim, Evidence, FeedbackUnit, JourneyMap
from assistant.refine import lookup
from assistant.refine.edits import (
    AddClaimEdit, DeleteEdit, MergeClaimsEdit, MoveEdit, RegenerateEdit, RenameEdit, RewriteEdit, SplitClaimEdit,
)

Units = Mapping[str, FeedbackUnit]
Regenerate = Callable[[str], list]


@dataclass
class EditContext:
    """What handlers need besides the map: the corpus, the regenerate callback, ids never to reuse."""

    units: Units
    regenerate: Optional[Regenerate] = None
    reserved: set[str] = field(default_factory=set)

    def new_claim_id(self, jm: JourneyMap, loc: lookup.Location) -> str:
        """A claim id unused in this map and in every id reserved (e.g. those of earlier versions)."""
        new_id = lookup.new_claim_id(jm, loc, self.reserved)
        self.reserved.add(new_id)
        return new_id

    def fresh(self, candidate: str, jm: JourneyMap) -> str:
        """`candidate`, or candidate-2, -3, ... when it is taken; reserves the result."""
        taken = self.reserved | set(lookup.claim_ids(jm)) | {p.id for p in jm.personas}
        name, n = candidate, 2
        while name in taken:
            name, n = f"{candidate}-{n}", n + 1
        self.reserved.add(name)
        return name


def _key(e: Evidence) -> tuple[str, int, int]:
    return e.unit_id, e.start, e.end


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen: set = set()
    return [e for e in evidence if not (_key(e) in seen or seen.add(_key(e)))]


def _union(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(x for lst in lists for x in lst))


def cascade_removed(jm: JourneyMap, removed: set[str], replacement: Optional[str] = None) -> None:
    """Point opportunities away from removed claims; one that addresses nothing any more is deleted."""
    for stage in jm.stages:
        kept = []
        for opp in stage.opportunities:
            addresses = _union([replacement if a in removed and replacement else a for a in opp.addresses])
            opp.addresses = [a for a in addresses if a not in removed]
            if opp.addresses:
                kept.append(opp)
        stage.opportunities = kept


def _evidence_at(claim: Claim, index: int) -> Evidence:
    if index >= len(claim.evidence):
        raise EditRefusedError(f"claim '{claim.id}' has {len(claim.evidence)} quote(s); evidence index {index} does not exist "
                               f"(indices start at 0)")
    return claim.evidence[index]


def _take_evidence(claim: Claim, index: int) -> Evidence:
    """Remove one quote from a claim, refusing to leave it without evidence."""
    quote = _evidence_at(claim, index)
    if len(claim.evidence) == 1:
        raise EditRefusedError(f"claim '{claim.id}' ({claim.kind}) would be left without evidence: it has only this quote; "
                               f"delete the claim instead, or add evidence first")
    del claim.evidence[index]
    # The unit leaves the claim unless another of its quotes still cites it.
    if all(e.unit_id != quote.unit_id for e in claim.evidence):
        claim.unit_ids = [u for u in claim.unit_ids if u != quote.unit_id]
    claim.origin = "manual"
    return quote


def rename(jm: JourneyMap, edit: RenameEdit, ctx: EditContext) -> None:
    if lookup.has_claim(jm, edit.target) or lookup.find_opportunity(jm, edit.target):
        rewrite(jm, RewriteEdit(claim_id=edit.target, text=edit.new), ctx)
        return
    persona = next((p for p in jm.personas if p.id == edit.target), None)
    if persona is not None:
        persona.name, persona.origin = edit.new, "manual"
        return
    try:
        stage = lookup.find_stage(jm, edit.target)
    except EditRefusedError:
        stage = None
    if stage is not None:
        rename_stage(jm, stage.name, edit.new)
        return
    try:
        persona = lookup.find_persona(jm, edit.target)
    except EditRefusedError:
        raise EditRefusedError(lookup.unknown("id or stage name", edit.target, lookup.all_ids(jm))) from None
    persona.name, persona.origin = edit.new, "manual"


def rename_stage(jm: JourneyMap, old: str, new: str) -> None:
    if any(s.name == new for s in jm.stages if s.name != old):
        raise EditRefusedError(f"a stage named '{new}' already exists; pick another name")
    lookup.find_stage(jm, old).name = new
    for definition in jm.stage_set.stages:
        if definition.name == old:
            definition.name = new
    for persona in jm.personas:
        if old in persona.stage_emotions:
            persona.stage_emotions = {(new if k == old else k): v for k, v in persona.stage_emotions.items()}


def rewrite(jm: JourneyMap, edit: RewriteEdit, ctx: EditContext) -> None:
    found = lookup.find_opportunity(jm, edit.claim_id)
    if found is not None:
        found[1].text, found[1].origin = edit.text, "manual"
        return
    _, _, claim = lookup.find_claim(jm, edit.claim_id)
    claim.text, claim.origin = edit.text, "manual"


def merge_claims(jm: JourneyMap, edit: MergeClaimsEdit, ctx: EditContext) -> None:
    if len(set(edit.claim_ids)) != len(edit.claim_ids):
        raise EditRefusedError(f"merge names a claim twice: {', '.join(edit.claim_ids)}")
    found = [lookup.find_claim(jm, cid) for cid in edit.claim_ids]
    keep = found[0][2]
    others = [claim for _, _, claim in found[1:]]
    for _, lane, claim in found[1:]:
        lane.remove(claim)
    group = [keep] + others
    keep.evidence = _dedupe([e for c in group for e in c.evidence])
    keep.unit_ids = _union(*[c.unit_ids for c in group], [e.unit_id for e in keep.evidence])
    keep.kind = "observed" if any(c.kind == "observed" for c in group) else "inferred"
    keep.confidence = round(sum(c.confidence for c in group) / len(group), 4)
    keep.text = edit.text or keep.text
    keep.origin = "manual"
    cascade_removed(jm, {c.id for c in others}, replacement=keep.id)


def split_claim(jm: JourneyMap, edit: SplitClaimEdit, ctx: EditContext) -> None:
    loc, lane, claim = lookup.find_claim(jm, edit.claim_id)
    indices = [i for group in edit.groups for i in group]
    wanted = set(range(len(claim.evidence)))
    if len(indices) != len(set(indices)) or set(indices) != wanted:
        raise EditRefusedError(f"split groups for claim '{claim.id}' must use each of its evidence indices "
                               f"{sorted(wanted)} exactly once; got {edit.groups}")
    texts = edit.texts or [claim.text] * len(edit.groups)
    quoted = {e.unit_id for e in claim.evidence}
    parts: list[Claim] = []
    for n, (group, text) in enumerate(zip(edit.groups, texts)):
        evidence = [claim.evidence[i] for i in group]
        unit_ids = _union([e.unit_id for e in evidence])
        if n == 0:  # the first part keeps the claim's id and its unquoted cluster units
            unit_ids = _union(unit_ids, [u for u in claim.unit_ids if u not in quoted])
            new_id = claim.id
        else:
            new_id = ctx.new_claim_id(jm, loc)
        parts.append(claim.model_copy(update={"id": new_id, "text": text, "evidence": evidence,
                                              "unit_ids": unit_ids, "origin": "manual"}))
    at = lane.index(claim)
    lane[at:at + 1] = parts


def delete(jm: JourneyMap, edit: DeleteEdit, ctx: EditContext) -> None:
    if edit.evidence_index is not None:
        _take_evidence(lookup.find_claim(jm, edit.target)[2], edit.evidence_index)
        return
    if lookup.has_claim(jm, edit.target):
        _, lane, claim = lookup.find_claim(jm, edit.target)
        lane.remove(claim)
        cascade_removed(jm, {claim.id})
        return
    found = lookup.find_opportunity(jm, edit.target)
    if found is not None:
        found[0].opportunities.remove(found[1])
        return
    persona = next((p for p in jm.personas if p.id == edit.target), None)
    if persona is not None:
        removed = {c.id for lane in lookup.PERSONA_LANES for c in getattr(persona, lane)}
        jm.personas.remove(persona)
        cascade_removed(jm, removed)
        return
    if any(s.name == edit.target for s in jm.stages):
        raise EditRefusedError(f"'{edit.target}' is a stage; remove a stage with the remove_stage edit")
    ids = lookup.claim_ids(jm) + [o.id for _, o in lookup.opportunities(jm)] + [p.id for p in jm.personas]
    raise EditRefusedError(lookup.unknown("claim, opportunity or persona", edit.target, ids))


def move(jm: JourneyMap, edit: MoveEdit, ctx: EditContext) -> None:
    source_loc, source_lane, claim = lookup.find_claim(jm, edit.target)
    if edit.evidence_index is not None:
        if not lookup.has_claim(jm, edit.destination):
            raise EditRefusedError("cannot move the quote: " + lookup.unknown("claim", edit.destination, lookup.claim_ids(jm)))
        if edit.destination == claim.id:
            raise EditRefusedError(f"quote {edit.evidence_index} is already on claim '{claim.id}'")
        quote = _take_evidence(claim, edit.evidence_index)
        _, _, dest = lookup.find_claim(jm, edit.destination)
        dest.evidence = _dedupe(dest.evidence + [quote])
        dest.unit_ids = _union(dest.unit_ids, [quote.unit_id])
        dest.origin = "manual"
        return
    dest_loc = lookup.parse_location(jm, edit.destination)
    if dest_loc == source_loc:
        raise EditRefusedError(f"claim '{claim.id}' is already in {dest_loc.owner}.{dest_loc.lane}")
    source_lane.remove(claim)
    lookup.lane(jm, dest_loc).append(claim)


def add_claim(jm: JourneyMap, edit: AddClaimEdit, ctx: EditContext) -> None:
    loc = lookup.parse_location(jm, edit.location)
    quotes = edit.quotes or [None] * len(edit.unit_ids)
    evidence = []
    for unit_id, quote in zip(edit.unit_ids, quotes):
        unit = ctx.units.get(unit_id)
        if unit is None:
            raise EditRefusedError(f"unit '{unit_id}' does not exist in the corpus; find unit ids with `journey search`")
        if not unit.is_evidence:
            raise EditRefusedError(f"unit '{unit_id}' is an {unit.speaker_role} turn, which is not evidence; cite a respondent's unit")
        try:
            evidence.append(Evidence.from_unit(unit, quote))
        except ValueError as exc:
            raise EditRefusedError(f"{exc}; copy the quote exactly from the unit, or leave it out to quote the whole unit") from None
    claim = Claim(id=ctx.new_claim_id(jm, loc), text=edit.text, kind=edit.kind, evidence=_dedupe(evidence),
                  unit_ids=_union(edit.unit_ids), origin="manual")
    lookup.lane(jm, loc).append(claim)


def regenerate_lane(jm: JourneyMap, edit: RegenerateEdit, ctx: EditContext) -> None:
    loc = lookup.parse_location(jm, edit.location)
    if ctx.regenerate is None:
        raise EditRefusedError(f"regenerating {loc.path()} needs a regenerate(location) callback; pass regenerate= "
                               f"to apply_edits or Refiner")
    lane = lookup.lane(jm, loc)
    old_ids = {c.id for c in lane}
    try:
        fresh = [c if isinstance(c, Claim) else Claim.model_validate(c) for c in ctx.regenerate(loc.path())]
    except ValidationError as exc:
        raise EditRefusedError(f"regenerate({loc.path()}) returned an invalid claim: {exc.errors()[0]['msg']}") from None
    elsewhere = set(lookup.claim_ids(jm)) - old_ids
    clashes = [c.id for c in fresh if c.id in elsewhere]
    if clashes:
        raise EditRefusedError(f"regenerated claim id(s) {', '.join(clashes)} already exist elsewhere in the map")
    lane[:] = fresh
    cascade_removed(jm, old_ids - {c.id for c in fresh})
