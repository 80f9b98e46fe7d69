"""The benchmark runner's own logic: one table from per-area reports, failures reported, not hidden."""

import json
import sys
import types

import pytest

from bench import runner
from bench.machine import describe, machine_info


def _row(**overrides):
    row = {"area": "store", "measure": "hybrid p95, 100k", "value": "80 ms", "baseline": "vector 40 ms",
           "target": "<= 100 ms", "met": True, "limited_by": "Chroma"}
    row.update(overrides)
    return row


@pytest.fixture
def fake_area(monkeypatch):
    module = types.ModuleType("bench.bench_fake")
    module.summary_rows = lambda report: [_row(area="fake", value=f"{report['p95']} ms")]
    monkeypatch.setitem(sys.modules, "bench.bench_fake", module)
    return module


def test_rows_come_from_the_area_module_applied_to_its_json(fake_area, tmp_path):
    path = tmp_path / "fake.json"
    path.write_text(json.dumps({"p95": 87}))
    rows = runner.collect([runner.AreaRun("fake", "ok", 1.0, path)])
    assert rows == [_row(area="fake", value="87 ms")]


def test_a_failed_area_becomes_a_row_that_says_so_and_how_to_see_why(tmp_path):
    run = runner.AreaRun("store", "failed", 3.0, tmp_path / "store.json", error="bench_store.py failed (boom); run it alone to see why")
    [row] = runner.collect([run])
    assert row["met"] is False and row["value"] == "failed" and "run it alone" in row["limited_by"]


def test_a_row_missing_a_column_is_an_error_naming_the_area(fake_area, tmp_path):
    fake_area.summary_rows = lambda report: [{"area": "fake", "measure": "x"}]
    path = tmp_path / "fake.json"
    path.write_text("{}")
    with pytest.raises(ValueError, match=r"bench_fake.summary_rows.*'value'"):
        runner.area_rows("fake", path)


def test_markdown_table_has_machine_line_and_one_line_per_row():
    machine = {"cpu": "Test CPU", "cores": 2, "memory_gb": 24.0, "loadavg_at_start": [0.5, 0.4, 0.3], "python": "3.11", "packages": {"chromadb": "1.5.9"}}
    text = runner.markdown([_row(), _row(met=False, measure="a | b")], machine, quick=False)
    lines = text.splitlines()
    assert "Test CPU, 2 cores, 24.0 GB RAM, load average at start 0.5" in text
    assert lines[4].startswith("| area | measure | value | baseline (same run) |")
    assert lines[6] == "| store | hybrid p95, 100k | 80 ms | vector 40 ms | <= 100 ms | yes | Chroma |"
    assert "| **no** |" in lines[7] and "a / b" in lines[7]


def test_unknown_area_is_refused_with_the_list(capsys, tmp_path):
    assert runner.run(["nope"], quick=True, results=tmp_path) == 2
    assert "store" in capsys.readouterr().err


def test_table_only_names_the_command_for_missing_results(tmp_path, capsys):
    code = runner.run(["store"], quick=True, table_only=True, results=tmp_path)
    assert code == 0
    table = (tmp_path / "bench-quick.md").read_text()
    assert "not run" in table and "python -m bench --only store" in table


def test_machine_info_describes_this_machine():
    info = machine_info()
    assert info["cores"] >= 1 and info["python"].count(".") == 2
    assert info["packages"]["chromadb"]
    assert f"{info['cores']} cores" in describe(info)
