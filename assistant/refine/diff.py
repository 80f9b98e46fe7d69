"""What changed between two versions of a map: a list of changes for the UI and a unified-diff-like text.

Things are matched by id (claims, opportunities, personas) and by name (stages; a stage whose
name changed but whose claims stayed is reported as renamed, not as deleted and added).
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from assistant.models import Claim, Evidence, JourneyMap, Strict
from assistant.refine import lookup
from assistant.refine.lookup import Location

ChangeKind = Literal["added", "removed", "renamed", "moved", "evidence_added", "evidence_removed", "changed", "reordered"]
_QUOTE_WIDTH = 80


def _clip(text: str, width: int = _QUOTE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class Change(Strict):
    """One change between two versions."""

    kind: ChangeKind
    entity: Literal["stage", "persona", "claim", "opportunity"]
    id: str = Field(description="Id of the changed thing (stage name for stages).")
    label: str = Field(description="What it is, e.g. 'pain point', 'persona', 'stage'.")
    subject: str = Field(default="", description="Its text or name (in the newer version when it still exists).")
    where: str = Field(default="", description="Where it sits, e.g. 'stage purchase'.")
    field: str = Field(default="", description="For 'changed': which field changed.")
    before: Optional[str] = None
    after: Optional[str] = None
    unit_id: Optional[str] = Field(default=None, description="For evidence changes: the quoted unit.")

    def line(self) -> str:
        """One line of the text diff."""
        where = f" ({self.where})" if self.where else ""
        if self.kind == "added":
            return f"+ {self.label} '{self.subject}'{where}"
        if self.kind == "removed":
            return f"- deleted {self.label} '{self.subject}'{where}"
        if self.kind == "renamed":
            return f"~ renamed {self.label} '{self.before}' → '{self.after}'"
        if self.kind == "moved":
            return f"> moved {self.label} '{self.subject}': {self.before} → {self.after}"
        if self.kind == "evidence_added":
            return f"+ evidence on '{_clip(self.subject, 50)}': \"{self.after}\" (unit {self.unit_id})"
        if self.kind == "evidence_removed":
            return f"- evidence on '{_clip(self.subject, 50)}': \"{self.before}\" (unit {self.unit_id})"
        if self.kind == "reordered":
            return f"~ stage order: {self.before} → {self.after}"
        return f"~ {self.label} '{_clip(self.subject, 50)}': {self.field} {self.before} → {self.after}"


class MapDiff(Strict):
    """Changes from version `from_version` to `to_version` of a map."""

    map_id: str
    from_version: int
    to_version: int
    changes: list[Change] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def text(self) -> str:
        """Unified-diff-like rendering."""
        head = [f"--- {self.map_id} v{self.from_version}", f"+++ {self.map_id} v{self.to_version}"]
        return "\n".join(head + ([c.line() for c in self.changes] or ["(no changes)"]))

    def __str__(self) -> str:
        return self.text()


def _stage_claim_ids(stage) -> set[str]:
    return {c.id for lane in lookup.STAGE_LANES for c in getattr(stage, lane)}


def _stage_renames(a: JourneyMap, b: JourneyMap) -> dict[str, str]:
    """Old name -> new name for stages that were renamed (same claims, or same place and description)."""
    b_names = {s.name for s in b.stages}
    a_only = [s for s in a.stages if s.name not in b_names]
    b_only = [s for s in b.stages if s.name not in {x.name for x in a.stages}]
    renames: dict[str, str] = {}
    for old in a_only:
        old_ids = _stage_claim_ids(old)
        for new in b_only:
            if new.name in renames.values():
                continue
            new_ids = _stage_claim_ids(new)
            overlap = len(old_ids & new_ids) / len(old_ids | new_ids) if old_ids | new_ids else 0.0
            if overlap >= 0.5 or (not old_ids and not new_ids and old.order == new.order and old.description == new.description):
                renames[old.name] = new.name
                break
    return renames


def _claims_at(jm: JourneyMap, renames: dict[str, str] | None = None) -> dict[str, tuple[Location, Claim]]:
    renames = renames or {}
    found = {}
    for loc, claims in lookup.lanes_of(jm):
        if loc.kind == "stage":
            loc = Location("stage", renames.get(loc.owner, loc.owner), loc.lane)
        found.update({c.id: (loc, c) for c in claims})
    return found


def _where(loc: Location, jm: JourneyMap) -> str:
    if loc.kind == "persona":
        return "persona " + next((p.name for p in jm.personas if p.id == loc.owner), loc.owner)
    return f"stage {loc.owner}"


def _evidence_key(e: Evidence) -> tuple[str, int, int]:
    return e.unit_id, e.start, e.end


def _stage_changes(a: JourneyMap, b: JourneyMap, renames: dict[str, str]) -> list[Change]:
    changes = []
    b_names = [s.name for s in b.stages]
    for stage in a.stages:
        if stage.name in renames:
            changes.append(Change(kind="renamed", entity="stage", id=renames[stage.name], label="stage",
                                  subject=renames[stage.name], before=stage.name, after=renames[stage.name]))
        elif stage.name not in b_names:
            changes.append(Change(kind="removed", entity="stage", id=stage.name, label="stage", subject=stage.name))
    a_names = {renames.get(s.name, s.name) for s in a.stages}
    changes += [Change(kind="added", entity="stage", id=s.name, label="stage", subject=s.name, where=f"position {s.order + 1}")
                for s in b.stages if s.name not in a_names]
    before = [renames.get(s.name, s.name) for s in a.stages if renames.get(s.name, s.name) in b_names]
    after = [n for n in b_names if n in a_names]
    if before != after:
        changes.append(Change(kind="reordered", entity="stage", id="stages", label="stage order",
                              before=", ".join(before), after=", ".join(after)))
    return changes


def _persona_changes(a: JourneyMap, b: JourneyMap) -> list[Change]:
    changes = []
    old = {p.id: p for p in a.personas}
    new = {p.id: p for p in b.personas}
    for pid, p in old.items():
        if pid not in new:
            changes.append(Change(kind="removed", entity="persona", id=pid, label="persona", subject=p.name))
    for pid, p in new.items():
        if pid not in old:
            changes.append(Change(kind="added", entity="persona", id=pid, label="persona", subject=p.name,
                                  where=f"{len(p.respondents)} respondents"))
            continue
        q = old[pid]
        if q.name != p.name:
            changes.append(Change(kind="renamed", entity="persona", id=pid, label="persona", subject=p.name, before=q.name, after=p.name))
        if sorted(q.respondents) != sorted(p.respondents):
            changes.append(Change(kind="changed", entity="persona", id=pid, label="persona", subject=p.name, field="respondents",
                                  before=str(len(q.respondents)), after=str(len(p.respondents))))
    return changes


def _claim_changes(a: JourneyMap, b: JourneyMap, renames: dict[str, str]) -> list[Change]:
    changes = []
    old = _claims_at(a, renames)
    new = _claims_at(b)
    for cid, (loc, claim) in old.items():
        if cid not in new:
            changes.append(Change(kind="removed", entity="claim", id=cid, label=lookup.LANE_LABEL[loc.lane],
                                  subject=claim.text, where=_where(loc, a)))
    for cid, (loc, claim) in new.items():
        label = lookup.LANE_LABEL[loc.lane]
        if cid not in old:
            changes.append(Change(kind="added", entity="claim", id=cid, label=label, subject=claim.text, where=_where(loc, b)))
            continue
        old_loc, before = old[cid]
        if old_loc != loc:
            changes.append(Change(kind="moved", entity="claim", id=cid, label=label, subject=claim.text,
                                  before=f"{lookup.LANE_LABEL[old_loc.lane]} ({_where(old_loc, a)})", after=f"{label} ({_where(loc, b)})"))
        if before.text != claim.text:
            changes.append(Change(kind="renamed", entity="claim", id=cid, label=label, subject=claim.text, before=before.text, after=claim.text))
        if before.kind != claim.kind:
            changes.append(Change(kind="changed", entity="claim", id=cid, label=label, subject=claim.text, field="kind",
                                  before=before.kind, after=claim.kind))
        old_ev = {_evidence_key(e): e for e in before.evidence}
        new_ev = {_evidence_key(e): e for e in claim.evidence}
        changes += [Change(kind="evidence_removed", entity="claim", id=cid, label=label, subject=claim.text,
                           before=_clip(e.quote), unit_id=e.unit_id) for k, e in old_ev.items() if k not in new_ev]
        changes += [Change(kind="evidence_added", entity="claim", id=cid, label=label, subject=claim.text,
                           after=_clip(e.quote), unit_id=e.unit_id) for k, e in new_ev.items() if k not in old_ev]
        p, q = before.prevalence, claim.prevalence
        if (p.units, p.respondents) != (q.units, q.respondents):
            changes.append(Change(kind="changed", entity="claim", id=cid, label=label, subject=claim.text, field="prevalence",
                                  before=f"{p.units} units/{p.respondents} respondents", after=f"{q.units} units/{q.respondents} respondents"))
    return changes


def _opportunity_changes(a: JourneyMap, b: JourneyMap, renames: dict[str, str]) -> list[Change]:
    changes = []
    old = {o.id: (renames.get(s.name, s.name), o) for s, o in lookup.opportunities(a)}
    new = {o.id: (s.name, o) for s, o in lookup.opportunities(b)}
    for oid, (stage, opp) in old.items():
        if oid not in new:
            changes.append(Change(kind="removed", entity="opportunity", id=oid, label="opportunity", subject=opp.text, where=f"stage {stage}"))
    for oid, (stage, opp) in new.items():
        if oid not in old:
            changes.append(Change(kind="added", entity="opportunity", id=oid, label="opportunity", subject=opp.text, where=f"stage {stage}"))
            continue
        old_stage, before = old[oid]
        if old_stage != stage:
            changes.append(Change(kind="moved", entity="opportunity", id=oid, label="opportunity", subject=opp.text,
                                  before=f"stage {old_stage}", after=f"stage {stage}"))
        if before.text != opp.text:
            changes.append(Change(kind="renamed", entity="opportunity", id=oid, label="opportunity", subject=opp.text,
                                  before=before.text, after=opp.text))
        if before.addresses != opp.addresses:
            changes.append(Change(kind="changed", entity="opportunity", id=oid, label="opportunity", subject=opp.text,
                                  field="addresses", before=", ".join(before.addresses), after=", ".join(opp.addresses)))
    return changes


def diff_maps(a: JourneyMap, b: JourneyMap) -> MapDiff:
    """Changes that turn map `a` into map `b`: stages, personas, claims (with evidence), opportunities."""
    renames = _stage_renames(a, b)
    changes = (_stage_changes(a, b, renames) + _persona_changes(a, b) + _claim_changes(a, b, renames)
               + _opportunity_changes(a, b, renames))
    return MapDiff(map_id=b.id, from_version=a.version, to_version=b.version, changes=changes)
