"""Readers for .vtt and .srt: consecutive cues of one speaker merge into a turn; unlabelled cues stay cues.

Offsets point into the transcript text: the cleaned cue texts (voice tags and "Name:" prefixes
removed) joined by newlines, as returned by `subtitle_text`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Optional

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from assistant.errors import IngestError
from assistant.ingest.decode import decode_bytes
from assistant.ingest.options import ReadContext
from assistant.ingest.transcript import respondent_for, speaker_role
from assistant.ingest.units import span_units
from assistant.models import FeedbackUnit

_PREFIX = re.compile(r"^[ \t]*(?:-[ \t]*)?(?P<name>[^\W\d_][\w.'\u2019\-]*(?:[ \t]+[\w.'\u2019\-]+){0,3}?)[ \t]*:[ \t]+")
_ARROW = re.compile(r"-->")


@dataclass
class Cue:
    text: str
    speaker: Optional[str]
    start: str
    end: str


def _cues(text: str, fmt: str, ctx: ReadContext) -> list[Cue]:
    try:
        captions = webvtt.from_buffer(io.StringIO(text), format=fmt, strict=True)
    except (MalformedCaptionError, MalformedFileError, ValueError) as exc:
        raise IngestError(ctx.path, f"not a valid .{fmt} file: {exc}", "check the header and the cue timestamps (HH:MM:SS.mmm --> HH:MM:SS.mmm)") from exc
    arrows = len(_ARROW.findall(text))
    if fmt == "srt" and len(captions) < arrows:
        raise IngestError(ctx.path, f"{arrows - len(captions)} of {arrows} cue(s) have broken timestamps",
                          "fix the cue timing lines (HH:MM:SS,mmm --> HH:MM:SS,mmm)")
    cues = []
    for caption in captions:
        body, speaker = caption.text.strip(), caption.voice
        prefix = _PREFIX.match(body) if speaker is None else None
        if prefix and prefix.group("name")[0].isupper():
            speaker, body = prefix.group("name"), body[prefix.end() :].strip()
        if body:
            cues.append(Cue(body, speaker.strip() if speaker else None, str(caption.start), str(caption.end)))
    return cues


def subtitle_text(cues: list[Cue]) -> str:
    """The transcript text that unit offsets point into."""
    return "\n".join(cue.text for cue in cues)


def _read(data: bytes, ctx: ReadContext, fmt: str) -> list[FeedbackUnit]:
    cues = _cues(decode_bytes(data, ctx.path, ctx.options.encoding, ctx.warn).lstrip("\ufeff"), fmt, ctx)
    text = subtitle_text(cues)
    units: list[FeedbackUnit] = []
    offset, i, turns, plain = 0, 0, 0, 0
    while i < len(cues):
        j = i + 1
        if cues[i].speaker is not None:
            while j < len(cues) and cues[j].speaker == cues[i].speaker:
                j += 1
        end = offset + len(subtitle_text(cues[i:j]))
        speaker = cues[i].speaker
        meta = {"start": cues[i].start, "end": cues[j - 1].end}
        if speaker is None:
            units += span_units(source=ctx.source, text=text, start=offset, end=end, kind="cue", index=plain, metadata=meta)
            plain += 1
        else:
            units += span_units(source=ctx.source, text=text, start=offset, end=end, kind="turn", index=turns,
                                respondent=respondent_for(speaker, ctx.stem), role=speaker_role(speaker, None),
                                metadata={"speaker": speaker, **meta}, sentences=ctx.options.sentences)
            turns += 1
        offset, i = end + 1, j
    return units


def read_vtt(data: bytes, ctx: ReadContext) -> list[FeedbackUnit]:
    """Read a WebVTT file."""
    return _read(data, ctx, "vtt")


def read_srt(data: bytes, ctx: ReadContext) -> list[FeedbackUnit]:
    """Read a SubRip file."""
    return _read(data, ctx, "srt")
