"""Does the model's edit proposal answer the request? Checked before its ids are turned into edits.

A small model under a grammar that only allows the map's ids can copy the prompt's worked example
("merge c_12, c_13 as 'Slow delivery'") and land on whatever ids the grammar lets through first.
Such a proposal names valid ids, so it needs checking against the request itself.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from assistant.draft.tidy import STEM, content_words
from assistant.errors import EditRefusedError
from assistant.models import JourneyMap
from assistant.refine import lookup
from assistant.refine.llm_ops import OP_ALIASES
from assistant.refine.words import mentioned_ids

SLASH_HINT = ("name the items by id, e.g. \"merge pp-purchase-1 and pp-purchase-2 as Checkout fails\", "
              "or use a slash command such as /merge <id> <id> as <text> (/help lists them)")


def _stems(text: str) -> set[str]:
    return {w[:STEM] for w in content_words(text.replace("_", " "))}


def _op_key(op: Mapping[str, Any]) -> tuple[str, str]:
    name = str(op.get("op") or "").strip().lower()
    return OP_ALIASES.get(name, name), " ".join(str(op.get("text") or "").lower().split())


def _describe(jm: JourneyMap, target: str, units: Optional[Mapping[str, Any]]) -> str:
    """The words a request could use to point at `target`: its text, lane and stage or persona name."""
    if lookup.has_claim(jm, target):
        location, _, claim = lookup.find_claim(jm, target)
        return f"{claim.text}, a {location.describe(jm)}"
    found = lookup.find_opportunity(jm, target)
    if found is not None:
        return f"{found[1].text}, an opportunity (stage {found[0].name})"
    persona = next((p for p in jm.personas if p.id == target), None)
    if persona is not None:
        return f"{persona.name}, a persona"
    if units is not None and target in units:
        return getattr(units[target], "text", target)
    return target  # a stage name


def check_not_the_example(ops: Sequence[Mapping[str, Any]], request: str, example_ops: Sequence[Mapping[str, Any]]) -> None:
    """Refuse a proposal that repeats the prompt's worked example (same ops and texts) the request never asked for."""
    if not example_ops or [_op_key(o) for o in ops] != [_op_key(o) for o in example_ops]:
        return
    texts = [t for _, t in map(_op_key, example_ops) if t]
    if texts and all(t in " ".join(request.lower().split()) for t in texts):
        return  # the request really asks for the example's text
    shown = "; ".join(f"{k[0]} as '{k[1]}'" if k[1] else k[0] for k in map(_op_key, ops))
    raise EditRefusedError(f"the model repeated the prompt's worked example ({shown}) instead of answering the request; "
                           + SLASH_HINT)


def check_ids_fit(ops: Sequence[Mapping[str, Any]], request: str, jm: JourneyMap,
                  units: Optional[Mapping[str, Any]] = None) -> None:
    """Refuse ids the request does not point at: with ids in the request, only those; else items sharing a word with it."""
    named = mentioned_ids(request, jm)
    wanted = _stems(request)
    for n, op in enumerate(ops, 1):
        ids = op.get("target_ids") or []
        for target in [ids] if isinstance(ids, str) else ids:
            target = str(target)
            if named:
                fits = target in named
            else:
                fits = bool(_stems(_describe(jm, target, units)) & wanted)
            if not fits:
                what = _describe(jm, target, units)
                raise EditRefusedError(
                    f"LLM edit {n} ({_op_key(op)[0] or 'no op'}) targets {target} [{what[:80]}], which the request "
                    f"does not mention; " + SLASH_HINT)
