"""FeedbackUnit <-> Chroma record: `source`, the text and one JSON key holding every other field.

Chroma writes every metadata key of every record into its own index, and each key costs each write
(about 0.1 s per key per 3,600 records on 2 cores). A record therefore carries only three keys:
- "source": the one key Chroma filters on itself (replacing and removing a source);
- "text": the unit's text; not Chroma's document, which Chroma indexes for its full-text
  `where_document` filter (an FTS5 trigram table) that we never query (search runs our own BM25);
- "unit": JSON of the respondent, speaker role, locator and metadata columns, None values included.
Labels (stage, persona, ...) are written later as keys of their own.

Filters name the flat keys (respondent, speaker_role, loc.kind, loc.index, loc.field, m.<column>,
labels): `flat_metadata` gives them for a record of any layout, and the store evaluates a filter on
them in memory (vectorstore.filters.MetadataColumns) after Chroma has narrowed the read by its
`source` and label keys. The locator's offsets (part, char_start, char_end) are provenance, not
filters: they share one flat key, "loc.span" = "part:start:end".

Earlier versions wrote other layouts, all still read: every flat key as a Chroma key with the text
as its document or under "text" (None columns listed under "none_keys"), and before that the whole
unit as JSON under "unit_json". Re-ingesting a source rewrites its records in the current layout.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from assistant.models import FeedbackUnit, Locator

LAYOUT_VERSION = 3  # the record layout; benchmarks key their cached stores by it
UNIT_KEY = "unit"
UNIT_JSON = "unit_json"
TEXT_KEY = "text"
NONE_KEYS = "none_keys"
META_PREFIX = "m."
LOCATOR_PREFIX = "loc."
SPAN_KEY = LOCATOR_PREFIX + "span"
SPAN_FIELDS = ("part", "char_start", "char_end")
CORE_KEYS = ("source", "respondent", "speaker_role")
# Keys a record gets from its unit; everything else on a record is a label (stage, persona, ...).
RESERVED_LABEL_KEYS = frozenset({*CORE_KEYS, TEXT_KEY, UNIT_KEY, UNIT_JSON, NONE_KEYS})
HIDDEN_KEYS = (TEXT_KEY, UNIT_KEY, UNIT_JSON, NONE_KEYS)  # bookkeeping, not shown as a hit's metadata or offered as a filter

Scalar = str | int | float | bool


def _scalar(value: Any) -> Scalar | None:
    """Chroma takes str/int/float/bool only: None is dropped, anything else becomes a string."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def unit_metadata(unit: FeedbackUnit) -> dict[str, Scalar]:
    """Flat filterable keys of a unit (source, respondent, speaker_role, loc.*, m.*): what filters match."""
    return _flat_keys(unit.source, unit.respondent, unit.speaker_role, unit.locator.model_dump(), unit.metadata)


def _flat_keys(source: str, respondent: str | None, speaker_role: str, locator: dict[str, Any], metadata: Mapping[str, Any]) -> dict[str, Scalar]:
    flat: dict[str, Any] = {"source": source, "respondent": respondent, "speaker_role": speaker_role}
    flat[SPAN_KEY] = ":".join(str(locator.pop(name)) for name in SPAN_FIELDS)
    for key, value in locator.items():
        flat[LOCATOR_PREFIX + key] = value
    for key, value in metadata.items():
        flat[META_PREFIX + key] = value
    return {key: scaled for key, value in flat.items() if (scaled := _scalar(value)) is not None}


def record_metadata(unit: FeedbackUnit) -> dict[str, Scalar]:
    """Everything Chroma stores for a unit besides its id and vector: source, text and the "unit" JSON."""
    fields = {
        "respondent": unit.respondent,
        "speaker_role": unit.speaker_role,
        "locator": unit.locator.model_dump(),
        "metadata": {key: _scalar(value) for key, value in unit.metadata.items()},
    }
    return {"source": unit.source, TEXT_KEY: unit.text, UNIT_KEY: json.dumps(fields, ensure_ascii=False, separators=(",", ":"))}


def flat_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Scalar]:
    """A record's flat keys and labels, whichever layout wrote it: what hits show and filters match."""
    metadata = metadata or {}
    if UNIT_KEY not in metadata:
        return {k: v for k, v in metadata.items() if k not in HIDDEN_KEYS}
    fields = json.loads(metadata[UNIT_KEY])
    flat = _flat_keys(metadata["source"], fields["respondent"], fields["speaker_role"], fields["locator"], fields["metadata"])
    flat.update((k, v) for k, v in metadata.items() if not is_unit_key(k))
    return flat


def record_text(document: str | None, metadata: Mapping[str, Any] | None) -> str:
    """A record's text: its "text" key, or the document of a record written by an earlier version."""
    return str((metadata or {}).get(TEXT_KEY) or document or "")


def is_unit_key(key: str) -> bool:
    """True for keys derived from the unit itself (replaced on re-ingest); False for labels."""
    return key in RESERVED_LABEL_KEYS or key.startswith((META_PREFIX, LOCATOR_PREFIX))


def unit_from_record(unit_id: str, document: str | None, metadata: Mapping[str, Any]) -> FeedbackUnit:
    """The exact FeedbackUnit stored as this record (id, document and metadata)."""
    if UNIT_KEY in metadata:
        fields = json.loads(metadata[UNIT_KEY])
        return FeedbackUnit(
            id=unit_id,
            text=record_text(document, metadata),
            source=metadata["source"],
            locator=Locator(**fields["locator"]),
            respondent=fields["respondent"],
            speaker_role=fields["speaker_role"],
            metadata=fields["metadata"],
        )
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


def check_label_key(key: str) -> None:
    """Label keys (stage, persona, ...) must not shadow keys that come from the unit."""
    if not key or is_unit_key(key) or key.startswith("$"):
        raise ValueError(
            f"'{key}' cannot be a label key: it is reserved for unit fields "
            f"({', '.join(CORE_KEYS)}, {LOCATOR_PREFIX}*, {META_PREFIX}*, {', '.join(HIDDEN_KEYS)}); use a name like 'stage'"
        )
