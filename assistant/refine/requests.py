"""Natural-language edit requests: the model proposes MapEdits, which are checked before any diff is shown."""

from __future__ import annotations

import re

from assistant.errors import EditRefusedError
from assistant.models import JourneyMap
from assistant.refine.llm_ops import edits_from_llm_ops
from assistant.refine.proposal_checks import SLASH_HINT, check_ids_fit, check_not_the_example
from assistant.refine.slash import check_merge_text
from assistant.refine.words import edits_from_words

EDIT_VERBS = re.compile(r"^\s*(please\s+)?(merge|rename|split|delete|remove|move|rewrite|reword|combine|drop|call)\b", re.I)
# "add" starts questions too ("add up the complaints"); it is an edit when it names a lane or ids.
ADD_VERB = re.compile(r"^\s*(please\s+)?add\b.*(\b[\w-]+\.[a-z_]+\b|\bu_[0-9a-f]{6,})", re.I | re.S)
OUTLINE_LANES = ("touchpoints", "goals", "pain_points", "delights")


def is_edit_request(text: str) -> bool:
    return bool(EDIT_VERBS.search(text) or ADD_VERB.search(text))


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
    """A Proposal (diff + preview) for a researcher's request; EditRefusedError/StructuredOutputError when impossible.

    A request that names ids with a command's verb ("rename pp-delivery-1 to Parcels arrive late") is parsed
    without a model; only a request that points at items in words goes to the model, and its answer must fit it.
    """
    journey_map = refiner.current()
    edits = edits_from_words(request, journey_map)
    if edits is not None:
        check_merge_text(journey_map, edits)
        return refiner.propose(edits)
    ops = _model_ops(refiner, journey_map, request, settings, handle)
    return refiner.propose(edits_from_llm_ops(ops, journey_map, refiner.units))


def _model_ops(refiner, journey_map: JourneyMap, request: str, settings, handle) -> list[dict]:
    """The model's generic edit ops for `request`, refused when empty, a copy of the worked example, or off target."""
    from assistant.llm.outputs import MapEdits
    from assistant.llm.prompts import load_prompt
    from assistant.llm.structured import run_chain
    from assistant.workspace import RunLog

    ids = [c.id for _, c in journey_map.all_claims()] + [p.id for p in journey_map.personas]
    parsed, _ = run_chain("map_edit", {"request": request, "outline": map_outline(journey_map)}, MapEdits,
                          settings=settings, handle=handle, enums={"target_ids": ids}, units=refiner.units,
                          run_log=RunLog(settings.runs_dir, f"edit-{journey_map.id}"))
    ops = [op.model_dump() for op in parsed.edits]
    if not ops:
        raise EditRefusedError("the model found no edit for this request in the map; " + SLASH_HINT)
    check_not_the_example(ops, request, load_prompt("map_edit", settings).example.output.get("edits", []))
    check_ids_fit(ops, request, journey_map, refiner.units)
    return ops
