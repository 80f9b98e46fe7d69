"""CSV export: one row per claim x evidence, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from typing import Iterator, Mapping

from assistant.export.common import quote_ref
from assistant.models import FeedbackUnit, JourneyMap

COLUMNS = (
    "map_id", "version", "location", "claim_id", "claim_text", "kind", "origin",
    "prevalence_units", "prevalence_respondents", "confidence",
    "unit_id", "quote", "source", "respondent", "locator", "quote_start", "quote_end",
)
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """The cell as text, prefixed with a single quote when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_rows(journey_map: JourneyMap, units: Mapping[str, FeedbackUnit]) -> Iterator[dict[str, object]]:
    """One dict per (claim, evidence) pair, in map order, with raw (not neutralised) values."""
    for location, claim in journey_map.all_claims():
        for evidence in claim.evidence:
            ref = quote_ref(evidence, units)
            yield {
                "map_id": journey_map.id, "version": journey_map.version, "location": location,
                "claim_id": claim.id, "claim_text": claim.text, "kind": claim.kind, "origin": claim.origin,
                "prevalence_units": claim.prevalence.units, "prevalence_respondents": claim.prevalence.respondents,
                "confidence": f"{claim.confidence:.3f}", "unit_id": ref.unit_id, "quote": ref.quote,
                "source": ref.source, "respondent": ref.respondent, "locator": ref.locator,
                "quote_start": ref.start, "quote_end": ref.end,
            }


def render_csv(journey_map: JourneyMap, units: Mapping[str, FeedbackUnit]) -> str:
    """The whole table as text (header + rows), every cell neutralised."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in csv_rows(journey_map, units):
        writer.writerow([neutralise(row[column]) for column in COLUMNS])
    return buffer.getvalue()
