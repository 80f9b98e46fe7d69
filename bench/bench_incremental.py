"""Incremental re-draft: time to re-draft after adding 5% more feedback, against a full re-draft of the same corpus.

    .venv/bin/python bench/bench_incremental.py                  # sample corpus + 10k units, default local model
    .venv/bin/python bench/bench_incremental.py --sizes sample   # sample corpus only
    .venv/bin/python bench/bench_incremental.py --quick          # sample corpus, extractive (no model): CI smoke run

Per corpus, in its own process and workspace: ingest the base corpus, draft it (empty cache),
extend one source by 5% more feedback and re-ingest (only the new units are embedded), then time
(a) an incremental re-draft (draft cache: cached stage/valence/emotion, unchanged themes kept,
cached chain answers) and (b) a full re-draft (``full=True``: no cache reads) of the same corpus.
Last, a CSV (the sample's survey; the extended file otherwise) is re-ingested as a re-export with
its rows in reverse order: rows without a record id get new unit ids, and the texts embedded show
that moved rows keep their stored vectors.
The sample corpus is the bundled Threadline corpus with the last 5% of its review records held
out of the base ingest; the 10k corpus is resampled BANKING77 train queries and women's clothing
reviews (shared data) with 500 further texts appended. Prints a Markdown table and writes JSON
to --out (default bench/results/incremental[-quick].json).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from assistant.analysis import corpora  # noqa: E402
from bench.machine import machine_info  # noqa: E402
SHARED = Path(os.environ.get("JOURNEY_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "bench" / "results"
ADDED_SHARE = 0.05
SURVEY = "threadline_survey_2026.csv"  # the sample's survey: rows keyed by position (respondent ids repeat)
ANALYSIS_PHASES = ("stages", "sentiment", "themes")


# --- corpora: a base and its 5% extension ------------------------------------------------------

def shared_texts() -> list[str]:
    """BANKING77 train queries then women's clothing review texts (real customer text)."""
    texts = [row[0] for row in csv.reader((SHARED / "banking77" / "train.csv").open(encoding="utf-8"))][1:]
    return texts + corpora.clothing_reviews()[0]


def sample_corpus(folder: Path) -> tuple[list[Path], Path, str]:
    """(base paths, the reviews file, its full content): a copy of the sample corpus with its last 5% of reviews held out."""
    from assistant.samples import sample_corpus_path

    corpus = folder / "corpus"
    shutil.copytree(sample_corpus_path(), corpus)
    reviews = corpus / "reviews" / "threadline_reviews.jsonl"
    lines = reviews.read_text(encoding="utf-8").splitlines(keepends=True)
    held_out = math.ceil(ADDED_SHARE * 873)  # 5% of the sample's 873 units, one unit per short review
    reviews.write_text("".join(lines[:-held_out]), encoding="utf-8")
    return [corpus], reviews, "".join(lines)


def resampled_corpus(folder: Path, n: int) -> tuple[list[Path], Path, str]:
    """(base paths, the CSV, its extended content): n resampled texts, extended by 5% more rows."""
    texts = shared_texts()
    total = n + math.ceil(ADDED_SHARE * n)
    rows = [[i, texts[i % len(texts)] + ("" if i < len(texts) else f" ({i // len(texts)})")] for i in range(total)]
    path = folder / "feedback.csv"
    _write_csv(path, rows[:n])
    extended = folder / "extended.csv"
    _write_csv(extended, rows)
    return [path], path, extended.read_text(encoding="utf-8")


def newest_first(path: Path) -> None:
    """Rewrite a CSV as a re-export that lists its rows in reverse order: every row moves."""
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    _write_rows(path, header, rows[::-1])


class EmbedCounter:
    """Counts the texts the local embedder is asked to embed in this process."""

    def __init__(self):
        from vectorstore.embedders import MiniLMOnnxEmbedder

        self.texts = 0
        real = MiniLMOnnxEmbedder.embed

        def counted(embedder, texts):
            self.texts += len(texts)
            return real(embedder, texts)

        MiniLMOnnxEmbedder.embed = counted


def _write_csv(path: Path, rows: list) -> None:
    _write_rows(path, ["id", "text"], rows)


def _write_rows(path: Path, header: list, rows: list) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


# --- one corpus: base draft, +5%, incremental vs full re-draft ---------------------------------

