"""Draft time per phase and peak memory at 1k, 10k and 50k units, with the growth exponent of each phase.

    python bench/bench_draft.py                          # sample corpus + 1k, 10k, 50k units, local LLM
    python bench/bench_draft.py --sizes 2000 8000 --no-llm
    python bench/bench_draft.py --quick                  # sample corpus only, extractive (CI smoke run)

Larger corpora are drawn from the shared real customer texts (BANKING77 train+test, GoEmotions
train/dev/test comments, clothing and drug reviews, Amazon review snippets: about 72k distinct
texts), shuffled once with a fixed seed so every size has the same mix; texts repeat only past
the pool size. Units are grouped 3-5 per respondent, and each respondent gets a plan and a channel
(plus the text's dataset) so persona segmentation has metadata to work with.

Ingest (embedding) runs once per size in its own process and is cached under
bench/results/cache/ (gitignored); the reported ingest time is the one measured when the cache
was built. Each draft runs in its own process on a copy of that workspace, so its peak memory
(ru_maxrss) is the draft's alone. Growth exponents are least-squares slopes of log(time) on
log(units) over the numeric sizes: ~1.0 is linear, n log n reads as ~1.1 over 1k..50k. They are
fitted on wall time and on CPU time per phase; the target is judged on CPU time, which moves much
less than wall time when other processes share the machine.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from assistant.analysis import corpora  # noqa: E402
from bench.machine import machine_info  # noqa: E402
from bench.runner import table_row  # noqa: E402
from vectorstore.records import LAYOUT_VERSION  # noqa: E402

SHARED = Path(os.environ.get("JOURNEY_SHARED_DATA", ROOT.parent / "shared" / "data"))
RESULTS = ROOT / "bench" / "results"
CACHE = RESULTS / "cache"
DEFAULT_SIZES = ["sample", "1000", "10000", "50000"]
CORPUS_VERSION = 1  # bump when the way corpora are drawn changes, so stale caches are not reused
SEED = 0
PLANS = ("basic", "plus", "premium")
CHANNELS = ("app", "web", "phone", "branch")
TARGET_50K_S = 30 * 60
TARGET_EXPONENT = 1.15
N2_MEMORY_EXPONENT = 1.5  # a pairwise n x n structure shows as ~2; linear growth as ~1
# What bounds each phase's time, from cProfile of an extractive draft of the 10k corpus (`python bench/bench_draft.py`
# shows the seconds); written into the "limited by" column of the shared table.
PHASE_LIMITS = {
    "load": "reading units and their vectors from Chroma, page by page",
    "stages": "nearest-neighbour smoothing: similarities to a fixed sample of voters, in chunks",
    "sentiment": "MiniLM embeddings of the sentences of multi-sentence units (3/4 of it at 10k), then sentence splitting and VADER",
    "themes": "average-linkage clustering per stage x polarity cell, at most 2,000 units a cell (the rest join centroids)",
    "personas": "k-means over respondents, fitted on at most 3,000 of them",
    "synthesis": "LLM calls: their number follows themes per lane and stages, not units",
    "assemble": "writing each unit's stage label to Chroma and saving the analysis cache",
}
MEMORY_LIMIT = "models loaded at start (the sample run's peak), then units, their 384-d vectors and the analysis"


# --- corpus --------------------------------------------------------------------------------

def text_pool() -> list[tuple[str, str]]:
    """(dataset, text) of every distinct shared customer text, shuffled with a fixed seed."""
    pool: list[tuple[str, str]] = []
    for split in ("train", "test"):
        with (SHARED / "banking77" / f"{split}.csv").open(encoding="utf-8") as handle:
            pool += [("banking77", row["text"]) for row in csv.DictReader(handle)]
    for split in ("train", "dev", "test"):
        with (SHARED / "goemotions" / f"{split}.tsv").open(encoding="utf-8") as handle:
            pool += [("goemotions", row[0]) for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row]
    pool += [("clothing", text) for text in corpora.clothing_reviews()[0]]
    pool += [("drugs", text) for split in ("Test", "Train") for text in corpora.drug_reviews(split)[0]]
    with (SHARED / "reviews" / "vader_amazon_review_snippets" / "amazonReviewSnippets_GroundTruth.txt").open(encoding="utf-8", errors="replace") as handle:
        pool += [("amazon", parts[2]) for parts in (line.rstrip("\n").split("\t") for line in handle) if len(parts) >= 3]
    seen: set[str] = set()
    distinct = []
    for dataset, text in pool:
        text = " ".join(text.split())
        if len(text) >= 3 and text not in seen:
            seen.add(text)
            distinct.append((dataset, text))
    random.Random(SEED).shuffle(distinct)
    return distinct


def corpus_rows(n: int) -> list[dict]:
    """n feedback rows: real texts (repeats only past the pool), 3-5 per respondent, with plan/channel metadata."""
    pool = text_pool()
    rng = random.Random(SEED)
    rows, respondent, left = [], 0, 0
    plan = channel = ""
    for i in range(n):
        if left == 0:
            respondent, left = respondent + 1, rng.randint(3, 5)
            plan, channel = rng.choice(PLANS), rng.choice(CHANNELS)
        left -= 1
        dataset, text = pool[i % len(pool)]
        if i >= len(pool):
            text += f" (repeat {i // len(pool)})"
        rows.append({"id": f"r{i}", "respondent_id": f"p{respondent}", "text": text, "dataset": dataset, "plan": plan, "channel": channel})
    return rows


def cache_dir(size: str) -> Path:
    """Cached workspace of one size; the key changes with the corpus recipe (and the sample corpus's files)."""
    recipe = f"{size}|{CORPUS_VERSION}|{SEED}|layout {LAYOUT_VERSION}"
    if size == "sample":
        from assistant.samples import sample_corpus_files

        digest = hashlib.sha256()
        for path in sample_corpus_files():
            digest.update(path.name.encode() + path.read_bytes())
        recipe += "|" + digest.hexdigest()
    return CACHE / f"draft-{size}-{hashlib.sha256(recipe.encode()).hexdigest()[:10]}"


def cached_workspace(size: str, rebuild: bool = False) -> tuple[Path, dict, bool]:
    """(workspace folder, ingest facts, whether it came from the cache); ingests in a child process when needed."""
    folder = cache_dir(size)
    meta_path = folder / "ingest.json"
    if rebuild or not meta_path.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"ingesting {size} (cached in {folder.relative_to(ROOT)})", file=sys.stderr, flush=True)
        meta = _child("--ingest", size)
        meta_path.write_text(json.dumps(meta, indent=2))
        return folder / "ws", meta, False
    return folder / "ws", json.loads(meta_path.read_text()), True


