"""Sentence-boundary splitting of long texts into chunks, keeping character offsets."""

from __future__ import annotations

import math
import re
from functools import lru_cache

MAX_TOKENS = 200
MIN_SENTENCE_WORDS = 3
_SENTENCE_ENDS = (".", "!", "?", "\u2026", ")", '"', "'", "\u201d", "\u2019", "\u3002", "\uff01", "\uff1f")
_WINDOW_CHARS = 1000  # pysbd is quadratic in input length; feed it windows of about this size
# end punctuation after a 3+ letter word (not "Dr." or "e.g."), then space, then a likely sentence start
_REGEX_BOUNDARY = re.compile(
    r"(?:(?<=[^\s.]{3}[.!?])|(?<=[\u3002\uff01\uff1f]))[\"'\u201d\u2019)\]]*\s+(?=[^\s\da-z])"
)
_WORD = re.compile(r"\S+")


def count_tokens(text: str) -> int:
    """Cheap token estimate: 1.3 per whitespace word, at least one per 6 characters (for CJK)."""
    return max(math.ceil(len(text.split()) * 1.3), math.ceil(len(text) / 6))


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in `text`, whitespace-trimmed, in order."""
    spans: list[tuple[int, int]] = []
    for w_start, w_end in _windows(text):
        spans += _pysbd_spans(text, w_start, w_end) or _regex_spans(text, w_start, w_end)
    return spans


def sentence_chunks(text: str, start: int, end: int, max_tokens: int = MAX_TOKENS) -> list[tuple[int, int]]:
    """Each sentence of text[start:end] as its own span (an over-long one cut at words).

    A fragment joins the sentence before it: a piece of fewer than MIN_SENTENCE_WORDS words ("it?"),
    or one after a line that ends without sentence punctuation (a review wrapped mid-sentence).
    """
    start, end = _trim(text, start, end)
    if start >= end:
        return []
    spans: list[tuple[int, int]] = []
    for s, e in ((start + s, start + e) for s, e in sentence_spans(text[start:end])):
        if spans and _continues(text, spans[-1], (s, e)) and count_tokens(text[spans[-1][0] : e]) <= max_tokens:
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    if len(spans) > 1 and len(text[spans[0][0] : spans[0][1]].split()) < MIN_SENTENCE_WORDS:
        spans[:2] = [(spans[0][0], spans[1][1])]  # a short opening ("Wow!") joins the sentence after it
    return [piece for s, e in spans for piece in _hard_split(text, s, e, max_tokens)]


def _continues(text: str, before: tuple[int, int], piece: tuple[int, int]) -> bool:
    return len(text[piece[0] : piece[1]].split()) < MIN_SENTENCE_WORDS or not text[before[0] : before[1]].endswith(_SENTENCE_ENDS)


def chunk_spans(text: str, start: int, end: int, max_tokens: int = MAX_TOKENS) -> list[tuple[int, int]]:
    """Split text[start:end] into sentence-aligned chunks of at most ~max_tokens each."""
    start, end = _trim(text, start, end)
    if start >= end:
        return []
    total = count_tokens(text[start:end])
    if total <= max_tokens:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    for s, e in sentence_spans(text[start:end]):
        pieces += _hard_split(text, start + s, start + e, max_tokens)
    target = total / math.ceil(total / max_tokens)
    chunks: list[tuple[int, int]] = []
    cur_start, cur_end, cur_tokens = pieces[0][0], pieces[0][1], count_tokens(text[pieces[0][0] : pieces[0][1]])
    for s, e in pieces[1:]:
        tokens = count_tokens(text[s:e])
        if cur_tokens >= target or cur_tokens + tokens > max_tokens:
            chunks.append((cur_start, cur_end))
            cur_start, cur_tokens = s, 0
        cur_end, cur_tokens = e, cur_tokens + tokens
    chunks.append((cur_start, cur_end))
    return chunks


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _windows(text: str) -> list[tuple[int, int]]:
    """Cut text into windows of about _WINDOW_CHARS at regex sentence boundaries (or spaces)."""
    windows, start = [], 0
    while len(text) - start > _WINDOW_CHARS:
        limit = start + _WINDOW_CHARS
        cut = max((m.end() for m in _REGEX_BOUNDARY.finditer(text, start + _WINDOW_CHARS // 2, limit)), default=-1)
        if cut <= start:
            cut = text.rfind(" ", start + 1, limit) + 1 or limit
        windows.append((start, cut))
        start = cut
    windows.append((start, len(text)))
    return windows


def _pysbd_spans(text: str, w_start: int, w_end: int) -> list[tuple[int, int]]:
    """Sentence spans from pysbd, re-located in the text; [] when pysbd output cannot be mapped."""
    try:
        sentences = _segmenter().segment(text[w_start:w_end])
    except Exception:  # pysbd has crashed on odd inputs; the regex splitter is a fine fallback
        return []
    spans, cursor = [], w_start
    for sentence in sentences:
        sentence = sentence.strip()
        if not sentence:
            continue
        pos = text.find(sentence, cursor, w_end)
        if pos < 0:
            return []
        spans.append((pos, pos + len(sentence)))
        cursor = pos + len(sentence)
    return spans


def _regex_spans(text: str, w_start: int, w_end: int) -> list[tuple[int, int]]:
    spans, start = [], w_start
    for m in _REGEX_BOUNDARY.finditer(text, w_start, w_end):
        spans.append(_trim(text, start, m.end()))
        start = m.end()
    spans.append(_trim(text, start, w_end))
    return [(s, e) for s, e in spans if s < e]


def _hard_split(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    """Split one over-long sentence at word boundaries (or characters, for unspaced scripts)."""
    if count_tokens(text[start:end]) <= max_tokens:
        return [(start, end)]
    words = [(m.start(), m.end()) for m in _WORD.finditer(text, start, end)]
    per_piece = max(1, int(max_tokens / 1.3))
    pieces = []
    for i in range(0, len(words), per_piece):
        group = words[i : i + per_piece]
        pieces += _char_split(text, group[0][0], group[-1][1], max_tokens)
    return pieces


def _char_split(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    size = max_tokens * 6
    pieces = []
    for s in range(start, end, size):
        s2, e2 = _trim(text, s, min(s + size, end))
        if s2 < e2:
            pieces.append((s2, e2))
    return pieces
