"""Store benchmark: ingest throughput, search latency at 10k/100k units, retrieval quality on BANKING77.

    .venv/bin/python bench/bench_store.py            # full size (takes ~15 min on 2 cores)
    .venv/bin/python bench/bench_store.py --quick    # CI smoke run (~1 min)

Prints a Markdown table and writes JSON to bench/results/bench_store[-quick].json.
Retrieval quality: each BANKING77 test query retrieves top-10 from the train set;
precision@10 = share of hits with the query's intent. RRF weights are tuned on a split of
TRAIN only (80% corpus / 20% queries) and reported on TEST.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.models import FeedbackUnit, Locator, unit_id_for  # noqa: E402
from vectorstore.embedders import MiniLMOnnxEmbedder  # noqa: E402
from vectorstore.hybrid import DEFAULT_FUSION, FusionParams, bm25_leg, rrf, vector_leg  # noqa: E402
from vectorstore.store import FeedbackStore  # noqa: E402

DATA = Path(os.environ.get("JOURNEY_SHARED_DATA", ROOT.parent / "shared" / "data")) / "banking77"
PREFIXES = ["", "Hi, ", "Hello! ", "Quick question: ", "Please help. ", "Hey there, "]
SUFFIXES = ["", " Thanks.", " Thank you!", " Any ideas?", " ASAP please.", " Cheers"]


def read_rows(name: str) -> list[tuple[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [(r["text"], r["category"]) for r in csv.DictReader(handle)]


def make_units(rows: list[tuple[str, str]], source: str, offset: int = 0) -> list[FeedbackUnit]:
    units = []
    for i, (text, category) in enumerate(rows, start=offset):
        loc = Locator(kind="row", index=i, char_start=0, char_end=len(text), field="text")
        units.append(FeedbackUnit(id=unit_id_for(source, f"row:{i}", text), text=text, source=source, locator=loc, respondent=f"c{i % 997}", metadata={"category": category}))
    return units


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def open_store(home: Path, embedder, name: str) -> FeedbackStore:
    return FeedbackStore.from_settings(Settings(home=home, collection=name), embedder=embedder)


# --- (a) ingest ---------------------------------------------------------------------------


def bench_ingest(embedder, units: list[FeedbackUnit], home: Path, chunk: int = 2000) -> tuple[dict, FeedbackStore]:
    """Raw embedder vs replace_source on the same texts, interleaved chunk by chunk so CPU load hits both alike."""
    embedder.embed([u.text for u in units[:64]])  # warm-up: session and tokenizer caches
    store = open_store(home, embedder, "train")
    raw_s = ingest_s = 0.0
    for part, begin in enumerate(range(0, len(units), chunk)):
        source = f"banking77/train.csv#{part}"
        block = [u.model_copy(update={"source": source}) for u in units[begin : begin + chunk]]
        for step in (("raw", "store") if part % 2 == 0 else ("store", "raw")):
            start = time.perf_counter()
            if step == "raw":
                embedder.embed([u.text for u in block])
                raw_s += time.perf_counter() - start
            else:
                store.replace_source(source, block, "fp")
                ingest_s += time.perf_counter() - start
    assert store.count() == len(units)
    raw, ingest = len(units) / raw_s, len(units) / ingest_s
    return {"units": len(units), "raw_embed_units_per_s": raw, "ingest_units_per_s": ingest, "ratio": ingest / raw}, store


# --- (b) latency --------------------------------------------------------------------------


def synthetic_units(rows: list[tuple[str, str]], vectors: np.ndarray, n: int, seed: int = 7) -> tuple[list[FeedbackUnit], np.ndarray]:
    """n variants of the train rows (prefix/suffix phrases) with their row's vector plus small noise."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    picks = [rng.randrange(len(rows)) for _ in range(n)]
    units = []
    for j, i in enumerate(picks):
        text, category = rows[i]
        variant = rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)
        units.extend(make_units([(variant, category)], f"synthetic/part-{j % 10:02d}.csv", offset=j))
    out = vectors[picks] + noise.normal(0, 0.02, size=(n, vectors.shape[1])).astype(np.float32)
    return units, out / np.linalg.norm(out, axis=1, keepdims=True)


def bench_latency(store: FeedbackStore, queries: list[str], where: dict | None = None) -> dict:
    store.index()  # BM25 cache warm: latency is measured on a built index
    result = {}
    for mode in ("hybrid", "vector", "bm25"):
        store.search(queries[0], k=10, where=where, mode=mode)
        times = []
        for q in queries:
            start = time.perf_counter()
            store.search(q, k=10, where=where, mode=mode)
            times.append((time.perf_counter() - start) * 1000)
        result[mode] = {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95)}
    return result


