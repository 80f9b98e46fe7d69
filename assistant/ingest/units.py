"""Turning a located span of text into FeedbackUnits (trimmed, split when long, with stable ids)."""

from __future__ import annotations

from typing import Optional

from assistant.ingest.split import chunk_spans, sentence_chunks
from assistant.models import FeedbackUnit, Locator, MetaValue, SpeakerRole, unit_id_for


def span_units(
    *,
    source: str,
    text: str,
    start: int,
    end: int,
    kind: str,
    index: int,
    respondent: Optional[str] = None,
    role: SpeakerRole = "respondent",
    metadata: Optional[dict[str, MetaValue]] = None,
    page: Optional[int] = None,
    field: Optional[str] = None,
    record_key: Optional[str] = None,
    sentences: bool = False,
) -> list[FeedbackUnit]:
    """Units for text[start:end]: one, or several sentence-aligned parts when it is long; with
    `sentences`, one per sentence.

    `record_key` (a record id from the source) replaces the position in the id hash, so
    ids survive reordering of rows. The parts of one text share its respondent: when none is
    named, the text itself (e.g. "survey.csv row 12") is the respondent, so prevalence counts
    a review split into sentences once and persona lists name a row, never a unit id. Units of
    other roles (interviewer, agent, a transcript's header) have no respondent unless named.
    """
    units = []
    spans = sentence_chunks(text, start, end) if sentences else chunk_spans(text, start, end)
    if respondent is None and role == "respondent":
        respondent = f"{source} {Locator(kind=kind, index=index, char_start=0, char_end=0).label()}"
    for part, (s, e) in enumerate(spans):
        locator = Locator(kind=kind, index=index, part=part, char_start=s, char_end=e, page=page, field=field)
        key = locator.label() if record_key is None else f"{kind} id={record_key}" + (f" part {part + 1}" if part else "")
        unit_text = text[s:e]
        units.append(
            FeedbackUnit(
                id=unit_id_for(source, key, unit_text),
                text=unit_text,
                source=source,
                locator=locator,
                respondent=respondent,
                speaker_role=role,
                metadata=dict(metadata or {}),
            )
        )
    return units
