"""Run every area benchmark in its own process and merge their results into one table.

Each area is a script ``bench/bench_<area>.py`` that takes ``--quick`` and ``--out PATH`` and
writes a JSON report; its module offers ``summary_rows(report)``, the rows of the shared table
(area, measure, value, baseline from the same run, target, met, limited_by). A separate process
per area keeps peak-memory figures honest and lets the other areas finish when one fails.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from bench.machine import describe, machine_info

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
AREAS = ("store", "draft", "tokens", "incremental", "concurrency", "chat")
COLUMNS = ("area", "measure", "value", "baseline", "target", "met", "limited_by")
HEADERS = ("area", "measure", "value", "baseline (same run)", "target", "met", "limited by")


def table_row(area: str, measure: str, value: str, baseline: str = "", target: str = "", met: bool | None = None,
              limited_by: str = "") -> dict:
    """One row of the shared table, in COLUMNS order."""
    return dict(zip(COLUMNS, (area, measure, value, baseline, target, met, limited_by)))


@dataclass
class AreaRun:
    area: str
    status: str  # "ok", "failed", "not run"
    seconds: float
    report_path: Path
    error: str = ""


def report_path(area: str, quick: bool, results: Path = RESULTS) -> Path:
    return results / f"{area}{'-quick' if quick else ''}.json"


def run_area(area: str, quick: bool, results: Path = RESULTS) -> AreaRun:
    """Run one area script in a child process; its stderr (progress) passes through."""
    out = report_path(area, quick, results)
    command = [sys.executable, str(ROOT / "bench" / f"bench_{area}.py"), "--out", str(out)] + (["--quick"] if quick else [])
    print(f"== {area}: {' '.join(command[1:])}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    seconds = round(time.perf_counter() - started, 1)
    if done.returncode != 0 or not out.is_file():
        tail = (done.stdout or "").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        return AreaRun(area, "failed", seconds, out, error=f"bench_{area}.py failed ({tail[0][:200]}); run it alone to see why")
    return AreaRun(area, "ok", seconds, out)


def area_rows(area: str, path: Path) -> list[dict]:
    """The table rows of one area's JSON report."""
    module = importlib.import_module(f"bench.bench_{area}")
    rows = module.summary_rows(json.loads(path.read_text(encoding="utf-8")))
    for row in rows:
        missing = [c for c in COLUMNS if c not in row]
        if missing:
            raise ValueError(f"bench_{area}.summary_rows returned a row without {missing}: {row}")
    return rows


def collect(runs: Sequence[AreaRun]) -> list[dict]:
    rows: list[dict] = []
    for run in runs:
        if run.status == "ok":
            rows.extend(area_rows(run.area, run.report_path))
        else:
            rows.append({"area": run.area, "measure": "benchmark run", "value": run.status, "baseline": "", "target": "",
                         "met": False if run.status == "failed" else None, "limited_by": run.error})
    return rows


def markdown(rows: Sequence[dict], machine: dict, quick: bool) -> str:
    lines = [f"# Journey Assistant benchmark ({'quick smoke run' if quick else 'full size'})", "", describe(machine), "",
             "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows:
        met = {True: "yes", False: "**no**", None: ""}[row["met"]]
        cells = [row["area"], row["measure"], row["value"], row["baseline"], row["target"], met, row["limited_by"]]
        lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def run(areas: Sequence[str], quick: bool, table_only: bool = False, results: Path = RESULTS) -> int:
    """Run (or, with table_only, just re-tabulate) the areas; returns the process exit code."""
    unknown = [a for a in areas if a not in AREAS]
    if unknown:
        print(f"unknown area(s) {', '.join(unknown)}; choose from {', '.join(AREAS)}", file=sys.stderr)
        return 2
    results.mkdir(parents=True, exist_ok=True)
    machine = machine_info()
    runs = []
    for area in areas:
        if table_only:
            path = report_path(area, quick, results)
            runs.append(AreaRun(area, "ok" if path.is_file() else "not run", 0.0, path,
                                error="" if path.is_file() else f"no {path.name}; run `python -m bench --only {area}`"))
        else:
            runs.append(run_area(area, quick, results))
    rows = collect(runs)
    name = "bench-quick" if quick else "bench"
    payload = {"machine": machine, "quick": quick, "areas": {r.area: {"status": r.status, "seconds": r.seconds, "report": str(r.report_path.relative_to(ROOT)) if r.report_path.is_relative_to(ROOT) else str(r.report_path), "error": r.error} for r in runs}, "rows": rows}
    (results / f"{name}.json").write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
    table = markdown(rows, machine, quick)
    (results / f"{name}.md").write_text(table, encoding="utf-8")
    print(table)
    print(f"written: {results / (name + '.md')} and {name}.json", file=sys.stderr)
    return 1 if any(r.status == "failed" for r in runs) else 0
