"""Benchmark the LLM chains on the default local model: validity (first try / after re-asks), latency, tokens/s.

    .venv/bin/python bench/bench_llm.py [--n 30] [--chains theme_label,chat_answer] [--threads 0]

Inputs are built from realistic clothing-store feedback snippets written for this script.
Prints a Markdown table and writes JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.config import load_settings  # noqa: E402
from assistant.errors import JourneyError  # noqa: E402
from assistant.llm.local_server import default_threads  # noqa: E402
from assistant.llm.outputs import CHAIN_OUTPUTS  # noqa: E402
from assistant.llm.prompts import Source, render_sources  # noqa: E402
from assistant.llm.providers import model_handle  # noqa: E402
from assistant.llm.structured import run_chain  # noqa: E402
from assistant.models import FeedbackUnit, Locator, unit_id_for  # noqa: E402
from assistant.workspace import RunLog  # noqa: E402

STAGES = {
    "Discovery": ("finding the shop and products", [
        ("pain point", "Your Instagram ads showed a dress that I could not find anywhere on the website."),
        ("pain point", "I searched for 'linen trousers' and got swimwear and socks in the results."),
        ("pain point", "The newsletter sends me five emails a week about things I never buy."),
        ("pain point", "Nobody told me the store had a kids section until my third visit."),
        ("delight", "A friend recommended you and the first-order discount sealed it."),
        ("delight", "The style quiz on the homepage suggested jackets I actually liked."),
    ]),
    "Browsing": ("comparing items, sizes and fit", [
        ("pain point", "The size guide is in centimetres only and the chart does not match the labels."),
        ("pain point", "Photos are all on very tall models so I cannot tell how long the coat is."),
        ("pain point", "Half the colours in the filter are out of stock in my size."),
        ("pain point", "Reviews do not say whether the jeans run small or large."),
        ("delight", "Being able to see the fabric close up with zoom helped me choose."),
        ("delight", "The fit notes under each photo saying 'model wears size 10' are really useful."),
    ]),
    "Purchase": ("paying for the order at checkout", [
        ("pain point", "The checkout page froze twice when I entered my card details."),
        ("pain point", "Paying with PayPal kept failing on my phone."),
        ("pain point", "I gave up at checkout because the promo code would not apply."),
        ("pain point", "Delivery costs only appeared on the last page, which felt sneaky."),
        ("delight", "Apple Pay made checkout take about ten seconds."),
        ("delight", "Guest checkout meant I did not have to create yet another account."),
    ]),
    "Delivery": ("waiting for and receiving the parcel", [
        ("pain point", "My parcel arrived four days after the promised date."),
        ("pain point", "Tracking said delivered but nothing was at my door."),
        ("pain point", "The courier left the box in the rain and the jumper was soaked."),
        ("pain point", "No one answered when I asked where my order was."),
        ("delight", "Next-day delivery actually arrived the next morning."),
        ("delight", "The parcel was neatly packed with tissue paper and a handwritten note."),
    ]),
    "Returns": ("returning items and getting refunds", [
        ("pain point", "I had to print a return label and I do not own a printer."),
        ("pain point", "The refund took three weeks to reach my account."),
        ("pain point", "Customer service closed my return ticket without answering it."),
        ("pain point", "Exchanging for a different size meant paying for shipping again."),
        ("delight", "Returning the jeans was free and the refund came in two days."),
        ("delight", "The QR code return at the post office took one minute."),
    ]),
}
QUESTIONS = [
    "What do customers say about checkout?", "Why do customers return items?", "How do customers feel about delivery?",
    "What problems do customers have with sizing?", "What do customers like about the website?",
    "What do customers say about customer service?", "Do customers mention store opening hours?",
    "What do customers think of the loyalty programme?", "How do customers find out about the shop?",
    "What do customers say about refunds?",
]
ATTRIBUTES = ["age 25-34 (14), department: Dresses (9), rating 4-5 (10)", "age 45-64 (11), department: Tops (8), rating 1-2 (6)",
              "age 18-24 (20), department: Jeans (12), rating 3 (7)", "department: Kids (9), buys monthly (6)"]


def corpus() -> dict[str, FeedbackUnit]:
    units = {}
    for stage, (_, items) in STAGES.items():
        for i, (_, text) in enumerate(items):
            uid = unit_id_for(f"bench/{stage}.csv", f"row {i}", text)
            units[uid] = FeedbackUnit(id=uid, text=text, source=f"bench/{stage}.csv", respondent=f"r{i}",
                                      locator=Locator(kind="row", index=i, char_start=0, char_end=len(text)))
    return units


def _pick(rng: random.Random, units, stage: str | None, polarity: str | None, k: int) -> list[Source]:
    pool = [u for u in units.values() if (stage is None or u.source == f"bench/{stage}.csv")
            and (polarity is None or dict((t, p) for p, t in STAGES[u.source[6:-4]][1])[u.text] == polarity)]
    return [Source(u.id, u.text) for u in rng.sample(pool, min(k, len(pool)))]


def make_inputs(chain: str, n: int, units, seed: int = 7) -> list[tuple[dict, list[Source] | None]]:
    """n (variables, sources) pairs for one chain."""
    rng = random.Random(f"{chain}-{seed}")
    stages = list(STAGES)
    out = []
    for i in range(n):
        stage = stages[i % len(stages)]
        polarity = "pain point" if i % 3 else "delight"
        if chain == "theme_label":
            srcs = _pick(rng, units, stage, polarity, rng.randint(2, 4))
            out.append(({"stage": stage, "polarity": polarity, "evidence": render_sources(srcs)}, srcs))
        elif chain == "persona_profile":
            srcs = _pick(rng, units, None, None, rng.randint(4, 6))
            out.append(({"attributes": ATTRIBUTES[i % len(ATTRIBUTES)], "evidence": render_sources(srcs)}, srcs))
        elif chain == "stage_details":
            srcs = _pick(rng, units, stage, None, rng.randint(3, 5))
            out.append(({"stage": stage, "stage_description": STAGES[stage][0], "evidence": render_sources(srcs)}, srcs))
        elif chain == "opportunity":
            srcs = _pick(rng, units, stage, "pain point", rng.randint(2, 3))
            out.append(({"pain_point": f"{stage}: {srcs[0].quote.rstrip('.')}", "evidence": render_sources(srcs)}, None))
        elif chain == "chat_answer":
            srcs = _pick(rng, units, None, None, rng.randint(3, 5))
            out.append(({"question": QUESTIONS[i % len(QUESTIONS)], "sources": render_sources(srcs)}, srcs))
    return out


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_chain(chain: str, n: int, handle, units, log: RunLog, max_reasks: int) -> dict:
    first_ok = final_ok = 0
    latencies: list[float] = []
    out_tokens = 0
    failures: list[str] = []
    for variables, srcs in make_inputs(chain, n, units):
        try:
            _, record = run_chain(chain, variables, CHAIN_OUTPUTS[chain], handle=handle, sources=srcs, units=units,
                                  run_log=log, max_reasks=max_reasks)
            attempts = record.attempts
            final_ok += 1
            first_ok += len(attempts) == 1
        except JourneyError as exc:
            failures.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            attempts = []
            for rec in log.records()[-(max_reasks + 1):]:
                latencies.append(rec.get("latency_s", 0.0))
                out_tokens += rec.get("tokens_out", 0)
        for att in attempts:
            latencies.append(att.latency_s)
            out_tokens += att.output_tokens
    return {
        "chain": chain, "n": n, "first_try_valid": first_ok / n, "final_valid": final_ok / n,
        "calls": len(latencies), "p50_s": pct(latencies, 0.5), "p95_s": pct(latencies, 0.95),
        "out_tokens_per_s": out_tokens / sum(latencies) if latencies else 0.0, "failures": failures[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--chains", default="theme_label,persona_profile,stage_details,opportunity,chat_answer")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--max-reasks", type=int, default=2)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-llm-"))
    settings = load_settings(home=home, llm_threads=args.threads, llm_parallel=1, llm_ctx=4096)
    t0 = time.perf_counter()
    handle = model_handle(settings)
    startup = time.perf_counter() - t0
    units = corpus()
    log = RunLog(settings.runs_dir)
    rows = []
    for chain in args.chains.split(","):
        rows.append(bench_chain(chain, args.n, handle, units, log, args.max_reasks))
        r = rows[-1]
        print(f"{chain}: first {r['first_try_valid']:.0%} final {r['final_valid']:.0%} p50 {r['p50_s']:.2f}s", file=sys.stderr, flush=True)
    total = time.perf_counter() - t0
    print(f"\nModel: {handle.model} (local llama.cpp, {settings.llm_threads or default_threads()} threads); server start {startup:.1f}s; total {total:.0f}s\n")
    print("| chain | n | first-try valid | final valid | calls | p50 s/call | p95 s/call | out tok/s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['chain']} | {r['n']} | {r['first_try_valid']:.0%} | {r['final_valid']:.0%} | {r['calls']} | "
              f"{r['p50_s']:.2f} | {r['p95_s']:.2f} | {r['out_tokens_per_s']:.1f} |")
    out_dir = Path(__file__).resolve().parent / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"bench_llm-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"model": handle.model, "startup_s": startup, "total_s": total, "rows": rows,
                                "run_log": str(log.path)}, indent=2), encoding="utf-8")
    print(f"\nwrote {path}; per-call records in {log.path}")


if __name__ == "__main__":
    main()
