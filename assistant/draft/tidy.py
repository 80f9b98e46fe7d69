"""Tidy model-written prose before it reaches a map.

Small local models write the same sentence twice, and a structured-output grammar stops a string
at its schema's maxLength mid-word. A reader should see neither.
"""

from __future__ import annotations

from typing import Sequence

from assistant.draft.evidence import sentences

NEAR_LIMIT = 0.95
ENDS = (".", "!", "?", "\u2026", '"', "\u201d", ")")


def folded(text: str) -> str:
    """`text` for comparing: case folded, runs of whitespace as one space."""
    return " ".join(text.casefold().split())


def field_limit(model: type, name: str) -> int | None:
    """The max_length of a pydantic model's string field, if it has one."""
    info = model.model_fields[name]
    if info.annotation is not str:
        return None
    return next((m.max_length for m in info.metadata if getattr(m, "max_length", None)), None)


def tidy_prose(text: str, limit: int | None = None) -> str:
    """`text` with repeated sentences dropped, and its unfinished last sentence when it was cut at `limit`
    or repeats an earlier one.

    Returns "" when nothing finished is left.
    """
    kept: list[str] = []
    seen: set[str] = set()
    for sentence in sentences(text):
        key = folded(sentence)
        if key not in seen:
            seen.add(key)
            kept.append(sentence)
    if kept and not kept[-1].endswith(ENDS):
        last = folded(kept[-1])
        near_limit = limit is not None and len(text) >= NEAR_LIMIT * limit  # the grammar may stop a word or a space short
        if near_limit or any(earlier.startswith(last) for earlier in seen - {last}):
            kept.pop()
    return " ".join(kept)


def archetype_name(name: str, quotes: Sequence[str], limit: int | None = None) -> str:
    """A persona name as written, or "" when it was cut at `limit` or is a customer's words copied from a quote."""
    name = name.strip()
    if limit is not None and len(name) >= limit:
        return ""
    key = folded(name)
    if len(key.split()) >= 3 and any(key in folded(q) for q in quotes):
        return ""
    return name
