"""Draft time per phase and peak memory, on the sample corpus and on resampled larger corpora.

    python bench/bench_draft.py                     # sample corpus + 10k units, default local model
    python bench/bench_draft.py --sizes 1000 10000 --no-llm
    python bench/bench_draft.py --quick             # sample corpus only, extractive (CI smoke run)

Each size runs in its own process so peak memory (ru_maxrss) is that run's alone. Larger corpora
are resampled from the shared BANKING77 and women's clothing review texts (real customer text),
ingested through the normal store path. Prints a Markdown table and writes bench/results/bench_draft.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JOURNEY_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "bench" / "results"


def resampled_texts(n: int) -> list[str]:
    """n real customer texts: BANKING77 train queries and clothing reviews, cycled when n exceeds them."""
    texts = [row[0] for row in csv.reader((SHARED / "banking77" / "train.csv").open(encoding="utf-8"))][1:]
    reviews = SHARED / "reviews" / "womens_clothing_reviews_first1000" / "Womens_Clothing_E-Commerce_Reviews_first1000.csv"
    texts += [r["Review Text"] for r in csv.DictReader(reviews.open(encoding="utf-8")) if r.get("Review Text")]
    return [texts[i % len(texts)] + ("" if i < len(texts) else f" ({i // len(texts)})") for i in range(n)]


def run_one(size: str, use_llm: bool) -> dict:
    """Ingest and draft one corpus in this process; returns timings and peak memory."""
    sys.path.insert(0, str(ROOT))
    from assistant import api
    from assistant.draft import draft_map
    from assistant.samples import sample_corpus_path

    home = Path(tempfile.mkdtemp(prefix="bench-draft-"))
    settings = api.settings(home=home)
    started = time.perf_counter()
    if size == "sample":
        paths = [sample_corpus_path()]
    else:
        path = home / "resampled.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            writer.writerows([i, t] for i, t in enumerate(resampled_texts(int(size))))
        paths = [path]
    report = api.ingest(paths, settings)
    ingest_s = time.perf_counter() - started
    journey_map = draft_map(settings, handle="auto" if use_llm else None)
    return {
        "size": size, "units": report.units_added, "llm": use_llm, "ingest_s": round(ingest_s, 1),
        "phases": journey_map.timings, "draft_s": round(sum(journey_map.timings.values()), 1),
        "llm_calls": journey_map.usage.get("calls", 0), "tokens": journey_map.usage,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "claims": len(journey_map.all_claims()), "quotes": len(journey_map.all_evidence()),
    }


def table(rows: list[dict]) -> str:
    phases = list(rows[0]["phases"]) if rows else []
    head = "| corpus | units | model | ingest s | " + " | ".join(f"{p} s" for p in phases) + " | draft s | LLM calls | peak MB |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        cells = [r["size"], r["units"], "local LLM" if r["llm"] else "extractive", r["ingest_s"],
                 *[r["phases"].get(p, "") for p in phases], r["draft_s"], r["llm_calls"], r["peak_mb"]]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="*", default=["sample", "10000"], help="'sample' and/or unit counts")
    parser.add_argument("--no-llm", action="store_true", help="extractive labels only (no model calls)")
    parser.add_argument("--quick", action="store_true", help="sample corpus, extractive: a smoke run")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, not args.no_llm)))
        return
    sizes, use_llm = (["sample"], False) if args.quick else (args.sizes, not args.no_llm)
    rows = []
    for size in sizes:
        if size != "sample" and not (SHARED / "banking77").is_dir():
            print(f"skipping {size}: shared data not found at {SHARED}")
            continue
        command = [sys.executable, __file__, "--one", size] + ([] if use_llm else ["--no-llm"])
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"done: {size}", file=sys.stderr)
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine()}
    (RESULTS / "bench_draft.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))
    print(f"machine: {machine}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
