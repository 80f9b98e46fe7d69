"""FeedbackUnit <-> Chroma record: the unit's text and every other field are flat scalar metadata keys.

The text is kept under "text", not as Chroma's document: Chroma indexes every document for its
full-text `where_document` filter (an FTS5 trigram table), which we never query (search runs our
own BM25), and that index was a quarter of each write. Records written by earlier versions hold
the text as their document; they are read from it.

The flat keys are lossless: Chroma stores no None values, so the metadata columns whose value is
None are listed under "none_keys". The locator's offsets (part, char_start, char_end) are provenance,
not filters, so they share one key, "loc.span" = "part:start:end": every key costs each write.
Records written by earlier versions also carry the whole unit as JSON under "unit_json"; they are
read from it, and lose it when their source is re-ingested.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from assistant.models import FeedbackUnit, Locator

UNIT_JSON = "unit_json"
TEXT_KEY = "text"
NONE_KEYS = "none_keys"
META_PREFIX = "m."
LOCATOR_PREFIX = "loc."
SPAN_KEY = LOCATOR_PREFIX + "span"
SPAN_FIELDS = ("part", "char_start", "char_end")
CORE_KEYS = ("source", "respondent", "speaker_role")
# Keys a record gets from its unit; everything else on a record is a label (stage, persona, ...).
RESERVED_LABEL_KEYS = frozenset({*CORE_KEYS, TEXT_KEY, UNIT_JSON, NONE_KEYS})
HIDDEN_KEYS = (TEXT_KEY, UNIT_JSON, NONE_KEYS)  # bookkeeping, not shown as a hit's metadata or offered as a filter

Scalar = str | int | float | bool


def _scalar(value: Any) -> Scalar | None:
    """Chroma takes str/int/float/bool only: None is dropped, anything else becomes a string."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def unit_metadata(unit: FeedbackUnit) -> dict[str, Scalar]:
    """Flat filterable metadata of a unit: with its id and text it is the whole unit."""
    flat: dict[str, Any] = {"source": unit.source, "respondent": unit.respondent, "speaker_role": unit.speaker_role}
    locator = unit.locator.model_dump()
    flat[SPAN_KEY] = ":".join(str(locator.pop(name)) for name in SPAN_FIELDS)
    for key, value in locator.items():
        flat[LOCATOR_PREFIX + key] = value
    for key, value in unit.metadata.items():
        flat[META_PREFIX + key] = value
    out = {key: scaled for key, value in flat.items() if (scaled := _scalar(value)) is not None}
    empty = [key for key, value in unit.metadata.items() if value is None]
    if empty:
        out[NONE_KEYS] = json.dumps(empty, ensure_ascii=False)
    return out


def record_metadata(unit: FeedbackUnit) -> dict[str, Scalar]:
    """Everything Chroma stores for a unit besides its id and vector: the filterable keys and the text."""
    return {**unit_metadata(unit), TEXT_KEY: unit.text}


def record_text(document: str | None, metadata: Mapping[str, Any] | None) -> str:
    """A record's text: its "text" key, or the document of a record written by an earlier version."""
    return str((metadata or {}).get(TEXT_KEY) or document or "")


def is_unit_key(key: str) -> bool:
    """True for keys derived from the unit itself (replaced on re-ingest); False for labels."""
    return key in RESERVED_LABEL_KEYS or key.startswith((META_PREFIX, LOCATOR_PREFIX))


def unit_from_record(unit_id: str, document: str | None, metadata: Mapping[str, Any]) -> FeedbackUnit:
    """The exact FeedbackUnit stored as this record (id, document and metadata)."""
    if UNIT_JSON in metadata:  # written before the flat keys were lossless
        return FeedbackUnit.model_validate_json(metadata[UNIT_JSON])
    locator = {key[len(LOCATOR_PREFIX) :]: value for key, value in metadata.items() if key.startswith(LOCATOR_PREFIX)}
    if SPAN_KEY in metadata:
        locator.update(zip(SPAN_FIELDS, map(int, locator.pop("span").split(":"))))
    extra = {key[len(META_PREFIX) :]: value for key, value in metadata.items() if key.startswith(META_PREFIX)}
    extra.update(dict.fromkeys(json.loads(metadata.get(NONE_KEYS, "[]"))))
    return FeedbackUnit(
        id=unit_id,
        text=record_text(document, metadata),
        source=metadata["source"],
        locator=Locator(**locator),
        respondent=metadata.get("respondent"),
        speaker_role=metadata["speaker_role"],
        metadata=extra,
    )


def public_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """A record's metadata without the bookkeeping keys, as shown on search hits."""
    return {k: v for k, v in (metadata or {}).items() if k not in HIDDEN_KEYS}


def check_label_key(key: str) -> None:
    """Label keys (stage, persona, ...) must not shadow keys that come from the unit."""
    if not key or is_unit_key(key) or key.startswith("$"):
        raise ValueError(
            f"'{key}' cannot be a label key: it is reserved for unit fields "
            f"({', '.join(CORE_KEYS)}, {LOCATOR_PREFIX}*, {META_PREFIX}*, {', '.join(HIDDEN_KEYS)}); use a name like 'stage'"
        )
