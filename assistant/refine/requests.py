"""Natural-language edit requests: the model proposes MapEdits, which are checked before any diff is shown."""

from __future__ import annotations

import re

from assistant.models import JourneyMap

EDIT_VERBS = re.compile(r"^\s*(please\s+)?(merge|rename|split|delete|remove|move|rewrite|reword|combine|drop|call)\b", re.I)
OUTLINE_LANES = ("touchpoints", "goals", "pain_points", "delights")


def is_edit_request(text: str) -> bool:
    return bool(EDIT_VERBS.search(text))


def map_outline(journey_map: JourneyMap) -> str:
    """Compact outline the model edits by id: stages with their claims, then personas."""
    lines = []
    for stage in journey_map.stages:
        lines.append(f"Stage {stage.name}:")
        for lane in OUTLINE_LANES:
            claims = getattr(stage, lane)
            if claims:
                lines.append(f"  {lane.replace('_', ' ')}: " + "; ".join(f"[{c.id}] {c.text}" for c in claims))
    for persona in journey_map.personas:
        lines.append(f"Persona [{persona.id}] {persona.name}")
    return "\n".join(lines)


def propose_from_request(refiner, request: str, settings, handle=None):
    """A Proposal (diff + preview) for a researcher's request; EditRefusedError/StructuredOutputError when impossible."""
    from assistant.llm.outputs import MapEdits
    from assistant.llm.structured import run_chain
    from assistant.refine.llm_ops import edits_from_llm_ops
    from assistant.workspace import RunLog

    journey_map = refiner.current()
    ids = [c.id for _, c in journey_map.all_claims()] + [p.id for p in journey_map.personas]
    parsed, _ = run_chain("map_edit", {"request": request, "outline": map_outline(journey_map)}, MapEdits,
                          settings=settings, handle=handle, enums={"target_ids": ids}, units=refiner.units,
                          run_log=RunLog(settings.runs_dir, f"edit-{journey_map.id}"))
    ops = [op.model_dump() for op in parsed.edits]
    if not ops:
        from assistant.errors import EditRefusedError

        raise EditRefusedError("the model found no edit for this request in the map; try a slash command (/help)")
    return refiner.propose(edits_from_llm_ops(ops, journey_map, refiner.units))
