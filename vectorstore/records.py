"""FeedbackUnit <-> Chroma record: flat scalar metadata plus the exact unit as JSON."""

from __future__ import annotations

from typing import Any, Mapping

from assistant.models import FeedbackUnit

UNIT_JSON = "unit_json"
META_PREFIX = "m."
LOCATOR_PREFIX = "loc."
CORE_KEYS = ("source", "respondent", "speaker_role")
# Keys a record gets from its unit; everything else on a record is a label (stage, persona, ...).
RESERVED_LABEL_KEYS = frozenset({*CORE_KEYS, UNIT_JSON})

Scalar = str | int | float | bool


def _scalar(value: Any) -> Scalar | None:
    """Chroma takes str/int/float/bool only: None is dropped, anything else becomes a string."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def unit_metadata(unit: FeedbackUnit) -> dict[str, Scalar]:
    """Flat filterable metadata of a unit, plus its full JSON under "unit_json"."""
    flat: dict[str, Any] = {"source": unit.source, "respondent": unit.respondent, "speaker_role": unit.speaker_role}
    for key, value in unit.locator.model_dump().items():
        flat[LOCATOR_PREFIX + key] = value
    for key, value in unit.metadata.items():
        flat[META_PREFIX + key] = value
    out = {key: scaled for key, value in flat.items() if (scaled := _scalar(value)) is not None}
    out[UNIT_JSON] = unit.model_dump_json()
    return out


def is_unit_key(key: str) -> bool:
    """True for keys derived from the unit itself (replaced on re-ingest); False for labels."""
    return key in RESERVED_LABEL_KEYS or key.startswith((META_PREFIX, LOCATOR_PREFIX))


def unit_from_metadata(metadata: Mapping[str, Any]) -> FeedbackUnit:
    """The exact FeedbackUnit stored in a record's metadata."""
    return FeedbackUnit.model_validate_json(metadata[UNIT_JSON])


def public_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """A record's metadata without the bulky unit JSON, as shown on search hits."""
    return {k: v for k, v in (metadata or {}).items() if k != UNIT_JSON}


def check_label_key(key: str) -> None:
    """Label keys (stage, persona, ...) must not shadow keys that come from the unit."""
    if not key or is_unit_key(key) or key.startswith("$"):
        raise ValueError(
            f"'{key}' cannot be a label key: it is reserved for unit fields "
            f"({', '.join(CORE_KEYS)}, {LOCATOR_PREFIX}*, {META_PREFIX}*, {UNIT_JSON}); use a name like 'stage'"
        )
