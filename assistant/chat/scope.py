"""Scope filters said in words ("only enterprise customers", "for Thread Club members").

A value counts when the question names a known metadata value (from the corpus stats) or a
stage/persona of the current map. Explicit filters passed by the caller always win.
"""

from __future__ import annotations

import re

SCOPE_CUES = re.compile(r"\b(only|just|among|for|from)\b", re.IGNORECASE)


def scope_from_question(question: str, known_values: dict[str, list[str]]) -> dict[str, str]:
    """Filters {key: value} for metadata values the question names after a scope cue.

    known_values maps a filter key (e.g. "m.segment", "stage", "persona") to its values.
    Short or generic values (numbers, yes/no) are ignored to avoid false matches.
    """
    cue = SCOPE_CUES.search(question)
    if cue is None:
        return {}
    lowered = question[cue.start():].lower()  # only what follows the cue scopes the question
    found: dict[str, str] = {}
    for key, values in known_values.items():
        for value in sorted(values, key=len, reverse=True):
            text = str(value).strip()
            if len(text) < 3 or text.lower() in {"yes", "no", "true", "false"} or text.replace(".", "").isdigit():
                continue
            if re.search(rf"\b{re.escape(text.lower())}\b", lowered):
                found[key] = text
                break
    return found
