"""Reader for .txt and .md: speaker turns when the text is a transcript, else paragraphs."""

from __future__ import annotations

from typing import Optional

from assistant.ingest.decode import decode_bytes
from assistant.ingest.options import ReadContext
from assistant.ingest.transcript import is_transcript, respondent_for, segments, speaker_role
from assistant.ingest.units import span_units
from assistant.models import FeedbackUnit


class TextUnits:
    """Turns running text (one document, possibly over several pages) into units with running indexes."""

    def __init__(self, ctx: ReadContext, transcript: bool):
        self.ctx = ctx
        self.transcript = transcript
        self.turns = 0
        self.paragraphs = 0
        self.speaker: Optional[str] = None
        self.tag: Optional[str] = None

    def add(self, text: str, page: Optional[int] = None) -> list[FeedbackUnit]:
        """Units for one text (a page continues the previous page's last speaker)."""
        units: list[FeedbackUnit] = []
        for seg in segments(text, self.transcript, self.speaker, self.tag):
            if not text[seg.start : seg.end].strip():
                continue
            if seg.speaker is None:
                # in a transcript, text outside any turn (the title, "Interview with ... conducted by ...",
                # a date/interviewer block) describes the document: role unknown keeps it out of the evidence
                units += span_units(source=self.ctx.source, text=text, start=seg.start, end=seg.end, kind="paragraph",
                                    index=self.paragraphs, page=page, role="unknown" if self.transcript else "respondent",
                                    sentences=self.ctx.options.sentences)
                self.paragraphs += 1
                continue
            self.speaker, self.tag = seg.speaker, seg.tag
            meta = {"speaker": seg.speaker} if not seg.tag else {"speaker": seg.speaker, "speaker_tag": seg.tag}
            units += span_units(
                source=self.ctx.source, text=text, start=seg.start, end=seg.end, kind="turn", index=self.turns,
                respondent=respondent_for(seg.speaker, self.ctx.stem, seg.tag), role=speaker_role(seg.speaker, seg.tag),
                metadata=meta, page=page, sentences=self.ctx.options.sentences,
            )
            self.turns += 1
        return units


def text_units(text: str, ctx: ReadContext) -> list[FeedbackUnit]:
    """Units of one decoded text, offsets into `text`."""
    return TextUnits(ctx, is_transcript(text)).add(text)


def read_text(data: bytes, ctx: ReadContext) -> list[FeedbackUnit]:
    """Read a .txt/.md file."""
    return text_units(decode_bytes(data, ctx.path, ctx.options.encoding, ctx.warn), ctx)