# --- child processes -----------------------------------------------------------------------

def build_workspace(size: str, target: Path) -> dict:
    """Ingest one corpus into target/ws in this process; returns ingest time, units and peak memory."""
    from assistant import api
    from assistant.samples import sample_corpus_path

    target.mkdir(parents=True, exist_ok=True)
    settings = api.settings(home=target / "ws")
    if size == "sample":
        paths = [sample_corpus_path()]
    else:
        path = target / "feedback.csv"
        rows = corpus_rows(int(size))
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        paths = [path]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    report = api.ingest(paths, settings)
    ingest_s = time.perf_counter() - started
    return {"size": size, "units": report.units_added, "ingest_s": round(ingest_s, 1), "ingest_peak_mb": _peak_mb(),
            "ingest_load_avg": round(load, 2), "built_at": time.strftime("%Y-%m-%dT%H:%M:%S")}


def draft_workspace(size: str, use_llm: bool) -> dict:
    """Draft a private copy of the cached workspace in this process; returns phase timings and peak memory."""
    from assistant import api
    from assistant.draft import draft_map

    source = cache_dir(size) / "ws"
    home = Path(tempfile.mkdtemp(prefix="bench-draft-")) / "ws"
    shutil.copytree(source, home)
    try:
        load = os.getloadavg()[0]
        cpu = PhaseCPU()
        journey_map = draft_map(api.settings(home=home), handle="auto" if use_llm else None, save=False, progress=cpu.mark, full=True)
        cpu.mark("", 1.0)
        respondents = {r for p in journey_map.personas for r in p.respondents}
        in_stages = sum(len(s.unit_ids) for s in journey_map.stages)
        return {
            "phases": journey_map.timings, "draft_s": round(sum(journey_map.timings.values()), 2),
            "phases_cpu": cpu.seconds, "draft_cpu_s": round(sum(cpu.seconds.values()), 2),
            "draft_peak_mb": _peak_mb(), "draft_load_avg": round(load, 2),
            "llm_calls": journey_map.usage.get("calls", 0), "tokens": dict(journey_map.usage),
            "personas": len(journey_map.personas), "respondents": len(respondents), "units_in_stages": in_stages,
            "themes": sum(len(s.pain_points) + len(s.delights) for s in journey_map.stages),
            "claims": len(journey_map.all_claims()), "quotes": len(journey_map.all_evidence()),
        }
    finally:
        shutil.rmtree(home.parent, ignore_errors=True)


