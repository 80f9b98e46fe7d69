"""`python -m bench [--quick] [--only AREA ...]`: every benchmark area, one table.

    python -m bench                      # full size (about an hour on 2 cores; see README)
    python -m bench --quick              # smoke run of every area (a few minutes; CI runs it)
    python -m bench --only store chat    # some areas
    python -m bench --table-only         # re-tabulate the last results without running anything

Writes bench/results/bench[-quick].json and .md (machine info on top). Exit code 1 when an area
failed to run; missed targets are reported in the table, not as failures.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repo root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.runner import AREAS, RESULTS, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run the benchmark areas and print one table.")
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run, not a measurement")
    parser.add_argument("--only", nargs="+", metavar="AREA", choices=AREAS, help=f"areas to run ({', '.join(AREAS)})")
    parser.add_argument("--table-only", action="store_true", help="re-tabulate existing results without running")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON and Markdown results")
    args = parser.parse_args(argv)
    return run(args.only or AREAS, args.quick, table_only=args.table_only, results=args.results)


if __name__ == "__main__":
    sys.exit(main())
