"""Concurrent LLM calls: throughput of run_many against the local server's slots and a remote-like endpoint.

    .venv/bin/python bench/bench_concurrency.py [--quick] [--out PATH] [--calls 16] [--delay-ms 400]

The batch is `--calls` independent theme_label chain calls (max_reasks 0, max 160 output tokens),
each on 3 answers from the bundled sample survey (assistant/samples/clothing), run with run_many.

(a) local: the in-process llama.cpp server (SmolLM2-135M) with S parallel slots, N = S client
    calls in flight, and 1 or 2 server threads; the baseline is S=1, N=1, 1 thread, in the same run.
(b) remote-like: an OpenAI-compatible HTTP endpoint on 127.0.0.1 that waits `--delay-ms` and then
    returns a canned, schema-valid theme_label answer (it runs no model), driven through the real
    `openai-compatible` provider (JOURNEY_LLM_BASE_URL) with N in {1, 4, 8}; baseline N=1.

--quick: (b) only with N in {1, 4} on 8 calls, plus one local call (the CI smoke run).
Prints a Markdown table and writes JSON (default bench/results/concurrency[-quick].json).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHAIN = "theme_label"
MAX_TOKENS = 160
CANNED_ANSWER = {"title": "Checkout problems on the app", "description": "Customers describe what nearly stopped their order.",
                 "sources": [1], "insufficient_evidence": False}
STAGES = ["Discovery", "Browsing", "Purchase", "Delivery", "Returns"]
POLARITY_BY_QUESTION = {"What almost stopped you from ordering?": "pain point", "What did you love most?": "delight"}


def machine() -> dict[str, Any]:
    from bench.machine import machine_info

    return machine_info()


def load_now() -> float:
    return round(os.getloadavg()[0], 2)


def survey_batches(n_calls: int) -> tuple[dict[str, Any], list[tuple[dict[str, str], list[Any]]]]:
    """(units by id, n_calls (variables, sources) pairs): 3 survey answers of one polarity per call."""
    from assistant.ingest import read_file
    from assistant.llm.prompts import Source, render_sources
    from assistant.samples import sample_corpus_path

    units = read_file(sample_corpus_path() / "survey" / "threadline_survey_2026.csv")
    by_polarity: dict[str, list[Any]] = {"pain point": [], "delight": []}
    for unit in units:
        polarity = POLARITY_BY_QUESTION.get(unit.metadata.get("question", ""))
        if polarity:
            by_polarity[polarity].append(unit)
    batches = []
    for i in range(n_calls):
        polarity = "pain point" if i % 2 == 0 else "delight"
        pool = by_polarity[polarity]
        start = (i // 2) * 3 % (len(pool) - 2)
        sources = [Source(u.id, u.text) for u in pool[start:start + 3]]
        variables = {"stage": STAGES[i % len(STAGES)], "polarity": polarity, "evidence": render_sources(sources)}
        batches.append((variables, sources))
    return {u.id: u for u in units}, batches


def _one_call(handle: Any, units: dict[str, Any], variables: dict[str, str], sources: list[Any]) -> dict[str, Any]:
    """One chain call; returns ok, latency and output tokens whether or not the answer validated."""
    from assistant.errors import StructuredOutputError
    from assistant.llm.outputs import CHAIN_OUTPUTS
    from assistant.llm.structured import run_chain

    started = time.perf_counter()
    try:
        _, record = run_chain(CHAIN, variables, CHAIN_OUTPUTS[CHAIN], handle=handle, sources=sources, units=units,
                              max_reasks=0, max_tokens=MAX_TOKENS)
        ok, tokens = True, record.usage.get("output_tokens", 0)
    except StructuredOutputError as exc:  # the call ran; its answer did not validate
        ok, tokens = False, exc.usage.get("output_tokens", 0)
    return {"ok": ok, "latency_s": time.perf_counter() - started, "output_tokens": tokens}


def run_batch(handle: Any, units: dict[str, Any], batches: list, concurrency: int) -> dict[str, Any]:
    """Wall time and throughput of the whole batch through run_many at `concurrency`."""
    from assistant.llm.structured import run_many

    calls = [partial(_one_call, handle, units, variables, sources) for variables, sources in batches]
    load = load_now()
    started, cpu_started = time.perf_counter(), time.process_time()
    results = run_many(calls, concurrency, return_exceptions=False)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    latencies = [r["latency_s"] for r in results]
    tokens = sum(r["output_tokens"] for r in results)
    # CPU seconds of this process (client and in-process server threads) per call: what a call costs
    # in compute, much less sensitive than wall time to other processes sharing the cores.
    return {"calls": len(results), "valid": sum(r["ok"] for r in results), "wall_s": round(wall, 3),
            "calls_per_s": round(len(results) / wall, 3), "output_tokens": tokens, "output_tokens_per_s": round(tokens / wall, 1),
            "cpu_s_per_call": round(cpu / len(results), 3),
            "p50_call_s": round(statistics.median(latencies), 3), "max_call_s": round(max(latencies), 3), "load_avg_1m_at_start": load}


# (b) remote-like endpoint ---------------------------------------------------------------------------

class LatencyEndpoint:
    """OpenAI-compatible chat completions on 127.0.0.1: waits `delay_s`, then answers CANNED_ANSWER (no model)."""

    def __init__(self, delay_s: float):
        body_template = {"id": "chatcmpl-bench", "object": "chat.completion", "created": 0, "model": "remote-like",
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": json.dumps(CANNED_ANSWER)}}],
                         "usage": {"prompt_tokens": 300, "completion_tokens": 30, "total_tokens": 330}}
        payload = json.dumps(body_template).encode()
        self.in_flight = self.peak_in_flight = 0
        lock = threading.Lock()
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real provider

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", 0)))
                with lock:
                    endpoint.in_flight += 1
                    endpoint.peak_in_flight = max(endpoint.peak_in_flight, endpoint.in_flight)
                time.sleep(delay_s)
                with lock:
                    endpoint.in_flight -= 1
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 64
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def bench_remote(home: Path, units: dict, batches: list, levels: list[int], delay_s: float) -> list[dict[str, Any]]:
    from assistant.config import load_settings
    from assistant.llm.providers import model_handle

    endpoint = LatencyEndpoint(delay_s)
    rows = []
    try:
        for n in levels:
            # configured as a user would: environment variables, provider inferred from the base URL
            os.environ.update({"JOURNEY_LLM_BASE_URL": endpoint.base_url, "JOURNEY_LLM_MODEL": "remote-like",
                               "JOURNEY_LLM_CONCURRENCY": str(n)})
            handle = model_handle(load_settings(home=home))
            assert handle.provider == "openai-compatible" and handle.concurrency == n
            endpoint.peak_in_flight = 0
            row = {"provider": handle.provider, "concurrency": n, **run_batch(handle, units, batches, handle.concurrency)}
            row["peak_in_flight_at_endpoint"] = endpoint.peak_in_flight
            rows.append(row)
            print(f"remote-like N={n}: {row['calls_per_s']} calls/s, wall {row['wall_s']} s", file=sys.stderr, flush=True)
    finally:
        for var in ("JOURNEY_LLM_BASE_URL", "JOURNEY_LLM_MODEL", "JOURNEY_LLM_CONCURRENCY"):
            os.environ.pop(var, None)
        endpoint.close()
    return rows


# (a) local llama.cpp server ---------------------------------------------------------------------------

def bench_local(home: Path, units: dict, batches: list, configs: list[tuple[int, int]], repeats: int) -> list[dict[str, Any]]:
    """One row per (slots, threads): server start, one untimed warm-up call, then the batch with N = slots.

    With repeats > 1 the configurations run again in reverse order (A B C C B A ...), so a load
    that drifts during the run weighs on every configuration alike; rows pool the repeats.
    """
    from assistant.config import load_settings
    from assistant.llm import local_server
    from assistant.llm.providers import model_handle

    runs: dict[tuple[int, int], list[dict[str, Any]]] = {config: [] for config in configs}
    starts: dict[tuple[int, int], float] = {}
    try:
        for repeat in range(repeats):
            for slots, threads in (configs if repeat % 2 == 0 else configs[::-1]):
                # the same context per slot in every configuration
                settings = load_settings(home=home, llm_parallel=slots, llm_threads=threads, llm_ctx=2048 * slots)
                started = time.perf_counter()
                handle = model_handle(settings)
                starts.setdefault((slots, threads), round(time.perf_counter() - started, 2))
                variables, sources = batches[0]
                _one_call(handle, units, variables, sources)
                run = run_batch(handle, units, batches, handle.concurrency)
                runs[(slots, threads)].append(run)
                print(f"local S={slots} T={threads}: {run['calls_per_s']} calls/s, wall {run['wall_s']} s, "
                      f"{run['cpu_s_per_call']} cpu s/call, load {run['load_avg_1m_at_start']}", file=sys.stderr, flush=True)
    finally:
        local_server.shutdown()
    return [{"slots": slots, "threads": threads, "concurrency": slots, "server_start_s": starts[(slots, threads)],
             **_pooled(runs[(slots, threads)])} for slots, threads in configs]


def _pooled(runs: list[dict[str, Any]]) -> dict[str, Any]:
    calls, wall = sum(r["calls"] for r in runs), sum(r["wall_s"] for r in runs)
    tokens = sum(r["output_tokens"] for r in runs)
    return {"calls": calls, "valid": sum(r["valid"] for r in runs), "wall_s": round(wall, 3), "calls_per_s": round(calls / wall, 3),
            "output_tokens": tokens, "output_tokens_per_s": round(tokens / wall, 1),
            "cpu_s_per_call": round(sum(r["cpu_s_per_call"] * r["calls"] for r in runs) / calls, 3),
            "p50_call_s": round(statistics.median(r["p50_call_s"] for r in runs), 3), "max_call_s": max(r["max_call_s"] for r in runs),
            "load_avg_1m_at_start": [r["load_avg_1m_at_start"] for r in runs], "runs_calls_per_s": [r["calls_per_s"] for r in runs]}


def bench_local_single_call(home: Path, units: dict, batches: list) -> dict[str, Any]:
    from assistant.config import load_settings
    from assistant.llm import local_server
    from assistant.llm.providers import model_handle

    try:
        started = time.perf_counter()
        handle = model_handle(load_settings(home=home, llm_parallel=1, llm_threads=1, llm_ctx=2048))
        startup = time.perf_counter() - started
        variables, sources = batches[0]
        call = _one_call(handle, units, variables, sources)
    finally:
        local_server.shutdown()
    return {"slots": 1, "threads": 1, "server_start_s": round(startup, 2), **call, "latency_s": round(call["latency_s"], 3)}


# report ---------------------------------------------------------------------------------------------

def _speedup(rows: list[dict], baseline: dict) -> None:
    for row in rows:
        row["speedup_vs_sequential"] = round(row["calls_per_s"] / baseline["calls_per_s"], 2)


def summary_rows(report: dict) -> list[dict]:
    """Rows for `python -m bench`: throughput and speed-up against the sequential baseline of the same run."""
    rows: list[dict] = []
    cores = report.get("machine", {}).get("cores", "?")
    local = report.get("local", [])
    base = next((r for r in local if r["slots"] == 1 and r["threads"] == 1), None)
    for r in local:
        is_base = r is base
        rows.append({
            "area": "llm-concurrency",
            "measure": f"local llama.cpp, {r['slots']} slot(s), N={r['concurrency']}, {r['threads']} thread(s), "
                       f"{r['calls']} {CHAIN} calls ({len(r['runs_calls_per_s'])} passes)",
            "value": f"{r['calls_per_s']:.2f} calls/s, wall {r['wall_s']:.1f} s" + ("" if is_base or base is None else f" (x{r['speedup_vs_sequential']:.2f})"),
            "baseline": "" if is_base or base is None else f"sequential S=1 N=1 1 thread: {base['calls_per_s']:.2f} calls/s",
            "target": "", "met": None,
            "limited_by": f"{cores} CPU cores shared by slots",
        })
    single = report.get("local_single_call")
    if single:
        rows.append({"area": "llm-concurrency", "measure": f"local llama.cpp, one {CHAIN} call (1 slot, 1 thread)",
                     "value": f"{single['latency_s']:.2f} s (server start {single['server_start_s']:.1f} s)", "baseline": "",
                     "target": "", "met": None, "limited_by": f"{cores} CPU cores"})
    remote = report.get("remote", [])
    rbase = next((r for r in remote if r["concurrency"] == 1), None)
    delay = report.get("remote_delay_ms", "?")
    for r in remote:
        is_base = r is rbase
        rows.append({
            "area": "llm-concurrency",
            "measure": f"remote-like endpoint (+{delay} ms, canned answer), N={r['concurrency']}, {r['calls']} {CHAIN} calls",
            "value": f"{r['calls_per_s']:.2f} calls/s, wall {r['wall_s']:.2f} s" + ("" if is_base or rbase is None else f" (x{r['speedup_vs_sequential']:.2f})"),
            "baseline": "" if is_base or rbase is None else f"sequential N=1: {rbase['calls_per_s']:.2f} calls/s",
            "target": "", "met": None, "limited_by": "provider latency",
        })
    return rows


def print_tables(report: dict) -> None:
    if report.get("local"):
        print(f"\n(a) local llama.cpp server, {report['calls']} {CHAIN} calls per pass, {report['repeats']} passes pooled, N = slots\n")
        print("| slots | threads | N | calls/s | wall s | speed-up | valid | out tok/s | CPU s/call | p50 s/call | load 1m |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for r in report["local"]:
            print(f"| {r['slots']} | {r['threads']} | {r['concurrency']} | {r['calls_per_s']:.2f} | {r['wall_s']:.1f} | "
                  f"x{r['speedup_vs_sequential']:.2f} | {r['valid']}/{r['calls']} | {r['output_tokens_per_s']:.1f} | "
                  f"{r['cpu_s_per_call']:.2f} | {r['p50_call_s']:.2f} | {', '.join(map(str, r['load_avg_1m_at_start']))} |")
    if report.get("local_single_call"):
        s = report["local_single_call"]
        print(f"\nlocal single call: {s['latency_s']:.2f} s, valid {s['ok']}, server start {s['server_start_s']:.1f} s")
    if report.get("remote"):
        print(f"\n(b) remote-like endpoint (+{report['remote_delay_ms']} ms, canned answer), {report['calls']} {CHAIN} calls\n")
        print("| N | calls/s | wall s | speed-up | peak in flight | p50 s/call |")
        print("|---|---|---|---|---|---|")
        for r in report["remote"]:
            print(f"| {r['concurrency']} | {r['calls_per_s']:.2f} | {r['wall_s']:.2f} | x{r['speedup_vs_sequential']:.2f} | "
                  f"{r['peak_in_flight_at_endpoint']} | {r['p50_call_s']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="remote-like only (N 1 and 4, 8 calls) plus one local call")
    parser.add_argument("--out", type=Path, default=None, help="JSON output path")
    parser.add_argument("--calls", type=int, default=16, help="independent chain calls per batch")
    parser.add_argument("--delay-ms", type=int, default=400, help="latency the remote-like endpoint adds per call")
    parser.add_argument("--slots", default="1,2,4", help="local parallel slots to try (N = slots)")
    parser.add_argument("--threads", default="1,2", help="local server threads to try")
    parser.add_argument("--repeats", type=int, default=1, help="local passes over the configurations, alternating order")
    args = parser.parse_args()
    calls = 8 if args.quick else args.calls
    out = args.out or ROOT / "bench" / "results" / ("concurrency-quick.json" if args.quick else "concurrency.json")
    report: dict[str, Any] = {"machine": machine(), "quick": args.quick, "chain": CHAIN, "calls": calls,
                              "remote_delay_ms": args.delay_ms, "max_tokens": MAX_TOKENS}
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(Path(tempfile.gettempdir()) / "journey-tiktoken"))
    for var in ("JOURNEY_PROVIDER", "JOURNEY_LLM_BASE_URL", "JOURNEY_LLM_MODEL", "JOURNEY_LLM_API_KEY", "JOURNEY_LLM_CONCURRENCY",
                "JOURNEY_LLM_PARALLEL", "JOURNEY_LLM_THREADS", "JOURNEY_LLM_CTX", "JOURNEY_HOME"):
        os.environ.pop(var, None)
    home = Path(tempfile.mkdtemp(prefix="bench-concurrency-"))
    units, batches = survey_batches(calls)
    started = time.perf_counter()

    report["remote"] = bench_remote(home, units, batches, [1, 4] if args.quick else [1, 4, 8], args.delay_ms / 1000)
    _speedup(report["remote"], report["remote"][0])
    if args.quick:
        report["local_single_call"] = bench_local_single_call(home, units, batches)
    else:
        configs = [(s, t) for t in map(int, args.threads.split(",")) for s in map(int, args.slots.split(","))]
        report["repeats"] = args.repeats
        report["local"] = bench_local(home, units, batches, configs, args.repeats)
        base = next((r for r in report["local"] if r["slots"] == 1 and r["threads"] == 1), report["local"][0])
        _speedup(report["local"], base)
    report["omp_wait_policy"] = os.environ.get("OMP_WAIT_POLICY", "")  # the local server sets PASSIVE unless given
    report["total_s"] = round(time.perf_counter() - started, 1)
    report["load_avg_1m_at_end"] = load_now()

    print(f"\nmachine: {report['machine']}; total {report['total_s']} s; load 1m at end {report['load_avg_1m_at_end']}")
    print_tables(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
