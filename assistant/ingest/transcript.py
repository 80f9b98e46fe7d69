"""Speaker turns ("Maya: ...", "Q:/A:", "**Interviewer:**") and plain paragraphs in running text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from assistant.models import SpeakerRole

_LABEL = re.compile(
    r"^[ \t]*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?[\])]?[ \t]+)?"  # optional leading timestamp
    r"(?:\*\*|__)?(?P<name>[^\W\d_][\w.'\u2019\-]*(?:[ \t]+[\w.'\u2019\-]+){0,3}?)"  # 1-4 words
    r"(?:[ \t]*[\[(](?P<tag>[^\])\n]{1,30})[\])])?"  # optional "(Interviewer)" or "[00:01:02]"
    r"[ \t]*(?:\*\*|__)?:(?:\*\*|__)?(?=[ \t]|$)",
    re.M,
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_HEADING_ONLY = re.compile(r"(?:[ \t]*(?:#{1,6}[ \t].*|[-*_=]{3,}[ \t]*)(?:\n|$))+")
_Q_LABELS = frozenset({"q", "question", "i", "int"})
_INTERVIEWER_WORDS = frozenset({"interviewer", "moderator", "researcher", "facilitator", "host", "interviewers"})
_AGENT_WORDS = frozenset({"agent", "support", "rep", "representative", "csr", "advisor", "adviser", "operator", "bot", "assistant", "staff"})
_GENERIC = frozenset({"a", "answer", "r", "respondent", "participant", "interviewee", "customer", "user", "client", "caller", "p"})
_NUMBERED = re.compile(r"(?:speaker|participant|respondent|p|r|user|customer|caller)[ \t]*\d+", re.I)


@dataclass(frozen=True)
class Segment:
    """A span of text; speaker is None for a plain paragraph."""

    start: int
    end: int
    speaker: Optional[str] = None
    tag: Optional[str] = None


def _labels(text: str) -> Iterator[re.Match[str]]:
    for match in _LABEL.finditer(text):
        if match.group("name")[0].isupper() and len(match.group("name")) <= 40:
            yield match


def paragraph_spans(text: str, start: int = 0, end: Optional[int] = None) -> list[tuple[int, int]]:
    """Blank-line separated blocks of text[start:end], skipping markdown headings and rules."""
    end = len(text) if end is None else end
    spans, cursor = [], start
    for gap in list(_BLANK_LINES.finditer(text, start, end)) + [None]:
        stop = gap.start() if gap else end
        block = text[cursor:stop]
        if block.strip() and not _HEADING_ONLY.fullmatch(block.strip() + "\n"):
            spans.append((cursor, stop))
        cursor = gap.end() if gap else end
    return spans


def is_transcript(text: str) -> bool:
    """True when speaker labels recur, name known roles, or start most paragraphs."""
    names = [m.group("name").lower() for m in _labels(text)]
    if len(names) < 2:
        return False
    known = any(speaker_role(n, None) != "respondent" or n in _GENERIC for n in names)
    return len(set(names)) < len(names) or known or len(names) * 2 >= len(paragraph_spans(text))


def segments(text: str, transcript: bool, carry: Optional[str] = None, carry_tag: Optional[str] = None) -> list[Segment]:
    """Turns (transcript) or paragraphs; text before the first label continues `carry` if given."""
    if not transcript:
        return [Segment(s, e) for s, e in paragraph_spans(text)]
    found = list(_labels(text))
    first = found[0].start() if found else len(text)
    if carry is not None:
        out = [Segment(0, first, carry, carry_tag)] if text[:first].strip() else []
    else:
        out = [Segment(s, e) for s, e in paragraph_spans(text, 0, first)]
    for i, match in enumerate(found):
        stop = found[i + 1].start() if i + 1 < len(found) else len(text)
        out.append(Segment(match.end(), stop, match.group("name"), match.group("tag")))
    return out


def speaker_role(label: str, tag: Optional[str]) -> SpeakerRole:
    """interviewer for Interviewer/Moderator/Q/..., agent for Agent/Support/Rep/..., else respondent."""
    if label.strip().lower() in _Q_LABELS:
        return "interviewer"
    words = set(re.findall(r"[a-z]+", f"{label} {tag or ''}".lower()))
    if words & _INTERVIEWER_WORDS:
        return "interviewer"
    if words & _AGENT_WORDS:
        return "agent"
    return "respondent"


def respondent_for(label: str, stem: str, tag: Optional[str] = None) -> Optional[str]:
    """Who a turn belongs to: the name, or the file stem for generic labels like 'A' or 'Participant';
    None for interviewer and agent turns (they are not respondents)."""
    low = label.strip().lower()
    if speaker_role(label, tag) != "respondent":
        return None
    if low in _GENERIC:
        return stem
    if _NUMBERED.fullmatch(low):
        return f"{stem}:{label}"
    return label
