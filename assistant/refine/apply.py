"""Apply typed edits to a copy of a map and re-validate the whole result against the corpus."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Any, Iterable, Optional

from pydantic import ValidationError

from assistant.errors import EditRefusedError
from assistant.models import Claim, JourneyMap, Prevalence
from assistant.refine import claims, lookup, structure
from assistant.refine.claims import EditContext, Regenerate, Units
from assistant.refine.edits import parse_edit

_HANDLERS = {
    "rename": claims.rename, "rewrite": claims.rewrite, "merge_claims": claims.merge_claims,
    "split_claim": claims.split_claim, "delete": claims.delete, "move": claims.move, "add_claim": claims.add_claim,
    "regenerate": claims.regenerate_lane, "add_stage": structure.add_stage, "remove_stage": structure.remove_stage,
    "reorder_stages": structure.reorder_stages, "merge_personas": structure.merge_personas,
    "split_persona": structure.split_persona,
}


def prevalence_of(claim: Claim, units: Units) -> Prevalence:
    """Units and distinct respondents behind a claim's unit_ids; share rescaled to the same scope."""
    unit_ids = list(dict.fromkeys(claim.unit_ids))
    # A unit without a respondent id (an anonymous review) counts as its own respondent.
    respondents = len({(units[u].respondent or u) if u in units else u for u in unit_ids})
    old = claim.prevalence
    share = None
    if old.share is not None and old.respondents > 0:
        share = round(min(1.0, old.share * respondents / old.respondents), 4)
    return Prevalence(units=len(unit_ids), respondents=respondents, share=share)


def _check_integrity(jm: JourneyMap, units: Units) -> None:
    """What the model validators do not check: unique claim ids, existing cited units, existing addressed claims."""
    counts = Counter(c.id for _, c in jm.all_claims())
    duplicated = [cid for cid, n in counts.items() if n > 1]
    if duplicated:
        raise EditRefusedError(f"claim id(s) {', '.join(duplicated)} would appear more than once in the map")
    for location, claim in jm.all_claims():
        missing = [u for u in claim.unit_ids if u not in units]
        if missing:
            raise EditRefusedError(f"claim '{claim.id}' ({location}) cites unit(s) not in the corpus: {', '.join(missing[:5])}")
        if not claim.evidence:
            raise EditRefusedError(f"{claim.kind} claim '{claim.id}' ({location}) would have no evidence; "
                                   f"every claim needs at least one verbatim quote")
    for stage in jm.stages:
        for opp in stage.opportunities:
            dangling = [a for a in opp.addresses if a not in counts]
            if dangling:
                raise EditRefusedError(f"opportunity '{opp.id}' addresses claim(s) that do not exist: {', '.join(dangling)}")


def _validation_reason(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])


def apply_edits(journey_map: JourneyMap, edits: Iterable[Any], units: Units, author: str = "user",
                regenerate: Optional[Regenerate] = None, reserved_ids: Iterable[str] = ()) -> JourneyMap:
    """A new, validated version of `journey_map` with `edits` applied in order; the input is left untouched.

    Raises EditRefusedError (naming the edit and the offending id) when any edit cannot be applied
    or the result would break grounding. `regenerate(location) -> list[Claim]` serves 'regenerate' edits.
    New claim ids avoid `reserved_ids` (pass the ids of every earlier version so diffs never confuse two claims).
    """
    parsed = [parse_edit(e) for e in edits]
    if not parsed:
        raise EditRefusedError("no edits to apply; give at least one edit")
    work = journey_map.model_copy(deep=True)
    ctx = EditContext(units=units, regenerate=regenerate, reserved=set(reserved_ids) | set(lookup.claim_ids(journey_map)))
    records: list[dict[str, Any]] = []
    for n, edit in enumerate(parsed, 1):
        try:
            _HANDLERS[edit.op](work, edit, ctx)
        except (EditRefusedError, ValueError) as exc:  # ValueError covers pydantic's ValidationError
            raise EditRefusedError(f"edit {n} ({edit.summary()}) refused: {exc}") from None
        records.append({**edit.model_dump(mode="json"), "summary": edit.summary()})
    for _, claim in work.all_claims():
        claim.prevalence = prevalence_of(claim, units)
    try:
        _check_integrity(work, units)
    except EditRefusedError as exc:
        raise EditRefusedError(f"edits refused: {exc}") from None
    data = work.model_dump()
    data.update(version=journey_map.version + 1, parent_version=journey_map.version, author=author, edits=records,
                created_at=datetime.now(timezone.utc))
    try:
        return JourneyMap.model_validate(data, context={"units": units})
    except ValidationError as exc:
        raise EditRefusedError(f"edits refused: the result does not validate: {_validation_reason(exc)}") from None
