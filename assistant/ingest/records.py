"""Records (table rows, JSON objects) to units: pick the text, id and respondent fields; the rest is metadata."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from assistant.errors import IngestError
from assistant.ingest.options import ReadContext
from assistant.ingest.units import span_units
from assistant.models import FeedbackUnit, MetaValue

TEXT_NAMES = ("text", "comment", "comments", "feedback", "review", "review_text", "reviews", "answer", "response",
              "message", "body", "content", "verbatim", "description", "note", "notes", "transcript", "utterance", "quote")
RESPONDENT_NAMES = ("respondent", "respondent_id", "customer_id", "customer", "user", "user_id", "userid", "username",
                    "reviewer", "reviewer_id", "reviewer_name", "author", "author_id", "participant", "participant_id",
                    "client_id", "customer_name")
ID_NAMES = ("id", "record_id", "row_id", "response_id", "review_id", "ticket_id", "comment_id", "message_id", "uuid")
_INT = re.compile(r"[+-]?(?:0|[1-9]\d{0,17})")
_FLOAT = re.compile(r"[+-]?(?:(?:0|[1-9]\d*)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")  # "02139" stays text


@dataclass(frozen=True)
class Fields:
    """Which field holds the text, the record id and the respondent."""

    text: str
    id: Optional[str]
    respondent: Optional[str]


def _norm(name: str) -> str:
    return re.sub(r"[\s.\-]+", "_", name.strip().lower())


def _by_name(columns: Sequence[str], names: Sequence[str]) -> list[str]:
    """Columns whose normalised name (or last dotted part) is in `names`, in priority order."""
    normed = {c: (_norm(c), _norm(c.rsplit(".", 1)[-1])) for c in columns}
    return [c for wanted in names for c, (full, last) in normed.items() if wanted in (full, last)]


def _first(found: list[str]) -> Optional[str]:
    return found[0] if found else None


def _text_like(values: list[Any]) -> tuple[float, bool]:
    """(average length, looks like prose) for a column's values."""
    strings = [v.strip() for v in values if isinstance(v, str) and v.strip() and not _is_number(v)]
    if not strings or len(strings) * 2 < len([v for v in values if v not in (None, "")]):
        return 0.0, False
    avg = sum(len(s) for s in strings) / len(strings)
    spaced = sum(1 for s in strings if " " in s) / len(strings)
    return avg, avg >= 12 and spaced >= 0.5


def detect_fields(columns: Sequence[str], rows: list[dict[str, Any]], ctx: ReadContext) -> Fields:
    """Text/id/respondent fields: from options, else by header name, else the longest prose-like column."""
    opts = ctx.options
    for option, value in (("text_column", opts.text_column), ("id_column", opts.id_column), ("respondent_column", opts.respondent_column)):
        if value is not None and value not in columns:
            raise IngestError(ctx.path, f"{option} {value!r} not found; columns are: {', '.join(columns)}",
                              f"pick one of those with --{option.replace('_', '-')}")
    sample = rows[:500]
    scores = {c: _text_like([r.get(c) for r in sample]) for c in columns}
    named = [c for c in _by_name(columns, TEXT_NAMES) if scores[c][0] > 0]
    worded = [c for c in columns if scores[c][1] and set(_norm(c).split("_")) & set(TEXT_NAMES)]
    text = opts.text_column or _first(named) or _first(worded)
    if text is None:
        prose = [(avg, c) for c, (avg, ok) in scores.items() if ok]
        if not prose:
            raise IngestError(ctx.path, f"no text column found among: {', '.join(columns)}",
                              "name the column holding the feedback with --text-column")
        text = max(prose)[1]
    rest = [c for c in columns if c != text]
    return Fields(
        text=text,
        id=opts.id_column or _first(_by_name(rest, ID_NAMES)) or _unnamed_index(rest, sample),
        respondent=opts.respondent_column or _first(_by_name(rest, RESPONDENT_NAMES)),
    )


def _unnamed_index(columns: Sequence[str], rows: list[dict[str, Any]]) -> Optional[str]:
    """A first column with a blank header and unique values (a pandas index) serves as the record id."""
    if not columns or columns[0] != "column_1":
        return None
    values = [str(r.get(columns[0]) or "").strip() for r in rows]
    return columns[0] if all(values) and len(set(values)) == len(values) else None


def _is_number(value: str) -> bool:
    return bool(_INT.fullmatch(value.strip()) or _FLOAT.fullmatch(value.strip()))


def coerce(value: Any) -> MetaValue:
    """A metadata value: numbers parsed from strings; formulas, dates and the rest kept as text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**63 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if not isinstance(value, str):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    stripped = value.strip()
    if not stripped:
        return None
    if _INT.fullmatch(stripped):
        return int(stripped)
    if _FLOAT.fullmatch(stripped):
        number = float(stripped)
        return number if math.isfinite(number) else stripped
    return value


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(coerce(value))


def records_to_units(
    rows: Sequence[Optional[dict[str, Any]]], columns: Sequence[str], kind: str, ctx: ReadContext, fields: Optional[Fields] = None
) -> list[FeedbackUnit]:
    """One unit per record with non-empty text (several when the text is long); a None row was
    skipped (and reported) by the reader and only keeps the positions of the rows after it."""
    present = [r for r in rows if r is not None]
    fields = fields or detect_fields(columns, present, ctx)
    ids = {i: _as_text(r.get(fields.id)).strip() for i, r in enumerate(rows) if r is not None} if fields.id else {}
    keyed = bool(ids) and all(ids.values()) and len(set(ids.values())) == len(ids)
    units: list[FeedbackUnit] = []
    empty = 0
    for index, row in enumerate(rows):
        if row is None:
            continue
        text = _as_text(row.get(fields.text))
        if not text.strip():
            empty += 1
            continue
        respondent = _as_text(row.get(fields.respondent)).strip() if fields.respondent else ""
        if not respondent and ids.get(index):
            # one row of an export is one respondent; a record id only identifies it within its file
            # (two surveys both number rows 1, 2, ...), unlike a named respondent column
            respondent = f"{ctx.source} {fields.id}={ids[index]}"
        metadata = {k: coerce(v) for k, v in row.items() if k != fields.text}
        units += span_units(
            source=ctx.source, text=text, start=0, end=len(text), kind=kind, index=index,
            respondent=respondent or None, metadata=metadata, field=fields.text,
            record_key=ids[index] if keyed else None, sentences=ctx.options.sentences,
        )
    if empty:
        ctx.warn(f"{empty} record(s) with an empty {fields.text!r} field skipped")
    return units
