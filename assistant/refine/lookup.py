"""Finding things in a JourneyMap by id, name or location, with refusals that list what exists."""

from __future__ import annotations

import difflib
import re
from typing import Literal, NamedTuple

from assistant.errors import EditRefusedError
from assistant.models import Claim, JourneyMap, Opportunity, Persona, Stage

STAGE_LANES = ("touchpoints", "goals", "pain_points", "delights")
PERSONA_LANES = ("goals", "frustrations", "motivations", "behaviours")
LANE_PREFIX = {"touchpoints": "tp", "goals": "gl", "pain_points": "pp", "delights": "dl",
               "frustrations": "fr", "motivations": "mo", "behaviours": "bh"}
LANE_LABEL = {"touchpoints": "touchpoint", "goals": "goal", "pain_points": "pain point", "delights": "delight",
              "frustrations": "frustration", "motivations": "motivation", "behaviours": "behaviour"}
_LANE_ALIASES = {"pain": "pain_points", "pains": "pain_points", "painpoints": "pain_points", "pain_point": "pain_points",
                 "delight": "delights", "touchpoint": "touchpoints", "goal": "goals", "frustration": "frustrations",
                 "motivation": "motivations", "behaviour": "behaviours", "behavior": "behaviours", "behaviors": "behaviours"}
_SHOWN = 30
# Claim, opportunity, persona and unit ids: 'pp-purchase-1', 'op-purchase-1-1', 'persona-2', 'u_3f9a…'; '#2' names a quote.
_ID_SHAPE = re.compile(r"(?:[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*-\d+|u_[0-9a-f]{6,})(?:#\d+)?")


class Location(NamedTuple):
    """A claim lane: a stage's or a persona's list of claims."""

    kind: Literal["stage", "persona"]
    owner: str  # stage name or persona id
    lane: str

    def path(self) -> str:
        """Canonical form, e.g. 'stages.purchase.pain_points' (as in JourneyMap.all_claims)."""
        return f"{self.kind}s.{self.owner}.{self.lane}"

    def describe(self, jm: JourneyMap | None = None) -> str:
        """Human form, e.g. "pain point (stage purchase)"."""
        owner = self.owner
        if self.kind == "persona" and jm is not None:
            owner = next((p.name for p in jm.personas if p.id == self.owner), owner)
        return f"{LANE_LABEL[self.lane]} ({self.kind} {owner})"


def listing(values: list[str]) -> str:
    """Comma-separated values, shortened when long."""
    shown = ", ".join(values[:_SHOWN])
    return shown + (f" (+{len(values) - _SHOWN} more)" if len(values) > _SHOWN else "") if values else "(none)"


def looks_like_id(token: str) -> bool:
    """Whether `token` is shaped like an id the map or corpus uses (it may still not exist)."""
    return bool(_ID_SHAPE.fullmatch(token))


def closest(value: str, candidates: list[str], n: int = 5) -> list[str]:
    """Up to `n` candidates spelled most like `value`, best first (difflib)."""
    by_lower = {c.lower(): c for c in candidates}
    return [by_lower[c] for c in difflib.get_close_matches(value.lower(), list(by_lower), n=n, cutoff=0.6)]


def unknown(what: str, value: str, candidates: list[str]) -> str:
    """'no claim 'X' in the map; closest: ...' — the nearest ids, not every id of a large map."""
    near = closest(value, candidates)
    if near:
        return f"no {what} '{value}' in the map; closest: {', '.join(near)}"
    sample = ", ".join(candidates[:5]) + (", …" if len(candidates) > 5 else "")
    return f"no {what} '{value}' in the map and none is spelled like it; the map has {len(candidates)}, e.g. {sample or '(none)'}"