class PhaseCPU:
    """CPU seconds (all threads) of each draft phase, from the pipeline's progress callback at each phase start.

    Wall time moves with whatever else the machine runs; CPU time much less, so growth exponents
    are also fitted on it.
    """

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._phase, self._started = "", 0.0

    def mark(self, phase: str, _done: float) -> None:
        now = time.process_time()
        if self._phase:
            self.seconds[self._phase] = round(now - self._started, 3)
        self._phase, self._started = phase, now


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _child(flag: str, size: str, use_llm: bool = False) -> dict:
    command = [sys.executable, __file__, flag, size] + ([] if use_llm else ["--no-llm"])
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{flag} {size} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(size: str, use_llm: bool, rebuild: bool) -> dict:
    """Ingest (cached) and draft one size, each in its own process."""
    _, meta, ingest_cached = cached_workspace(size, rebuild)
    print(f"drafting {size} ({meta['units']} units, {'local LLM' if use_llm else 'extractive'})", file=sys.stderr, flush=True)
    return {**meta, "llm": use_llm, "ingest_cached": ingest_cached, **_child("--draft", size, use_llm)}


# --- analysis of the rows -------------------------------------------------------------------

def growth_exponent(sizes: list[float], values: list[float]) -> float | None:
    """Least-squares slope of log(value) on log(size); None with fewer than two usable points."""
    points = [(math.log(n), math.log(v)) for n, v in zip(sizes, values) if n > 0 and v and v > 0]
    if len(points) < 2 or len({x for x, _ in points}) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return round(slope, 3)


def exponents(rows: list[dict]) -> dict:
    """Growth exponent of each phase, the draft total, ingest and the draft's memory above the sample run's."""
    numeric = [r for r in rows if r["size"] != "sample"]
    units = [r["units"] for r in numeric]
    phases = list(numeric[0]["phases"]) if numeric else []
    out = {"phases": {p: growth_exponent(units, [r["phases"].get(p, 0) for r in numeric]) for p in phases},
           "phases_cpu": {p: growth_exponent(units, [r.get("phases_cpu", {}).get(p, 0) for r in numeric]) for p in phases},
           "draft": growth_exponent(units, [r["draft_s"] for r in numeric]),
           "draft_cpu": growth_exponent(units, [r.get("draft_cpu_s", 0) for r in numeric]),
           "ingest": growth_exponent(units, [r["ingest_s"] for r in numeric])}
    base = next((r["draft_peak_mb"] for r in rows if r["size"] == "sample"), None)
    large = [r for r in numeric if r["units"] >= 5000]  # small corpora barely move memory above the models
    if base is not None and len(large) >= 2:
        out["memory_above_sample"] = growth_exponent([r["units"] for r in large], [r["draft_peak_mb"] - base for r in large])
    return out