def index_timings(store: FeedbackStore) -> dict:
    store._cache.clear()
    folder = store._cache.folder
    for path in folder.iterdir() if folder and folder.exists() else []:
        shutil.rmtree(path, ignore_errors=True)
    start = time.perf_counter()
    store.index()
    cold = time.perf_counter() - start
    store._cache.clear()
    start = time.perf_counter()
    store.index()
    return {"bm25_build_s": cold, "bm25_reload_from_disk_s": time.perf_counter() - start}


# --- (c) quality --------------------------------------------------------------------------


def leg_rankings(store: FeedbackStore, embedder, queries: list[str], n: int) -> tuple[list[list[str]], list[list[str]]]:
    vectors = embedder.embed(queries)
    vec = [[i for i, _ in vector_leg(store, v, n, None)] for v in vectors]
    index = store.index()
    lex = [[i for i, _ in bm25_leg(index, q, n, None)] for q in queries]
    return vec, lex


def precision_at_10(rankings: list[list[str]], labels: list[str], label_of: dict[str, str]) -> float:
    return float(np.mean([sum(label_of[i] == want for i in ranked[:10]) / 10 for ranked, want in zip(rankings, labels)]))


def fuse(vec: list[list[str]], lex: list[list[str]], params: FusionParams) -> list[list[str]]:
    out = []
    for v, b in zip(vec, lex):
        v, b = v[: params.candidates], b[: params.candidates]
        fused = rrf([(params.vector_weight, v), (params.bm25_weight, b)])
        vr, br = {i: r for r, i in enumerate(v)}, {i: r for r, i in enumerate(b)}
        out.append(sorted(fused, key=lambda i: (-fused[i], vr.get(i, 1e9), br.get(i, 1e9), i))[:10])
    return out


def tune_on_train(store: FeedbackStore, embedder, units: list[FeedbackUnit], vectors: np.ndarray, quick: bool, home: Path) -> dict:
    """Grid over RRF weight/candidates on TRAIN: 80% of train rows as corpus, 20% as queries."""
    rng = random.Random(11)
    order = list(range(len(units)))
    rng.shuffle(order)
    cut = int(len(order) * 0.8)
    corpus, held = order[:cut], order[cut:]
    split = open_store(home, embedder, "train-split")
    split.add_units_with_vectors([units[i] for i in corpus], vectors[corpus])
    label_of = {units[i].id: units[i].metadata["category"] for i in corpus}
    queries = [units[i].text for i in held]
    labels = [units[i].metadata["category"] for i in held]
    vec, lex = leg_rankings(split, embedder, queries, 100)
    grid = []
    for weight in (0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0):
        for cands in (10, 20, 50, 100):
            params = FusionParams(vector_weight=1.0, bm25_weight=weight, candidates=cands)
            grid.append({"bm25_weight": weight, "candidates": cands, "p@10": precision_at_10(fuse(vec, lex, params), labels, label_of)})
    best = max(grid, key=lambda g: (round(g["p@10"], 4), g["bm25_weight"], g["candidates"]))  # ties: more lexical weight
    return {
        "queries": len(queries),
        "vector_p@10": precision_at_10(vec, labels, label_of),
        "bm25_p@10": precision_at_10(lex, labels, label_of),
        "grid": grid,
        "best": best,
    }


def bench_quality(store: FeedbackStore, test_rows: list[tuple[str, str]], tuned: FusionParams) -> dict:
    """precision@10 on TEST through FeedbackStore.search, for each mode (hybrid with default and train-tuned params)."""
    label_of = {u.id: u.metadata["category"] for u in store.all_units()}
    labels = [c for _, c in test_rows]
    runs = {"vector": ("vector", DEFAULT_FUSION), "bm25": ("bm25", DEFAULT_FUSION), "hybrid": ("hybrid", DEFAULT_FUSION)}
    if tuned != DEFAULT_FUSION:
        runs["hybrid_tuned"] = ("hybrid", tuned)
    out: dict = {"queries": len(test_rows), "tuned_params": tuned.__dict__}
    for name, (mode, fusion) in runs.items():
        ranked = [[h.unit_id for h in store.search(q, k=10, mode=mode, fusion=fusion)] for q, _ in test_rows]
        out[f"{name}_p@10"] = precision_at_10(ranked, labels, label_of)
    return out


# --- report -------------------------------------------------------------------------------