def norm(text: str) -> str:
    """Case- and punctuation-insensitive key for names."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def slug(text: str) -> str:
    return norm(text) or "x"


def find_stage(jm: JourneyMap, name: str) -> Stage:
    """The stage named `name` (exact, then case/punctuation-insensitive)."""
    for stage in jm.stages:
        if stage.name == name:
            return stage
    matches = [s for s in jm.stages if norm(s.name) == norm(name)]
    if len(matches) == 1:
        return matches[0]
    raise EditRefusedError(f"no stage '{name}' in the map; stages: {listing([s.name for s in jm.stages])}")


def find_persona(jm: JourneyMap, ref: str) -> Persona:
    """The persona with id `ref`, or else the one named `ref`."""
    for persona in jm.personas:
        if persona.id == ref:
            return persona
    matches = [p for p in jm.personas if norm(p.name) == norm(ref)]
    if len(matches) == 1:
        return matches[0]
    raise EditRefusedError(f"no persona '{ref}' in the map; personas: {listing([p.id for p in jm.personas])}")


def claim_ids(jm: JourneyMap) -> list[str]:
    return [c.id for _, c in jm.all_claims()]


def lanes_of(jm: JourneyMap) -> list[tuple[Location, list[Claim]]]:
    """Every claim lane of the map with its (mutable) list."""
    found = [(Location("stage", s.name, lane), getattr(s, lane)) for s in jm.stages for lane in STAGE_LANES]
    found += [(Location("persona", p.id, lane), getattr(p, lane)) for p in jm.personas for lane in PERSONA_LANES]
    return found


def find_claim(jm: JourneyMap, claim_id: str) -> tuple[Location, list[Claim], Claim]:
    """(location, the lane's list, claim) for a claim id."""
    for loc, claims in lanes_of(jm):
        for claim in claims:
            if claim.id == claim_id:
                return loc, claims, claim
    raise EditRefusedError(unknown("claim", claim_id, claim_ids(jm)))


def has_claim(jm: JourneyMap, claim_id: str) -> bool:
    return any(c.id == claim_id for _, c in jm.all_claims())


def opportunities(jm: JourneyMap) -> list[tuple[Stage, Opportunity]]:
    return [(s, o) for s in jm.stages for o in s.opportunities]


def find_opportunity(jm: JourneyMap, opp_id: str) -> tuple[Stage, Opportunity] | None:
    return next(((s, o) for s, o in opportunities(jm) if o.id == opp_id), None)


def all_ids(jm: JourneyMap) -> list[str]:
    """Every id an edit can name: claims, opportunities, personas, stage names."""
    return claim_ids(jm) + [o.id for _, o in opportunities(jm)] + [p.id for p in jm.personas] + [s.name for s in jm.stages]


def _lane_name(text: str, allowed: tuple[str, ...]) -> str | None:
    key = re.sub(r"[\s-]+", "_", text.strip().lower())
    key = _LANE_ALIASES.get(key, key)
    return key if key in allowed else None


def valid_locations(jm: JourneyMap) -> list[str]:
    return [f"{loc.owner}.{loc.lane}" for loc, _ in lanes_of(jm)]


def parse_location(jm: JourneyMap, text: str) -> Location:
    """A Location from 'purchase.pain_points', 'stages.purchase.pain_points' or 'persona-1.frustrations'."""
    raw = text.strip()
    kinds: tuple[str, ...] = ("stage", "persona")
    for prefix, kind in (("stages.", "stage"), ("personas.", "persona")):
        if raw.startswith(prefix):
            raw, kinds = raw[len(prefix):], (kind,)
    owner, dot, lane_text = raw.rpartition(".")
    refusal = EditRefusedError(f"no lane '{text}' in the map; write <stage-or-persona>.<lane>, one of: "
                               f"{listing(valid_locations(jm))}")
    if not dot or not owner:
        raise refusal
    if "stage" in kinds and (lane := _lane_name(lane_text, STAGE_LANES)):
        try:
            return Location("stage", find_stage(jm, owner).name, lane)
        except EditRefusedError:
            pass
    if "persona" in kinds and (lane := _lane_name(lane_text, PERSONA_LANES)):
        try:
            return Location("persona", find_persona(jm, owner).id, lane)
        except EditRefusedError:
            pass
    raise refusal


def lane(jm: JourneyMap, loc: Location) -> list[Claim]:
    """The mutable list of claims at `loc`."""
    owner = find_stage(jm, loc.owner) if loc.kind == "stage" else find_persona(jm, loc.owner)
    return getattr(owner, loc.lane)


def new_claim_id(jm: JourneyMap, loc: Location, taken: set[str] | None = None) -> str:
    """The next free id of the form '<lane prefix>-<owner>-<n>', e.g. 'pp-purchase-2'."""
    used = set(claim_ids(jm)) | (taken or set())
    base = f"{LANE_PREFIX[loc.lane]}-{slug(loc.owner)}"
    n = 1
    while f"{base}-{n}" in used:
        n += 1
    return f"{base}-{n}"