def table(rows: list[dict]) -> str:
    phases = list(rows[0]["phases"]) if rows else []
    head = ("| corpus | units | respondents | model | ingest s | " + " | ".join(f"{p} s" for p in phases)
            + " | draft s | draft CPU s | LLM calls | draft peak MB |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        cells = [r["size"], r["units"], r.get("respondents", ""), "local LLM" if r["llm"] else "extractive",
                 f"{r['ingest_s']}{' (cached)' if r.get('ingest_cached') else ''}",
                 *[r["phases"].get(p, "") for p in phases], r["draft_s"], r.get("draft_cpu_s", ""), r["llm_calls"], r["draft_peak_mb"]]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def summary_rows(report: dict) -> list[dict]:
    """Rows of the shared bench table: draft time per size, growth exponents, peak memory."""
    rows = report.get("rows", [])
    fits = report.get("exponents") or {}
    base = next((r for r in rows if r["size"] == "sample"), None)
    out = []
    for r in rows:
        mode = "local LLM" if r["llm"] else "extractive"
        corpus = "sample corpus" if r["size"] == "sample" else f"{r['units'] // 1000}k" if r["units"] >= 1000 else str(r["units"])
        slowest = max(r["phases"], key=r["phases"].get) if r["phases"] else ""
        at_50k = r["size"] != "sample" and r["units"] >= 50_000
        out.append(_row(f"draft time, {corpus} ({r['units']} units), {mode}", f"{r['draft_s']:.1f} s",
                        f"ingest {r['ingest_s']:.0f} s (embedding, measured once)",
                        "<= 30 min at 50k (local LLM)" if at_50k else "",
                        (r["draft_s"] <= TARGET_50K_S) if at_50k and r["llm"] else None,
                        f"{slowest} phase {r['phases'].get(slowest, 0):.1f} s" if slowest else ""))
        local = {phase: seconds for phase, seconds in r["phases"].items() if phase != "synthesis"}
        if local:
            heaviest = max(local, key=local.get)
            out.append(_row(f"draft time per phase, {corpus}, {mode}", _phase_seconds(r["phases"]), "", "", None,
                            f"of the phases without model calls, {heaviest} ({local[heaviest]:.1f} s): {PHASE_LIMITS.get(heaviest, '')}"))
    sizes = ", ".join(f"{r['units']}" for r in rows if r["size"] != "sample")
    for phase, wall in fits.get("phases", {}).items():
        cpu = (fits.get("phases_cpu") or {}).get(phase)
        judged = cpu if cpu is not None else wall  # CPU time moves less with other load on the machine
        if judged is not None:
            shown = f"{judged:.2f} (CPU time; wall {wall:.2f})" if cpu is not None and wall is not None else f"{judged:.2f}"
            out.append(_row(f"growth exponent, {phase} phase ({sizes} units)", shown, "linear = 1.00",
                            f"<= ~{TARGET_EXPONENT} (n log n)", judged <= TARGET_EXPONENT, PHASE_LIMITS.get(phase, "")))
    for r in rows:
        if r["size"] != "sample":
            out.append(_row(f"draft peak memory, {r['units']} units", f"{r['draft_peak_mb']:.0f} MB",
                            f"sample corpus {base['draft_peak_mb']:.0f} MB" if base else "", "", None, MEMORY_LIMIT))
    memory = fits.get("memory_above_sample")
    if memory is not None:
        out.append(_row("memory growth exponent (peak above sample run)", f"{memory:.2f}", "linear = 1.00",
                        "no O(n^2) memory", memory < N2_MEMORY_EXPONENT, MEMORY_LIMIT))
    return out


def _phase_seconds(phases: dict[str, float]) -> str:
    """'load 0.1, stages 0.1, ... s': a draft's wall seconds per phase, in pipeline order."""
    return ", ".join(f"{phase} {seconds:.1f}" for phase, seconds in phases.items()) + " s"


_row = partial(table_row, "draft")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="*", default=DEFAULT_SIZES, help="'sample' and/or unit counts")
    parser.add_argument("--no-llm", action="store_true", help="extractive labels only (no model calls)")
    parser.add_argument("--quick", action="store_true", help="sample corpus, extractive: a smoke run")
    parser.add_argument("--rebuild", action="store_true", help="re-ingest even when a cached workspace exists")
    parser.add_argument("--out", type=Path, help="JSON report path (default bench/results/draft[-quick].json)")
    parser.add_argument("--ingest", help=argparse.SUPPRESS)
    parser.add_argument("--draft", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.ingest:
        print(json.dumps(build_workspace(args.ingest, cache_dir(args.ingest))))
        return
    if args.draft:
        print(json.dumps(draft_workspace(args.draft, not args.no_llm)))
        return
    machine = machine_info()
    sizes, use_llm = (["sample"], False) if args.quick else (args.sizes, not args.no_llm)
    rows = []
    for size in sizes:
        if size != "sample" and not (SHARED / "banking77").is_dir():
            print(f"skipping {size}: shared data not found at {SHARED}", file=sys.stderr)
            continue
        rows.append(measure(size, use_llm, args.rebuild))
    report = {"machine": machine, "rows": rows, "exponents": exponents(rows)}
    out = args.out or RESULTS / f"draft{'-quick' if args.quick else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"machine: {machine}\n")
    print(table(rows))
    print(f"\ngrowth exponents: {json.dumps(report['exponents'])}")


if __name__ == "__main__":
    main()
