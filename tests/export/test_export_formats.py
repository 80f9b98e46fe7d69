"""export_map: every format written, re-read, atomic, and a clear error for unknown formats."""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.export import FORMATS, default_filename, export_map
from assistant.models import JourneyMap
from tests.export.export_bigmap import make_big_map
from tests.mapfixtures import make_map


def test_formats_listed():
    assert FORMATS == ("json", "md", "csv", "html", "png")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_written_to_the_given_path(tmp_path: Path, fmt: str):
    units, journey_map = make_map()
    target = tmp_path / "out" / f"map.{fmt}"
    written = export_map(journey_map, units, fmt, target)
    assert written == target
    assert target.stat().st_size > 0
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_json_round_trips_to_an_equal_map(tmp_path: Path):
    units, journey_map = make_map()
    path = export_map(journey_map, units, "json", tmp_path / "map.json")
    text = path.read_text(encoding="utf-8")
    assert JourneyMap.model_validate_json(text) == journey_map
    # still grounded against the corpus after the round trip
    assert JourneyMap.model_validate(json.loads(text), context={"units": units}) == journey_map


def test_png_is_a_valid_png_of_fixed_size(tmp_path: Path):
    units, journey_map = make_big_map()
    path = export_map(journey_map, units, "png", tmp_path / "map.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1320, 900)
    assert data.endswith(b"IEND\xaeB`\x82")


def test_png_is_deterministic(tmp_path: Path):
    units, journey_map = make_map()
    first = export_map(journey_map, units, "png", tmp_path / "a.png").read_bytes()
    second = export_map(journey_map, units, "png", tmp_path / "b.png").read_bytes()
    assert first == second


def test_folder_target_gets_default_name(tmp_path: Path):
    units, journey_map = make_map()
    written = export_map(journey_map, units, "md", tmp_path)
    assert written == tmp_path / default_filename(journey_map, "md") == tmp_path / "map-test-v1.md"
    assert written.read_text(encoding="utf-8").startswith("# Test map")


def test_format_name_is_case_insensitive_and_markdown_is_an_alias(tmp_path: Path):
    units, journey_map = make_map()
    assert export_map(journey_map, units, "HTML", tmp_path / "a.html").exists()
    assert export_map(journey_map, units, "markdown", tmp_path / "a.md").read_text(encoding="utf-8").startswith("# ")


def test_unknown_format_is_a_config_error_listing_valid_ones(tmp_path: Path):
    units, journey_map = make_map()
    with pytest.raises(ConfigError) as info:
        export_map(journey_map, units, "pdf", tmp_path / "map.pdf")
    message = str(info.value)
    assert "'pdf'" in message
    for fmt in FORMATS:
        assert fmt in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["md", "png"])
def test_failed_write_keeps_old_file_and_leaves_no_temp_files(tmp_path: Path, monkeypatch, fmt: str):
    units, journey_map = make_map()
    target = tmp_path / f"map.{fmt}"
    target.write_bytes(b"old contents")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        export_map(journey_map, units, fmt, target)
    assert target.read_bytes() == b"old contents"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_overwrite_replaces_whole_file(tmp_path: Path):
    units, journey_map = make_big_map()
    target = tmp_path / "map.csv"
    target.write_text("x" * 1_000_000, encoding="utf-8")
    export_map(journey_map, units, "csv", target)
    assert "x" * 100 not in target.read_text(encoding="utf-8-sig")
    assert [p.name for p in tmp_path.iterdir()] == ["map.csv"]


def test_png_copes_with_mathtext_and_long_names(tmp_path: Path):
    units, journey_map = make_big_map()
    stage = journey_map.stages[0].model_copy(update={"name": "$x^2$ pricing page " + "very long name " * 5})
    odd = journey_map.model_copy(update={"title": "Costs $5 $\\alpha", "stages": [stage, *journey_map.stages[1:]]})
    data = export_map(odd, units, "png", tmp_path / "odd.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1320, 900)


@pytest.mark.parametrize("fmt", ["md", "csv", "html"])
def test_quotes_of_units_missing_from_the_corpus_still_export(tmp_path: Path, fmt: str):
    _, journey_map = make_map()
    text = export_map(journey_map, {}, fmt, tmp_path / f"map.{fmt}").read_text(encoding="utf-8-sig")
    assert "unknown source" in text and "The checkout kept crashing" in text
