"""Reliability benchmark: hostile-file corpus outcomes, LLM/store fault scenarios, and a long fuzz run.

    .venv/bin/python bench/bench_reliability.py                # hostile files + fault scenarios (fake model)
    .venv/bin/python bench/bench_reliability.py --real-llm     # also faults against the real llama.cpp server
    .venv/bin/python bench/bench_reliability.py --fuzz 1000    # the ingest fuzzers with 1000 examples each
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.config import Settings  # noqa: E402
from assistant.errors import LLMCallError, StoreError, StructuredOutputError  # noqa: E402


def table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    print(f"\n## {title}\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(x).ljust(w) for x, w in zip(row, widths)) + " |")


def hostile(root: Path) -> None:
    from assistant.ingest import ReadOptions, ingest_paths
    from tests.reliability.hostile_corpus import build, describe_size, units_by_source
    from vectorstore.store import FeedbackStore

    paths, cases = build(root)
    store = FeedbackStore.from_settings(Settings(home=root / "ws"))
    started = time.perf_counter()
    report = ingest_paths(paths, store, ReadOptions())
    seconds = time.perf_counter() - started
    grouped = units_by_source(store)
    rows = []
    for case in cases:
        got, detail = case.outcome(report, grouped)
        ok = "ok" if case.problem(report, grouped) is None else "WRONG"
        rows.append([case.path.name, case.what, describe_size(case.path), got, ok, detail[:90]])
    (root / "corpus" / "huge.txt").unlink(missing_ok=True)
    table(f"Hostile files: one ingest batch, {len(cases)} files, {seconds:.1f} s, {report.units_added} units stored",
          ["file", "what", "size", "outcome", "as expected", "detail"], rows)


def _scenario(run: Callable[[], Any]) -> tuple[str, str]:
    started = time.perf_counter()
    try:
        result = run()
        outcome = "ok" if not isinstance(result, str) else result
    except (LLMCallError, StructuredOutputError, StoreError) as exc:
        outcome = f"{type(exc).__name__}: {str(exc)[:70]}"
    except Exception as exc:  # an untyped escape is itself the finding
        outcome = f"UNTYPED {type(exc).__module__}.{type(exc).__name__}: {str(exc)[:60]}"
    return outcome, f"{time.perf_counter() - started:.2f}"


def faults(root: Path, real_llm: bool) -> None:
    from assistant.llm.outputs import ThemeLabel
    from assistant.llm.providers import model_handle
    from assistant.llm.structured import RetryPolicy, run_chain
    from tests.reliability.llm_faults import GOOD_JSON, REFUSAL, REPETITION, FaultProxy, Reply, api_error, fake_handle, free_port, theme_inputs
    from vectorstore.store import FeedbackStore

    units, sources, variables = theme_inputs()
    retry = RetryPolicy(attempts=3, backoff_s=0.05, max_backoff_s=0.2)
    settings = Settings(home=root / "faults")
    rows = []

    def chain(handle) -> Callable[[], Any]:
        return lambda: run_chain("theme_label", variables, ThemeLabel, settings=settings, handle=handle, sources=sources,
                                 units=units, retry=retry, max_reasks=2)

    fake_cases = [("500 then ok", (api_error("500"), GOOD_JSON)), ("429 then ok", (api_error("429"), GOOD_JSON)),
                  ("500 always", (api_error("500"),)), ("timeout always", (api_error("timeout"),)),
                  ("connection refused", (api_error("refused"),)), ("400 bad request", (api_error("400"),)),
                  ("empty output", ("",)), ("truncated JSON", ('{"title": "Late', )), ("refusal text", (REFUSAL,)),
                  ("repetition to token cap", (Reply(REPETITION, "length"),)), ("refusal then ok", (REFUSAL, GOOD_JSON))]
    for name, script in fake_cases:
        handle = fake_handle(*script)
        outcome, seconds = _scenario(chain(handle))
        rows.append(["fake model", name, handle.chat.calls, outcome, seconds])

    def unreachable_chroma() -> Any:
        FeedbackStore.from_settings(Settings(home=root / "c", chroma_url=f"http://127.0.0.1:{free_port()}"))

    outcome, seconds = _scenario(unreachable_chroma)
    rows.append(["chroma", "server unreachable", "-", outcome, seconds])

    if real_llm:
        from assistant.llm import local_server

        upstream = local_server.ensure_server(Settings(home=root / "llm", llm_ctx=2048, llm_parallel=1))
        proxy = FaultProxy(upstream, slow_seconds=1.5)
        for name, injected in [("500, 429, then real model", ("500", "429")), ("truncated body x3", ("truncated",) * 3),
                               ("garbage 200 body x3", ("garbage",) * 3), ("slow > timeout x3", ("slow",) * 3),
                               ("refusal x3", ("refusal",) * 3), ("repetition to cap x3", ("repeat",) * 3)]:
            proxy.inject(*injected)
            real = Settings(home=root / "real", llm_base_url=proxy.url + "/v1", llm_model="smollm2", llm_timeout=0.5 if "slow" in name else 300)
            outcome, seconds = _scenario(chain(model_handle(real)))
            rows.append(["real llama.cpp via proxy", name, len(proxy.log), outcome, seconds])
        closed = Settings(home=root / "real", llm_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_model="smollm2")
        outcome, seconds = _scenario(chain(model_handle(closed)))
        rows.append(["real client", "closed port", 3, outcome, seconds])
        cap = Settings(home=root / "real", llm_base_url=upstream + "/v1", llm_model="smollm2")
        outcome, seconds = _scenario(lambda: run_chain("theme_label", variables, ThemeLabel, settings=cap, handle=model_handle(cap),
                                                       sources=sources, units=units, retry=retry, max_reasks=0, max_tokens=6))
        rows.append(["real llama.cpp", "token cap (max_tokens=6)", 1, outcome, seconds])
        proxy.close()
    table("Fault scenarios (3 transport attempts, 2 re-asks)", ["where", "scenario", "requests", "outcome", "seconds"], rows)


def fuzz(examples: int) -> None:
    import hypothesis

    import tests.ingest.test_ingest_fuzz as module

    calls = {"n": 0}
    original = module.check

    def counting(data: bytes, name: str):
        calls["n"] += 1
        return original(data, name)

    module.check = counting
    rows = []
    for name in sorted(n for n in dir(module) if n.startswith("test_fuzz_")):
        test = getattr(module, name)
        test._hypothesis_internal_use_settings = hypothesis.settings(
            test._hypothesis_internal_use_settings, max_examples=examples, database=None)
        before, started = calls["n"], time.perf_counter()
        try:
            test()
            result = "no failure"
        except Exception as exc:  # hypothesis re-raises the minimal failing example
            result = f"FAILURE: {type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
            traceback.print_exc(limit=3)
        rows.append([name, calls["n"] - before, f"{time.perf_counter() - started:.0f}", result])
    table(f"Ingest fuzzers at max_examples={examples}", ["fuzzer", "inputs run", "seconds", "result"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real-llm", action="store_true", help="also inject faults in front of the real local llama.cpp server")
    parser.add_argument("--fuzz", type=int, default=0, metavar="N", help="run the ingest fuzzers with N examples each")
    parser.add_argument("--only-fuzz", action="store_true", help="skip the hostile-file and fault tables")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as tmp:
        root = Path(tmp)
        if not args.only_fuzz:
            hostile(root)
            faults(root, args.real_llm)
        if args.fuzz:
            fuzz(args.fuzz)


if __name__ == "__main__":
    main()
