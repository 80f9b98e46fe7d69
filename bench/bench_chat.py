"""Benchmark the corpus chat on the Threadline question set: calibrate the refusal gate on dev, report on test.

    .venv/bin/python bench/bench_chat.py --calibrate                  # dev split, retrieval only: the gate thresholds
    .venv/bin/python bench/bench_chat.py [--quick] [--workspace DIR] [--out PATH]   # test split, default local model

The sample corpus (assistant/samples/clothing) is ingested into a fresh workspace (or the one
given by --workspace, reused when it already holds units). Calibration never looks at the test
split. The report prints a Markdown table and writes bench/results/bench_chat[-quick].json (or
--out); `summary_rows(report)` turns that JSON into rows of the shared `python -m bench` table.
--quick asks 6 test questions (4 answerable, 2 not): a smoke run of the real path, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant import api
from assistant.chat import gate
from assistant.chat.engine import ChatEngine, eval_view
from assistant.samples import sample_corpus_path
from evals.chat import run_chat_suite
from evals.questions import Question, chat_questions, load_questions

GATE_FILE = Path(__file__).resolve().parents[1] / "assistant" / "chat" / "gate.py"
RESULTS = Path(__file__).resolve().parent / "results"
TARGETS = {"chat_citation_validity": (1.0, True), "refusal_accuracy": (0.9, True), "false_refusal_rate": (0.1, False)}
QUICK_ANSWERABLE, QUICK_UNANSWERABLE = 4, 2  # --quick: a smoke run of the real path on 2 cores
SIMILARITY_GRID = [round(0.30 + 0.01 * i, 2) for i in range(36)]  # REFUSE_BELOW and UNKNOWN_TERMS_BELOW candidates
SALIENCE_GRID = [round(0.005 * i, 3) for i in range(101)]  # SALIENT_UNKNOWN candidates
SESSION = "bench"


# --- workspace ---------------------------------------------------------------------------

def prepare_workspace(workspace: Path | None):
    """Settings for a workspace holding the sample corpus (ingested unless already there)."""
    home = workspace or Path(tempfile.mkdtemp(prefix="bench-chat-"))
    settings = api.settings(home=home, llm_parallel=1)
    if not api.stats(settings).get("units"):
        started = time.perf_counter()
        report = api.ingest([sample_corpus_path()], settings)
        print(f"ingested the sample corpus into {home} in {time.perf_counter() - started:.1f}s: {_summary(report)}", file=sys.stderr)
    return settings


def _summary(report) -> str:
    data = report.model_dump() if hasattr(report, "model_dump") else {}
    return ", ".join(f"{k}={v}" for k, v in data.items() if isinstance(v, (int, float))) or str(report)[:120]


def ask_alone(engine: ChatEngine, q: Question):
    """One stand-alone answer: no history carried over from the previous question."""
    engine.history.clear()
    return engine.ask(q.question, where=dict(q.scope) or None)


# --- calibration (dev only) ----------------------------------------------------------------

def rates(rows: list[dict], low: float, mid: float, salient: float) -> tuple[float, float, float]:
    """(objective, refusal accuracy on unanswerable, false-refusal rate on answerable) for gate thresholds."""
    def refused(r: dict) -> bool:
        return r["top_score"] < low or (bool(r["unknown_terms"]) and r["unknown_salience"] >= salient and r["top_score"] < mid)

    unans = [r for r in rows if not r["answerable"]]
    ans = [r for r in rows if r["answerable"]]
    refusal = sum(map(refused, unans)) / len(unans) if unans else 1.0
    false = sum(map(refused, ans)) / len(ans) if ans else 0.0
    return (refusal + 1 - false) / 2, refusal, false


def best_thresholds(rows: list[dict]) -> tuple[tuple[float, float, float], float, float, float]:
    """The best (rates, REFUSE_BELOW, UNKNOWN_TERMS_BELOW, SALIENT_UNKNOWN) on the rows.

    Ties go to the lowest similarity thresholds (refuse no more than the dev data asks for); the
    salience threshold is the middle of the interval that scores best with them, so it sits as far
    as the data allows from the answerable and the unanswerable questions on either side.
    """
    scored = [(rates(rows, lo, mi, sa), lo, mi, sa) for lo in SIMILARITY_GRID for mi in SIMILARITY_GRID if mi >= lo
              for sa in SALIENCE_GRID]
    best = max(scored, key=lambda t: (t[0][0], -t[1], -t[2]))
    interval = [sa for result, lo, mi, sa in scored if (lo, mi) == best[1:3] and result[0] == best[0][0]]
    middle = round((min(interval) + max(interval)) / 2, 3)
    return rates(rows, best[1], best[2], middle), best[1], best[2], middle


def calibrate(settings) -> dict:
    """Grid-search the gate thresholds on the dev split; prints the table and the best triple."""
    questions = load_questions(split="dev")
    engine = ChatEngine(settings, session=SESSION, use_llm=False)
    rows = []
    for q in questions:
        answer = ask_alone(engine, q)
        rows.append({"id": q.id, "answerable": q.answerable, "scoped": bool(q.scope), "top_score": answer.top_score or 0.0,
                     "unknown_terms": answer.unknown_terms, "unknown_salience": answer.unknown_salience})
    (objective, refusal, false), low, mid, salient = best_thresholds(rows)
    # the same search with every unknown word counted as salient: what the salience signal adds
    plain = max(((rates(rows, lo, mi, 0.0), lo, mi) for lo in SIMILARITY_GRID for mi in SIMILARITY_GRID if mi >= lo),
                key=lambda t: (t[0][0], -t[1], -t[2]))
    current = rates(rows, gate.REFUSE_BELOW, gate.UNKNOWN_TERMS_BELOW, gate.SALIENT_UNKNOWN)
    print(f"\n## Dev split ({len(rows)} questions): best similarity and unknown terms per question\n")
    print("| question | answerable | top score | unknown terms | salience |")
    print("|---|---|---|---|---|")
    for r in sorted(rows, key=lambda r: -r["top_score"]):
        print(f"| {r['id']}{' (scoped)' if r['scoped'] else ''} | {'yes' if r['answerable'] else 'no'} | {r['top_score']:.4f} "
              f"| {', '.join(r['unknown_terms'])} | {r['unknown_salience']:.3f} |")
    print("\n| REFUSE_BELOW | UNKNOWN_TERMS_BELOW | SALIENT_UNKNOWN | dev refusal accuracy | dev false-refusal | objective |")
    print("|---|---|---|---|---|---|")
    print(f"| {gate.REFUSE_BELOW} | {gate.UNKNOWN_TERMS_BELOW} | {gate.SALIENT_UNKNOWN} (current) | {current[1]:.3f} | {current[2]:.3f} | {current[0]:.3f} |")
    print(f"| **{low}** | **{mid}** | **{salient}** (best on dev) | {refusal:.3f} | {false:.3f} | {objective:.3f} |")
    print(f"| {plain[1]} | {plain[2]} | 0 (every unknown word counts; best) | {plain[0][1]:.3f} | {plain[0][2]:.3f} | {plain[0][0]:.3f} |")
    return {"split": "dev", "n": len(rows), "refuse_below": low, "unknown_terms_below": mid, "salient_unknown": salient,
            "dev_refusal_accuracy": round(refusal, 4), "dev_false_refusal_rate": round(false, 4), "objective": round(objective, 4),
            "without_salience": {"refusal_accuracy": round(plain[0][1], 4), "false_refusal_rate": round(plain[0][2], 4)},
            "current": {"refusal_accuracy": round(current[1], 4), "false_refusal_rate": round(current[2], 4)}, "rows": rows}


# --- report (test) -------------------------------------------------------------------------

def token_records(engine: ChatEngine) -> list[dict]:
    path = engine.settings.runs_dir / f"chat-{engine.history.path.stem}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def machine_info() -> dict:
    """Cores, load average and versions (bench/machine.py); import-time safe when it is missing."""
    try:
        from bench.machine import machine_info as describe_machine
    except ImportError:
        import os
        import platform

        return {"cores": os.cpu_count(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version()}
    return describe_machine()


def rates_without_salience(per_question: list[dict]) -> dict:
    """Refusal rates this run would have had if every unknown word counted (the gate before the salience signal).

    That gate refuses a superset of what the current one refuses, so its outcome is known for every question:
    refused when the current answer was, or when an unknown word and a top score below UNKNOWN_TERMS_BELOW meet.
    """
    def refused(p: dict) -> bool:
        return p["refused"] or (bool(p["unknown_terms"]) and (p["top_score"] or 0.0) < gate.UNKNOWN_TERMS_BELOW)

    ans, unans = [p for p in per_question if p["answerable"]], [p for p in per_question if not p["answerable"]]
    return {"refusal_accuracy": round(sum(map(refused, unans)) / len(unans), 4) if unans else None,
            "false_refusal_rate": round(sum(map(refused, ans)) / len(ans), 4) if ans else None,
            "refused_answerable": sum(map(refused, ans)), "answerable": len(ans),
            "refused_unanswerable": sum(map(refused, unans)), "unanswerable": len(unans)}


def report(settings, quick: bool) -> dict:
    machine = machine_info()
    questions = load_questions(split="test")
    if quick:  # keep both kinds in the quick sample
        ans, unans = [q for q in questions if q.answerable], [q for q in questions if not q.answerable]
        questions = ans[:QUICK_ANSWERABLE] + unans[:QUICK_UNANSWERABLE]
    units = api.units_by_id(settings)
    gold = chat_questions(questions, list(units.values()))
    engine = ChatEngine(settings, session=SESSION)
    # The first answer starts the local model server; a dev question absorbs that so latencies are per answer.
    warm_up = ask_alone(engine, next(q for q in load_questions(split="dev") if q.answerable))
    print(f"warm-up (model start + one dev answer): {warm_up.latency_s:.1f}s", file=sys.stderr, flush=True)
    by_text = {q.question: q for q in questions}
    per_question: list[dict] = []

    def answer(text: str) -> dict:
        q = by_text[text]
        seen = len(token_records(engine))
        reply = ask_alone(engine, q)
        calls = [r for r in token_records(engine)[seen:] if r.get("event") == "llm_call"]
        per_question.append({"id": q.id, "answerable": q.answerable, "refused": reply.refused, "origin": reply.origin,
                             "top_score": reply.top_score, "unknown_terms": reply.unknown_terms,
                             "unknown_salience": reply.unknown_salience, "latency_s": reply.latency_s, "llm_calls": len(calls),
                             "tokens_in": sum(r.get("tokens_in") or 0 for r in calls),
                             "tokens_out": sum(r.get("tokens_out") or 0 for r in calls)})
        print(f"{len(per_question)}/{len(questions)} {q.id}: {'refused' if reply.refused else 'answered'} "
              f"({reply.origin}, {reply.latency_s:.1f}s)", file=sys.stderr, flush=True)
        return eval_view(reply)

    started = time.perf_counter()
    suite = run_chat_suite(gold, answer, units, embedder=engine.store.embedder)
    total = time.perf_counter() - started
    with_llm = [p for p in per_question if p["llm_calls"]]
    tokens = {"tokens_in_per_answer": float(np.mean([p["tokens_in"] for p in with_llm])) if with_llm else None,
              "tokens_out_per_answer": float(np.mean([p["tokens_out"] for p in with_llm])) if with_llm else None,
              "llm_calls_per_answer": float(np.mean([p["llm_calls"] for p in with_llm])) if with_llm else None}
    gated_in = [p for p in per_question if p["origin"] != "extractive" or not p["refused"]]  # passed the gate
    origins = {o: sum(p["origin"] == o for p in gated_in) for o in ("llm", "extractive", "map")}
    llm_refusals = sum(p["origin"] == "llm" and p["refused"] for p in per_question)
    gate_refusals = sum(p["origin"] == "extractive" and p["refused"] for p in per_question)
    print_report(suite, tokens, origins, llm_refusals, gate_refusals, len(questions), total, engine)
    without = rates_without_salience(per_question)
    print(f"\nSame run, gate without the salience signal (every unknown word counts): refusal accuracy "
          f"{without['refused_unanswerable']}/{without['unanswerable']}, false-refusal {without['refused_answerable']}/{without['answerable']}")
    return {"split": "test", "quick": quick, "questions": len(questions), "machine": machine,
            "gate": {"refuse_below": gate.REFUSE_BELOW, "unknown_terms_below": gate.UNKNOWN_TERMS_BELOW,
                     "salient_unknown": gate.SALIENT_UNKNOWN},
            "without_salience": rates_without_salience(per_question), "refuse_below": gate.REFUSE_BELOW,
            "model": getattr(engine.handle(), "model", None), "warm_up_s": warm_up.latency_s, "total_s": round(total, 1), **tokens,
            "origins_past_gate": origins, "gate_refusals": gate_refusals, "llm_refusals": llm_refusals,
            "suite": json.loads(suite.model_dump_json()), "per_question": per_question}


def print_report(suite, tokens, origins, llm_refusals, gate_refusals, n, total, engine) -> None:
    print(f"\n## Chat on the test split ({n} questions; model {getattr(engine.handle(), 'model', '?')}; "
          f"gate REFUSE_BELOW {gate.REFUSE_BELOW}, UNKNOWN_TERMS_BELOW {gate.UNKNOWN_TERMS_BELOW}, "
          f"SALIENT_UNKNOWN {gate.SALIENT_UNKNOWN}; {total:.0f}s)\n")
    print("| metric | value | n | target | met | detail |")
    print("|---|---|---|---|---|---|")
    for m in suite.metrics:
        target, higher = TARGETS.get(m.name, (m.threshold, m.higher_is_better))
        value = "skipped" if m.score is None else f"{m.score:.3f}"
        met = "" if m.score is None or target is None else ("yes" if (m.score >= target if higher else m.score <= target) else "NO")
        bound = "" if target is None else f"{'>=' if higher else '<='} {target}"
        print(f"| {m.name} | {value} | {m.n} | {bound} | {met} | {m.reason} |")
    print(f"| tokens in / out per LLM answer | {_num(tokens['tokens_in_per_answer'])} / {_num(tokens['tokens_out_per_answer'])} "
          f"| | | | {tokens['llm_calls_per_answer'] or 0:.2f} calls per answer (re-asks included) |")
    past = sum(origins.values())
    print(f"| answers past the gate: LLM-written / extractive fallback | {origins['llm']} / {origins['extractive']} | {past} | | | "
          f"LLM-written includes {llm_refusals} LLM abstentions; {gate_refusals} refused by the gate |")
    failing = [(m.name, i) for m in suite.metrics for i in m.items]
    if failing:
        print("\nFailing items:")
        for name, item in failing:
            print(f"- {name}: {item.location}: {item.reason}")


def summary_rows(report: dict) -> list[dict]:
    """Rows for `python -m bench`: latency, tokens and the three answer-quality rates of the test run."""
    metrics = {m["name"]: m for m in report.get("suite", {}).get("metrics", [])}
    n = report.get("questions", "?")
    scope = f"{n} test questions{' (quick)' if report.get('quick') else ''}"
    model = report.get("model") or "local default"
    per_question = report.get("per_question", [])
    gated = sorted(p["latency_s"] for p in per_question if p["origin"] == "extractive" and p["refused"])
    without = report.get("without_salience") or {}

    def score(name: str) -> float | None:
        return metrics.get(name, {}).get("score")

    def rate_row(name: str, measure: str, target: float, higher: bool, baseline: str) -> dict:
        value = score(name)
        metric = metrics.get(name, {})
        return {"area": "chat", "measure": f"{measure}, {scope}",
                "value": "n/a" if value is None else f"{value:.3f} ({metric.get('reason', '')})",
                "baseline": baseline, "target": f"{'>=' if higher else '<='} {target}",
                "met": None if value is None else (value >= target if higher else value <= target),
                "limited_by": "evidence gate (assistant/chat/gate.py) and model abstentions"}

    p50, p95 = score("latency_p50_s"), score("latency_p95_s")
    tokens_in, tokens_out = report.get("tokens_in_per_answer"), report.get("tokens_out_per_answer")
    same_run = "gate without the salience signal: {:.3f}"
    warm_up = report.get("warm_up_s")
    rows = [
        {"area": "chat", "measure": f"answer latency p50 / p95, {model}, {scope}",
         "value": "n/a" if p50 is None else f"{p50:.2f} s / {p95:.2f} s",
         "baseline": f"gate refusals (retrieval + gate, no LLM) p50 {float(np.median(gated)):.2f} s" if gated else "",
         "target": "", "met": None, "limited_by": "local LLM generation on CPU"},
        {"area": "chat", "measure": f"tokens per LLM answer in / out, {model}",
         "value": f"{_num(tokens_in)} / {_num(tokens_out)}", "baseline": "", "target": "", "met": None,
         "limited_by": "prompt: question + up to 6 quoted sources"},
        rate_row("chat_citation_validity", "citation validity", 1.0, True, ""),
        rate_row("refusal_accuracy", "refusal accuracy (unanswerable refused)", 0.9, True,
                 same_run.format(without["refusal_accuracy"]) if without.get("refusal_accuracy") is not None else ""),
        rate_row("false_refusal_rate", "false-refusal rate (answerable refused)", 0.1, False,
                 same_run.format(without["false_refusal_rate"]) if without.get("false_refusal_rate") is not None else ""),
    ]
    if warm_up is not None:
        rows.insert(1, {"area": "chat", "measure": f"first answer, local model server start included (a dev question), {model}",
                        "value": f"{warm_up:.1f} s", "baseline": "", "target": "", "met": None, "limited_by": "loading the GGUF model"})
    return rows


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true", help="dev split: choose REFUSE_BELOW from retrieval scores")
    parser.add_argument("--quick", action="store_true",
                        help=f"smoke run: {QUICK_ANSWERABLE} answerable and {QUICK_UNANSWERABLE} unanswerable test questions")
    parser.add_argument("--workspace", type=Path, help="reuse this workspace (ingests the sample corpus when empty)")
    parser.add_argument("--out", type=Path, help="JSON report path (default bench/results/bench_chat[-quick|_calibrate].json)")
    args = parser.parse_args()
    settings = prepare_workspace(args.workspace)
    result = calibrate(settings) if args.calibrate else report(settings, args.quick)
    name = "bench_chat_calibrate.json" if args.calibrate else ("bench_chat-quick.json" if args.quick else "bench_chat.json")
    out = args.out or RESULTS / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
