"""Degenerate model answers: a repetition loop, or a sentence cut off mid-way.

Small models at temperature 0 sometimes loop ("X because of the fee. X because of the fee. X
because of ...") until the schema's length cap on a sentence (or the token limit) stops them.
The result is valid JSON with valid citations, so only its text shows the problem; such an
answer is not shown (the engine quotes the customers instead).
"""

from __future__ import annotations

import re
from typing import Sequence

from assistant.draft.evidence import sentences as split_sentences
from assistant.draft.tidy import field_limit, folded

LOOP_WORDS = 6  # the same run of this many words twice in one answer sentence is a loop, not prose
_TERMINAL = re.compile(r"[.!?\u2026:;)\]\"'\u201d\u2019]$")
_WORDS = re.compile(r"[a-z0-9']+")
# a sentence that stops on one of these was cut off, whatever its length
DANGLING = frozenset("a an the and or but because of to with for that which who is are was were in on at by from as than "
                     "their its his her your our".split())


def text_limit() -> int:
    from assistant.llm.outputs import AnswerSentence

    return field_limit(AnswerSentence, "text") or 300


def repeats_itself(text: str) -> bool:
    """True when one answer sentence holds the same sentence, or the same run of LOOP_WORDS words, twice."""
    parts = [folded(s) for s in split_sentences(text)]
    if len(parts) != len(set(parts)):
        return True
    words = _WORDS.findall(text.lower())
    runs = [tuple(words[i:i + LOOP_WORDS]) for i in range(len(words) - LOOP_WORDS + 1)]
    return len(runs) != len(set(runs))


def cut_off(text: str, limit: int | None = None) -> bool:
    """True when the sentence stops mid-way: at the length cap without closing punctuation, or on a dangling word."""
    text = text.strip()
    if not text or _TERMINAL.search(text):
        return False
    words = _WORDS.findall(text.lower())
    return len(text) >= (limit or text_limit()) - 5 or (bool(words) and words[-1] in DANGLING)


def degenerate(sentences: Sequence) -> str | None:
    """Why the model's answer sentences (objects with .text) are unusable, or None when they read as prose."""
    for sentence in sentences:
        if repeats_itself(sentence.text):
            return "it repeats itself"
        if cut_off(sentence.text):
            return "a sentence is cut off"
    return None
