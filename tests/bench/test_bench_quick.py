"""`python -m bench --quick` end to end: every area runs its real code path and lands in one table.

A smoke run, not a measurement: nothing here asserts a time or a target.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.runner import AREAS, COLUMNS

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("JOURNEY_SHARED_DATA", ROOT.parent / "shared" / "data"))

pytestmark = [pytest.mark.slow, pytest.mark.integration,
              pytest.mark.skipif(not (SHARED / "banking77").is_dir(), reason="shared benchmark data folder absent (set JOURNEY_SHARED_DATA)")]


def test_quick_bench_runs_every_area_into_one_table(tmp_path):
    done = subprocess.run([sys.executable, "-m", "bench", "--quick", "--results", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    payload = json.loads((tmp_path / "bench-quick.json").read_text())
    assert {area: info["status"] for area, info in payload["areas"].items()} == {area: "ok" for area in AREAS}
    assert payload["machine"]["cores"] >= 1
    assert len(payload["rows"]) >= len(AREAS)
    for row in payload["rows"]:
        assert set(COLUMNS) <= set(row) and row["value"] not in ("", None), row
    table = (tmp_path / "bench-quick.md").read_text()
    assert table.count("\n| ") == len(payload["rows"]) + 1  # header + one line per row
