"""Edit handlers for the map's structure: stages and personas."""

from __future__ import annotations

from collections import Counter
from typing import Optional

from assistant.errors import EditRefusedError
from assistant.models import (
    AttributeCount, Claim, EmotionCount, EmotionSummary, Evidence, JourneyMap, Persona, Stage, StageDefinition,
)
from assistant.refine import lookup
from assistant.refine.claims import EditContext, Units, cascade_removed
from assistant.refine.edits import AddStageEdit, MergePersonasEdit, RemoveStageEdit, ReorderStagesEdit, SplitPersonaEdit

UNKNOWN = "unknown"


def _renumber(jm: JourneyMap) -> None:
    """Stage `order` follows list position; the stage set's definitions follow the stages."""
    for i, stage in enumerate(jm.stages):
        stage.order = i
    position = {s.name: i for i, s in enumerate(jm.stages)}
    jm.stage_set.stages.sort(key=lambda d: position.get(d.name, len(position)))


def add_stage(jm: JourneyMap, edit: AddStageEdit, ctx: EditContext) -> None:
    if any(lookup.norm(s.name) == lookup.norm(edit.name) for s in jm.stages):
        raise EditRefusedError(f"a stage named '{edit.name}' already exists; stages: {lookup.listing([s.name for s in jm.stages])}")
    position = len(jm.stages) if edit.position is None else min(edit.position, len(jm.stages))
    jm.stages.insert(position, Stage(name=edit.name, description=edit.description, order=position))
    if not any(d.name == edit.name for d in jm.stage_set.stages):
        jm.stage_set.stages.append(StageDefinition(name=edit.name, description=edit.description or edit.name))
    _renumber(jm)


def remove_stage(jm: JourneyMap, edit: RemoveStageEdit, ctx: EditContext) -> None:
    stage = lookup.find_stage(jm, edit.name)
    if len(jm.stages) == 1:
        raise EditRefusedError(f"'{stage.name}' is the map's only stage; add another stage before removing it")
    removed = {c.id for lane in lookup.STAGE_LANES for c in getattr(stage, lane)}
    if edit.move_claims_to:
        target = lookup.find_stage(jm, edit.move_claims_to)
        if target is stage:
            raise EditRefusedError(f"cannot move the claims of stage '{stage.name}' into itself; name another stage")
        for lane in lookup.STAGE_LANES:
            getattr(target, lane).extend(getattr(stage, lane))
        target.opportunities.extend(stage.opportunities)
        target.unit_ids = list(dict.fromkeys(target.unit_ids + stage.unit_ids))
        removed = set()
    jm.stages.remove(stage)
    cascade_removed(jm, removed)
    if len(jm.stage_set.stages) > 1:
        jm.stage_set.stages = [d for d in jm.stage_set.stages if d.name != stage.name]
    for persona in jm.personas:
        persona.stage_emotions.pop(stage.name, None)
    _renumber(jm)


def reorder_stages(jm: JourneyMap, edit: ReorderStagesEdit, ctx: EditContext) -> None:
    wanted = [lookup.find_stage(jm, name) for name in edit.order]
    names = [s.name for s in jm.stages]
    if len(wanted) != len(jm.stages) or {s.name for s in wanted} != set(names):
        raise EditRefusedError(f"reorder must list every stage exactly once: {', '.join(names)}; got {', '.join(edit.order)}")
    jm.stages[:] = wanted
    _renumber(jm)


def combine_emotions(summaries: list[EmotionSummary]) -> EmotionSummary:
    """Pooled emotion: n-weighted mean valence, summed emotion counts; the interval is dropped when pooling."""
    present = [s for s in summaries if s.n > 0 or s.dominant]
    if len(present) <= 1:
        return present[0].model_copy(deep=True) if present else EmotionSummary()
    with_mean = [s for s in present if s.mean_valence is not None and s.n > 0]
    n_mean = sum(s.n for s in with_mean)
    mean = round(sum(s.mean_valence * s.n for s in with_mean) / n_mean, 4) if n_mean else None
    counts: Counter = Counter()
    quotes: dict[str, list[Evidence]] = {}
    for s in present:
        for ec in s.dominant:
            counts[ec.label] += ec.count
            quotes.setdefault(ec.label, []).extend(ec.evidence)
    dominant = [EmotionCount(label=label, count=c, evidence=quotes[label][:3]) for label, c in counts.most_common()]
    return EmotionSummary(mean_valence=mean, n=sum(s.n for s in present), dominant=dominant)


