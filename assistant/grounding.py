"""Quote location and evidence checks shared by validators, chains and evals.

A quote counts as verbatim when it occurs in the unit text exactly, or after
collapsing runs of whitespace on both sides (so a line break in a transcript
does not make a real quote fail). Offsets always point into the original text.
"""

from __future__ import annotations

import re
from typing import Mapping, Protocol

_WS = re.compile(r"\s+")


class HasText(Protocol):
    text: str


def _collapse(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed text plus, for each kept char, its index in the original."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                index.append(i)
            in_space = True
        else:
            out.append(ch)
            index.append(i)
            in_space = False
    return "".join(out), index


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of `quote` in `text`, exact first, then whitespace-normalised; None if absent."""
    quote = quote.strip()
    if not quote:
        return None
    pos = text.find(quote)
    if pos >= 0:
        return pos, pos + len(quote)
    collapsed, index = _collapse(text)
    needle = _WS.sub(" ", quote)
    pos = collapsed.find(needle)
    if pos < 0:
        return None
    return index[pos], index[pos + len(needle) - 1] + 1


def quote_matches(text: str, quote: str, start: int, end: int) -> bool:
    """True when text[start:end] is the quote (modulo whitespace runs)."""
    if not (0 <= start < end <= len(text)):
        return False
    span = text[start:end]
    return span == quote or _WS.sub(" ", span.strip()) == _WS.sub(" ", quote.strip())


def check_evidence(
    unit_id: str, quote: str, start: int, end: int, units: Mapping[str, HasText]
) -> str | None:
    """A problem description, or None when the evidence holds against the corpus."""
    unit = units.get(unit_id)
    if unit is None:
        return f"unit id '{unit_id}' does not exist in the corpus"
    if not quote_matches(unit.text, quote, start, end):
        found = locate_quote(unit.text, quote)
        if found is None:
            return f"quote {quote[:60]!r} is not verbatim in unit '{unit_id}'"
        return f"quote {quote[:60]!r} is in unit '{unit_id}' at {found[0]}-{found[1]}, not at {start}-{end}"
    return None
