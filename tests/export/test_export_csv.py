"""CSV export: one row per claim x evidence, provenance columns, formula injection neutralised."""

from __future__ import annotations

import csv
from pathlib import Path

from assistant.export import export_map
from assistant.export.csv_table import COLUMNS, neutralise
from tests.export.export_bigmap import FORMULA, HOSTILE, make_big_map
from tests.mapfixtures import make_map


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_one_row_per_claim_evidence_with_provenance(tmp_path: Path):
    units, journey_map = make_map()
    rows = _read(export_map(journey_map, units, "csv", tmp_path / "map.csv"))
    assert len(rows) == sum(len(claim.evidence) for _, claim in journey_map.all_claims())
    assert list(rows[0]) == list(COLUMNS)
    crash = [r for r in rows if r["claim_id"] == "pp-purchase-1"]
    assert [r["quote"] for r in crash] == ["The checkout kept crashing", "Promo code FREESHIP never applied"]
    first = crash[0]
    unit = units[first["unit_id"]]
    assert (first["source"], first["respondent"], first["locator"]) == (unit.source, unit.respondent, "row 1")
    assert first["location"] == "stages.purchase.pain_points"
    assert (first["prevalence_units"], first["prevalence_respondents"], first["kind"]) == ("2", "2", "observed")
    assert unit.text[int(first["quote_start"]):int(first["quote_end"])] == first["quote"]
    persona_rows = [r for r in rows if r["location"].startswith("personas.persona-1.")]
    assert [r["claim_id"] for r in persona_rows] == ["fr-persona-1"]


def test_formula_cells_are_neutralised(tmp_path: Path):
    units, journey_map = make_big_map()
    rows = _read(export_map(journey_map, units, "csv", tmp_path / "map.csv"))
    assert len(rows) == sum(len(claim.evidence) for _, claim in journey_map.all_claims())
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    hostile = [r for r in rows if r["claim_id"] == "pp-purchase-x"]
    assert hostile and hostile[0]["claim_text"] == HOSTILE  # starts with '<', kept as is
    assert hostile[0]["origin"] == "extractive"
    dash_quote = [r["quote"] for r in rows if "5 stars" in r["quote"]]
    assert set(dash_quote) == {"'-5 stars. @support never answered\n# not a heading\n> not a quote"}
    formula = [r["claim_text"] for r in rows if r["claim_id"] == "tp-purchase"]
    assert formula == ["'" + FORMULA]


def test_neutralise_rules():
    assert neutralise("=SUM(A1)") == "'=SUM(A1)"
    assert neutralise("+1") == "'+1"
    assert neutralise("-1") == "'-1"
    assert neutralise("@cmd") == "'@cmd"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("plain = text") == "plain = text"
    assert neutralise(3) == "3"
    assert neutralise(None) == ""


def test_multiline_quotes_survive_the_csv_round_trip(tmp_path: Path):
    units, journey_map = make_big_map()
    rows = _read(export_map(journey_map, units, "csv", tmp_path / "map.csv"))
    by_text = {u.text: u for u in units.values()}
    multiline = next(u for u in by_text.values() if "\n" in u.text)
    quoted = [r for r in rows if r["unit_id"] == multiline.id]
    assert quoted and all(r["quote"] == "'" + multiline.text for r in quoted)