def merge_personas(jm: JourneyMap, edit: MergePersonasEdit, ctx: EditContext) -> None:
    personas = [lookup.find_persona(jm, ref) for ref in edit.persona_ids]
    if len({p.id for p in personas}) != len(personas):
        raise EditRefusedError(f"merge names a persona twice: {', '.join(edit.persona_ids)}")
    keep, others = personas[0], personas[1:]
    keep.respondents = list(dict.fromkeys(r for p in personas for r in p.respondents))
    keep.share = round(min(1.0, sum(p.share for p in personas)), 4)
    counts: Counter = Counter()
    for p in personas:
        for a in p.attributes:
            counts[(a.key, a.value)] += a.count
    keep.attributes = [AttributeCount(key=k, value=v, count=c) for (k, v), c in counts.items()]
    for lane in lookup.PERSONA_LANES:
        setattr(keep, lane, [c for p in personas for c in getattr(p, lane)])
    seen: set = set()
    keep.representative_quotes = [e for p in personas for e in p.representative_quotes
                                  if not ((e.unit_id, e.start, e.end) in seen or seen.add((e.unit_id, e.start, e.end)))]
    stages = list(dict.fromkeys(k for p in personas for k in p.stage_emotions))
    keep.stage_emotions = {k: combine_emotions([p.stage_emotions[k] for p in personas if k in p.stage_emotions]) for k in stages}
    keep.name = edit.name or keep.name
    keep.origin = "manual"
    jm.personas[:] = [p for p in jm.personas if p not in others]


def _respondent_values(units: Units, respondents: list[str], key: str) -> dict[str, Optional[str]]:
    """Each respondent's value of a metadata key: the most frequent over their units (None if never given)."""
    seen: dict[str, Counter] = {r: Counter() for r in respondents}
    for unit in units.values():
        if unit.respondent in seen and unit.metadata.get(key) not in (None, ""):
            seen[unit.respondent][str(unit.metadata[key])] += 1
    return {r: (c.most_common(1)[0][0] if c else None) for r, c in seen.items()}


def _claim_part(claim: Claim, members: set[str], units: Units, new_id: str) -> Optional[Claim]:
    """The part of a claim supported by `members`' units, or None when they gave no quote of it."""
    def mine(unit_id: str) -> bool:
        unit = units.get(unit_id)
        return unit is not None and unit.respondent in members
    evidence = [e for e in claim.evidence if mine(e.unit_id)]
    if not evidence:
        return None
    return claim.model_copy(update={"id": new_id, "evidence": evidence, "unit_ids": [u for u in claim.unit_ids if mine(u)],
                                    "origin": "manual"})


def split_persona(jm: JourneyMap, edit: SplitPersonaEdit, ctx: EditContext) -> None:
    persona = lookup.find_persona(jm, edit.persona_id)
    values = _respondent_values(ctx.units, persona.respondents, edit.attribute)
    if all(v is None for v in values.values()):
        keys = sorted({k for u in ctx.units.values() if u.respondent in values for k in u.metadata})
        raise EditRefusedError(f"no unit of persona '{persona.id}' has metadata '{edit.attribute}'; keys there: {lookup.listing(keys)}")
    groups: dict[str, list[str]] = {}
    for respondent, value in values.items():
        groups.setdefault(value or UNKNOWN, []).append(respondent)
    if len(groups) < 2:
        raise EditRefusedError(f"every respondent of persona '{persona.id}' has {edit.attribute} = {next(iter(groups))!r}; "
                               f"nothing to split")
    other_keys = [k for k in dict.fromkeys(a.key for a in persona.attributes) if k != edit.attribute]
    parts: list[Persona] = []
    for value, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        suffix = lookup.slug(value)
        member_set = set(members)
        attributes = [AttributeCount(key=edit.attribute, value=value, count=len(members))]
        for key in other_keys:
            counted = Counter(v for v in _respondent_values(ctx.units, members, key).values() if v is not None)
            attributes += [AttributeCount(key=key, value=v, count=c) for v, c in counted.most_common()]
        lanes = {}
        for lane in lookup.PERSONA_LANES:
            kept = [_claim_part(c, member_set, ctx.units, ctx.fresh(f"{c.id}-{suffix}", jm)) for c in getattr(persona, lane)]
            lanes[lane] = [c for c in kept if c is not None]
        quotes = [e for e in persona.representative_quotes if e.unit_id in ctx.units and ctx.units[e.unit_id].respondent in member_set]
        parts.append(Persona(id=ctx.fresh(f"{persona.id}-{suffix}", jm), name=f"{persona.name} ({edit.attribute} {value})",
                             summary=persona.summary, share=round(persona.share * len(members) / len(values), 4),
                             respondents=members, attributes=attributes, representative_quotes=quotes,
                             origin="manual", **lanes))
    removed = {c.id for lane in lookup.PERSONA_LANES for c in getattr(persona, lane)}
    at = jm.personas.index(persona)
    jm.personas[at:at + 1] = parts
    cascade_removed(jm, removed)