def draft_row(journey_map, seconds: float) -> dict:
    usage = journey_map.usage
    return {"draft_s": round(seconds, 2), "phases": journey_map.timings, "llm_calls": usage.get("calls", 0),
            "cache_hits": usage.get("cache_hits", 0), "tokens_in": usage.get("input_tokens", 0),
            "tokens_out": usage.get("output_tokens", 0), "claims": len(journey_map.all_claims())}


def analysis_reuse(settings, journey_map) -> dict:
    """The re-draft's own record of what it reused (units cached/new, themes kept)."""
    path = settings.runs_dir / f"{journey_map.run_id}.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    reuse = next((r for r in records if r["event"] == "analysis_reuse"), {})
    return {k: reuse.get(k) for k in ("units_cached", "units_new", "themes", "themes_kept")}


def run_one(size: str, use_llm: bool) -> dict:
    from assistant import api
    from assistant.draft import draft_map

    folder = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    embedded = EmbedCounter()
    try:
        settings = api.settings(home=folder / "ws")
        base_paths, extended_path, extended_text = sample_corpus(folder) if size == "sample" else resampled_corpus(folder, int(size))
        handle = "auto" if use_llm else None

        started = time.perf_counter()
        base = api.ingest(base_paths, settings)
        ingest_base_s = time.perf_counter() - started
        started = time.perf_counter()
        first = draft_map(settings, handle=handle, save=False)
        first_row = draft_row(first, time.perf_counter() - started)
        print(f"{size}: base draft {first_row['draft_s']} s", file=sys.stderr, flush=True)

        extended_path.write_text(extended_text, encoding="utf-8")
        started = time.perf_counter()
        added = api.ingest(base_paths, settings)  # unchanged files are skipped by fingerprint
        ingest_added_s = time.perf_counter() - started

        started = time.perf_counter()
        incremental = draft_map(settings, handle=handle, save=False)
        incremental_row = {**draft_row(incremental, time.perf_counter() - started), **analysis_reuse(settings, incremental)}
        print(f"{size}: incremental re-draft {incremental_row['draft_s']} s", file=sys.stderr, flush=True)
        started = time.perf_counter()
        full = draft_map(settings, handle=handle, save=False, full=True)
        full_row = draft_row(full, time.perf_counter() - started)
        print(f"{size}: full re-draft {full_row['draft_s']} s", file=sys.stderr, flush=True)

        # A CSV re-exported newest first: rows move, so units without a record id column get new ids.
        newest_first(folder / "corpus" / "survey" / SURVEY if size == "sample" else extended_path)
        before = embedded.texts
        started = time.perf_counter()
        moved = api.ingest(base_paths, settings)
        moved_row = {"ingest_s": round(time.perf_counter() - started, 2), "units_rekeyed": moved.units_added,
                     "texts_embedded": embedded.texts - before}
        print(f"{size}: re-ingest of the re-export {moved_row}", file=sys.stderr, flush=True)
        return {
            "size": size, "llm": use_llm, "model": f"{full.model_info.provider}/{full.model_info.model}",
            "base_units": base.units_added, "added_units": added.units_added, "removed_units": added.units_removed,
            "ingest_base_s": round(ingest_base_s, 2), "ingest_added_s": round(ingest_added_s, 2),
            "base_draft": first_row, "incremental": incremental_row, "full": full_row, "moved": moved_row,
            "speedup": round(full_row["draft_s"] / max(incremental_row["draft_s"], 1e-9), 2),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- report ----------------------------------------------------------------------------------------

def _corpus(r: dict) -> str:
    return f"{r['base_units']}+{r['added_units']} units" + ("" if r["llm"] else ", extractive")


def _limited_by(r: dict) -> str:
    phases = r["incremental"]["phases"]
    slowest = max(phases, key=phases.get) if phases else ""
    if slowest == "synthesis" and r["incremental"]["llm_calls"]:
        return f"LLM calls for changed themes, stages and personas ({r['incremental']['llm_calls']} calls)"
    return f"{slowest} phase ({phases.get(slowest, 0):.1f} s)" if slowest else ""


def _analysis_s(draft: dict) -> float:
    """Seconds of the phases the draft cache serves."""
    return sum(draft["phases"].get(p, 0.0) for p in ANALYSIS_PHASES)


def summary_rows(report: dict) -> list[dict]:
    rows = []
    for r in report.get("runs", []):
        inc, full = r["incremental"], r["full"]
        rows.append({"area": "incremental", "measure": f"re-draft after +5% feedback, {_corpus(r)}",
                     "value": f"{inc['draft_s']:.1f} s ({r['speedup']:.1f}x)", "baseline": f"full re-draft {full['draft_s']:.1f} s",
                     "target": "faster than full", "met": inc["draft_s"] < full["draft_s"], "limited_by": _limited_by(r)})
        cached, fresh = _analysis_s(inc), _analysis_s(full)
        rows.append({"area": "incremental", "measure": f"stages + sentiment + themes of the re-draft, {_corpus(r)}",
                     "value": f"{cached:.2f} s ({inc['themes_kept']}/{inc['themes']} themes kept)", "baseline": f"full re-draft {fresh:.2f} s",
                     "target": "faster than full", "met": cached < fresh, "limited_by": "stage prototypes embedded on every draft"})
        if r["llm"]:
            rows.append({"area": "incremental", "measure": f"LLM calls of the re-draft, {_corpus(r)}",
                         "value": f"{inc['llm_calls']} calls + {inc['cache_hits']} cached answers",
                         "baseline": f"full re-draft {full['llm_calls']} calls", "target": "fewer than full",
                         "met": inc["llm_calls"] < full["llm_calls"], "limited_by": "chains whose quotes changed"})
        rows.append({"area": "incremental", "measure": f"ingest of the +5% ({r['added_units']} new units embedded), {r['size']} corpus",
                     "value": f"{r['ingest_added_s']:.1f} s", "baseline": f"base ingest {r['ingest_base_s']:.1f} s ({r['base_units']} units)",
                     "target": "", "met": None, "limited_by": "re-reading the extended source; MiniLM embeds only new units"})
        if "moved" in r:
            m = r["moved"]
            rows.append({"area": "incremental", "measure": f"re-ingest of a CSV re-exported in reverse row order ({m['units_rekeyed']} units get new ids), {r['size']} corpus",
                         "value": f"{m['ingest_s']:.1f} s, {m['texts_embedded']} texts embedded",
                         "baseline": f"embedding them again at the base ingest's rate ({r['base_units']} units in {r['ingest_base_s']:.1f} s): "
                                     f"{r['ingest_base_s'] * m['units_rekeyed'] / max(r['base_units'], 1):.1f} s",
                         "target": "", "met": None, "limited_by": "reading back and re-writing the moved records (their stored vectors are reused)"})
    return rows


def table(runs: list[dict]) -> str:
    phases = list(runs[0]["full"]["phases"]) if runs else []
    head = "| corpus | draft | " + " | ".join(f"{p} s" for p in phases) + " | total s | LLM calls | cache hits | themes kept |"
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in runs:
        for name in ("base_draft", "incremental", "full"):
            d = r[name]
            kept = f"{d.get('themes_kept')}/{d.get('themes')}" if "themes_kept" in d else ""
            cells = [f"{r['size']} ({_corpus(r)})", name, *[d["phases"].get(p, "") for p in phases], d["draft_s"],
                     d["llm_calls"], d["cache_hits"], kept]
            lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="*", default=["sample"], help="'sample' and/or unit counts (e.g. 10000)")
    parser.add_argument("--no-llm", action="store_true", help="extractive labels only (no model calls)")
    parser.add_argument("--quick", action="store_true", help="sample corpus, extractive: a smoke run")
    parser.add_argument("--out", type=Path, help="JSON report path (default bench/results/incremental[-quick].json)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, not args.no_llm)))
        return
    machine = machine_info()
    sizes, use_llm = (["sample"], False) if args.quick else (args.sizes, not args.no_llm)
    runs = []
    for size in sizes:
        if size != "sample" and not (SHARED / "banking77").is_dir():
            print(f"skipping {size}: shared data not found at {SHARED}", file=sys.stderr)
            continue
        command = [sys.executable, __file__, "--one", size] + ([] if use_llm else ["--no-llm"])
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)  # each corpus in its own process
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    out = args.out or RESULTS / f"incremental{'-quick' if args.quick else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    report = {"machine": machine, "quick": args.quick, "runs": runs}
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"machine: {machine}\n")
    print(table(runs))
    print()
    for row in summary_rows(report):
        print(f"{row['measure']}: {row['value']} (baseline: {row['baseline']})")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
