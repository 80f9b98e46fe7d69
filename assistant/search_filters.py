"""Search requests as users write them: checked before the store runs them, persona resolved.

A filter key no unit carries (a typo, or `stage` before any draft) would match nothing and look
like "no results", so it is an error naming the keys there are. `persona` is a map label, not a
unit's: ``persona=<id or name>`` becomes the persona's respondents in the current map, the way
`stage` matches the label the last draft gave each unit.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any, Callable, Iterable, Mapping

from assistant.errors import JourneyError, SearchRequestError

PERSONA_KEY = "persona"
MAP_LABELS = ("stage", PERSONA_KEY)  # keys that exist once a map is drafted


def check_request(query: str, k: int) -> None:
    if not query or not query.strip():
        raise SearchRequestError("the search query is empty: give words to search for, e.g. journey search \"refund\"")
    if k < 1:
        raise SearchRequestError(f"-k (number of results) must be 1 or more, got {k}")


def resolve_where(where: Mapping[str, Any] | None, keys: Iterable[str], load_map: Callable[[], Any]) -> dict[str, Any] | None:
    """`where` with its top-level keys checked against the stored `keys` and persona turned into respondents.

    load_map returns the current map (or raises a JourneyError when there is none); it is called
    only when a persona is named. Operator keys ($and, $or) are passed on as they are.
    """
    if not where:
        return None
    known = set(keys)
    resolved: dict[str, Any] = {}
    persona_value = None
    for key, value in where.items():
        if key == PERSONA_KEY:
            persona_value = value
        elif key.startswith("$") or key in known:
            resolved[key] = value
        else:
            raise SearchRequestError(_unknown_key_message(key, known))
    if persona_value is None:
        return resolved
    respondents = {"respondent": {"$in": persona_respondents(persona_value, load_map)}}
    if "respondent" in resolved:
        return {"$and": [resolved, respondents]}
    return {**resolved, **respondents}


def persona_respondents(value: Any, load_map: Callable[[], Any]) -> list[str]:
    """Respondent ids of the personas named by id or name (case aside) in the current map."""
    try:
        journey_map = load_map()
    except JourneyError as exc:
        raise SearchRequestError(f"the persona filter needs a drafted map ({exc}); run `journey draft` first") from None
    wanted = value if isinstance(value, (list, tuple)) else [value]
    by_name = {p.id.lower(): p for p in journey_map.personas} | {p.name.lower(): p for p in journey_map.personas}
    missing = [str(v) for v in wanted if str(v).strip().lower() not in by_name]
    if missing:
        listed = ", ".join(f"{p.id} ({p.name})" for p in journey_map.personas) or "none"
        raise SearchRequestError(f"no persona {', '.join(repr(m) for m in missing)} in map {journey_map.id}: "
                                 f"use a persona id or name: {listed}")
    ids = sorted({r for v in wanted for r in by_name[str(v).strip().lower()].respondents})
    if not ids:
        raise SearchRequestError(f"persona {value!r} of map {journey_map.id} lists no respondents, so it matches no unit")
    return ids


def _unknown_key_message(key: str, known: set[str]) -> str:
    if key in MAP_LABELS:
        return f"filter key '{key}' needs a drafted map: units get their {key} when `journey draft` runs"
    valid = sorted(known | {PERSONA_KEY})
    close = get_close_matches(key, valid, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return (f"unknown filter key '{key}'{hint}: use one of {', '.join(valid)}; "
            "m.<column> keys are the columns `journey stats` lists")
