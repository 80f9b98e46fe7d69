"""Benchmark the corpus chat on the Threadline question set: calibrate the refusal gate on dev, report on test.

    .venv/bin/python bench/bench_chat.py --calibrate                  # dev split, retrieval only: both gate thresholds
    .venv/bin/python bench/bench_chat.py [--quick] [--workspace DIR]   # test split, default local model

The sample corpus (assistant/samples/clothing) is ingested into a fresh workspace (or the one
given by --workspace, reused when it already holds units). Calibration never looks at the test
split. The report prints a Markdown table and writes bench/results/bench_chat.json.
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
QUICK_N = 10
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

def rates(rows: list[dict], low: float, mid: float) -> tuple[float, float, float]:
    """(objective, refusal accuracy on unanswerable, false-refusal rate on answerable) for gate thresholds."""
    def refused(r: dict) -> bool:
        return r["top_score"] < low or (bool(r["unknown_terms"]) and r["top_score"] < mid)

    unans = [r for r in rows if not r["answerable"]]
    ans = [r for r in rows if r["answerable"]]
    refusal = sum(map(refused, unans)) / len(unans) if unans else 1.0
    false = sum(map(refused, ans)) / len(ans) if ans else 0.0
    return (refusal + 1 - false) / 2, refusal, false


def calibrate(settings) -> dict:
    """Grid-search both gate thresholds on the dev split; prints the table and the best pair."""
    questions = load_questions(split="dev")
    engine = ChatEngine(settings, session=SESSION, use_llm=False)
    rows = []
    for q in questions:
        answer = ask_alone(engine, q)
        rows.append({"id": q.id, "answerable": q.answerable, "scoped": bool(q.scope), "top_score": answer.top_score or 0.0,
                     "unknown_terms": answer.unknown_terms})
    grid = [round(0.30 + 0.01 * i, 2) for i in range(36)]
    # ties go to the lowest thresholds: refuse no more than the dev data asks for
    (objective, refusal, false), low, mid = max(((rates(rows, lo, mi), lo, mi) for lo in grid for mi in grid if mi >= lo),
                                                key=lambda t: (t[0][0], -t[1], -t[2]))
    current = rates(rows, gate.REFUSE_BELOW, gate.UNKNOWN_TERMS_BELOW)
    print(f"\n## Dev split ({len(rows)} questions): best similarity and unknown terms per question\n")
    print("| question | answerable | top score | unknown terms |")
    print("|---|---|---|---|")
    for r in sorted(rows, key=lambda r: -r["top_score"]):
        print(f"| {r['id']}{' (scoped)' if r['scoped'] else ''} | {'yes' if r['answerable'] else 'no'} | {r['top_score']:.4f} | {', '.join(r['unknown_terms'])} |")
    print("\n| REFUSE_BELOW | UNKNOWN_TERMS_BELOW | dev refusal accuracy | dev false-refusal | objective |")
    print("|---|---|---|---|---|")
    print(f"| {gate.REFUSE_BELOW} | {gate.UNKNOWN_TERMS_BELOW} (current) | {current[1]:.3f} | {current[2]:.3f} | {current[0]:.3f} |")
    print(f"| **{low}** | **{mid}** (best on dev) | {refusal:.3f} | {false:.3f} | {objective:.3f} |")
    return {"split": "dev", "n": len(rows), "refuse_below": low, "unknown_terms_below": mid, "dev_refusal_accuracy": round(refusal, 4),
            "dev_false_refusal_rate": round(false, 4), "objective": round(objective, 4), "rows": rows}


# --- report (test) -------------------------------------------------------------------------

def token_records(engine: ChatEngine) -> list[dict]:
    path = engine.settings.runs_dir / f"chat-{engine.history.path.stem}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def report(settings, quick: bool) -> dict:
    questions = load_questions(split="test")
    if quick:  # keep both kinds in the quick sample
        ans, unans = [q for q in questions if q.answerable], [q for q in questions if not q.answerable]
        questions = ans[:QUICK_N - QUICK_N * 3 // 10] + unans[:QUICK_N * 3 // 10]
    units = api.units_by_id(settings)
    gold = chat_questions(questions, list(units.values()))
    engine = ChatEngine(settings, session=SESSION)
    by_text = {q.question: q for q in questions}
    per_question: list[dict] = []

    def answer(text: str) -> dict:
        q = by_text[text]
        seen = len(token_records(engine))
        reply = ask_alone(engine, q)
        calls = [r for r in token_records(engine)[seen:] if r.get("event") == "llm_call"]
        per_question.append({"id": q.id, "answerable": q.answerable, "refused": reply.refused, "origin": reply.origin,
                             "top_score": reply.top_score, "latency_s": reply.latency_s, "llm_calls": len(calls),
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
    return {"split": "test", "quick": quick, "questions": len(questions), "refuse_below": gate.REFUSE_BELOW,
            "model": getattr(engine.handle(), "model", None), "total_s": round(total, 1), **tokens,
            "origins_past_gate": origins, "gate_refusals": gate_refusals, "llm_refusals": llm_refusals,
            "suite": json.loads(suite.model_dump_json()), "per_question": per_question}


def print_report(suite, tokens, origins, llm_refusals, gate_refusals, n, total, engine) -> None:
    print(f"\n## Chat on the test split ({n} questions; model {getattr(engine.handle(), 'model', '?')}; "
          f"REFUSE_BELOW {gate.REFUSE_BELOW}; {total:.0f}s)\n")
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


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true", help="dev split: choose REFUSE_BELOW from retrieval scores")
    parser.add_argument("--quick", action="store_true", help=f"report on {QUICK_N} test questions")
    parser.add_argument("--workspace", type=Path, help="reuse this workspace (ingests the sample corpus when empty)")
    args = parser.parse_args()
    settings = prepare_workspace(args.workspace)
    result = calibrate(settings) if args.calibrate else report(settings, args.quick)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "bench_chat_calibrate.json" if args.calibrate else ("bench_chat-quick.json" if args.quick else "bench_chat.json")
    (RESULTS / name).write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {RESULTS / name}")


if __name__ == "__main__":
    main()