def markdown(r: dict) -> str:
    a, q, t = r["ingest"], r["quality"], r["tuning"]
    lines = [
        f"Store benchmark ({'quick' if r['quick'] else 'full'}), {r['cores']} cores, load avg at start {r['loadavg'][0]:.2f}, embedder {r['embedder']}",
        "",
        "| measure | value |",
        "|---|---|",
        f"| (a) raw embedder, {a['units']} BANKING77 train texts | {a['raw_embed_units_per_s']:.0f} units/s |",
        f"| (a) FeedbackStore.replace_source, same texts | {a['ingest_units_per_s']:.0f} units/s |",
        f"| (a) ingest / raw ratio (target >= 0.8) | {a['ratio']:.2f} |",
    ]
    for size, lat in r["latency"].items():
        note = lat["note"]
        for mode in ("hybrid", "vector", "bm25"):
            m = lat["unfiltered"][mode]
            lines.append(f"| (b) {mode} search, {size} units ({note}) | p50 {m['p50_ms']:.1f} ms, p95 {m['p95_ms']:.1f} ms |")
        for label, res in lat["filtered"].items():
            m = res["hybrid"]
            lines.append(f"| (b) hybrid search, {size} units, filter {label} | p50 {m['p50_ms']:.1f} ms, p95 {m['p95_ms']:.1f} ms |")
        lines.append(f"| (b) BM25 index build / reload from disk, {size} units | {lat['index']['bm25_build_s']:.1f} s / {lat['index']['bm25_reload_from_disk_s']:.2f} s |")
    lines += [
        f"| (c) precision@10, vector ({q['queries']} test queries) | {q['vector_p@10']:.4f} |",
        f"| (c) precision@10, BM25 | {q['bm25_p@10']:.4f} |",
        f"| (c) precision@10, hybrid (bm25_weight {r['fusion']['bm25_weight']}, N={r['fusion']['candidates']}) | {q['hybrid_p@10']:.4f} |",
        *([f"| (c) precision@10, hybrid with train-tuned params (bm25_weight {q['tuned_params']['bm25_weight']}, N={q['tuned_params']['candidates']}) | {q['hybrid_tuned_p@10']:.4f} |"] if "hybrid_tuned_p@10" in q else []),
        f"| (c) tuning on train split ({t['queries']} held-out train queries): vector / BM25 / best hybrid | {t['vector_p@10']:.4f} / {t['bm25_p@10']:.4f} / {t['best']['p@10']:.4f} (bm25_weight {t['best']['bm25_weight']}, N={t['best']['candidates']}) |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a CI smoke run")
    parser.add_argument("--out", type=Path, default=None, help="JSON output path")
    args = parser.parse_args()
    n_train, n_test, n_lat, big = (1000, 200, 100, 5000) if args.quick else (None, None, 300, 100_000)
    train = read_rows("train.csv")
    train = random.Random(5).sample(train, n_train) if n_train else train
    test = read_rows("test.csv")
    test = random.Random(3).sample(test, n_test) if n_test else test
    embedder = MiniLMOnnxEmbedder()
    report: dict = {"quick": args.quick, "cores": len(os.sched_getaffinity(0)), "loadavg": os.getloadavg(), "embedder": embedder.name}
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        home = Path(tmp)
        units = make_units(train, "banking77/train.csv")
        print(f"(a) ingesting {len(units)} units ...", file=sys.stderr)
        report["ingest"], store = bench_ingest(embedder, units, home)
        vectors = store.get_embeddings([u.id for u in units])

        print("(c) tuning RRF on a train split, then scoring test ...", file=sys.stderr)
        report["tuning"] = tune_on_train(store, embedder, units, vectors, args.quick, home)
        report["fusion"] = DEFAULT_FUSION.__dict__
        best = report["tuning"]["best"]
        tuned = FusionParams(vector_weight=1.0, bm25_weight=best["bm25_weight"], candidates=best["candidates"])
        report["quality"] = bench_quality(store, test, tuned)

        queries = [q for q, _ in test[:n_lat]]
        category = train[0][1]
        report["latency"] = {}
        print(f"(b) latency at {len(units)} units ...", file=sys.stderr)
        report["latency"][str(len(units))] = {
            "note": "real BANKING77 train units",
            "index": index_timings(store),
            "unfiltered": bench_latency(store, queries),
            "filtered": {f"m.category={category}": bench_latency(store, queries, {"m.category": category})},
        }
        print(f"(b) building {big} units (precomputed vectors) ...", file=sys.stderr)
        large = open_store(home, embedder, "large")
        large.add_units_with_vectors(units, vectors)
        extra, extra_vectors = synthetic_units(train, vectors, big - len(units))
        large.add_units_with_vectors(extra, extra_vectors)
        print(f"(b) latency at {large.count()} units ...", file=sys.stderr)
        report["latency"][str(large.count())] = {
            "note": f"{len(units)} real + {len(extra)} synthetic variants inserted with precomputed vectors",
            "index": index_timings(large),
            "unfiltered": bench_latency(large, queries),
            "filtered": {
                "source=part-03 (9%)": bench_latency(large, queries, {"source": "synthetic/part-03.csv"}),
                f"m.category={category} (~1%)": bench_latency(large, queries, {"m.category": category}),
            },
        }
    out = args.out or ROOT / "bench" / "results" / ("bench_store-quick.json" if args.quick else "bench_store.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(markdown(report))
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()
