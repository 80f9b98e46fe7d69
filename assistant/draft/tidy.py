"""Tidy model-written prose before it reaches a map.

Small local models write the same sentence twice, and a structured-output grammar stops a string
at its schema's maxLength mid-word. A reader should see neither.
"""

from __future__ import annotations

import re
from typing import Sequence

from assistant import grounding
from assistant.draft.evidence import sentences

NEAR_LIMIT = 0.95
ENDS = (".", "!", "?", "\u2026", '"', "\u201d", ")")
PHRASE_WORDS = 15  # a goal, frustration or touchpoint is one short phrase; longer is a model rambling on
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|me|my|mine|myself)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]{4,}")
STEM = 5  # words compare by their first 5 letters, so "colours" finds "colour" and "dresses" finds "dress"
MIN_SUPPORTED = 0.5  # share of a summary sentence's content words that its quotes must contain


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


def is_phrase(text: str, max_words: int = PHRASE_WORDS) -> bool:
    """True for one short phrase: a single sentence of at most `max_words` words."""
    return len(sentences(text)) <= 1 and len(text.split()) <= max_words


def speaks_as_customer(sentence: str) -> bool:
    """True when a sentence is written in a customer's first person ("I love this skirt"), not about them."""
    return bool(_FIRST_PERSON.search(sentence.replace("\u2019", "'")))


def unsupported_numbers(sentence: str, quotes: Sequence[str]) -> list[str]:
    """Numbers in `sentence` that none of the quotes contains (a model inventing "152cm"), bound to their units
    as assistant.grounding binds them ("£8" is not supported by "8 items")."""
    return grounding.unsupported_numbers(sentence, "\n".join(quotes))


def content_words(text: str) -> list[str]:
    """Words of 4+ letters that are not English stop words, lowercased."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return [w for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]


def supported_share(sentence: str, quotes: Sequence[str]) -> float:
    """Share of the sentence's content words whose stem appears in a quote (1.0 when it has none)."""
    words = content_words(sentence)
    if not words:
        return 1.0
    said = {w[:STEM] for q in quotes for w in content_words(q)}
    return sum(w[:STEM] in said for w in words) / len(words)
