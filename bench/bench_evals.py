"""Grounding-suite runtime: the test fixture map and a synthetic 10k-unit map, with the local MiniLM embedder.

    .venv/bin/python bench/bench_evals.py                 # fixture + 10k units
    .venv/bin/python bench/bench_evals.py --units 2000    # a smaller synthetic map

Targets: < 30 s on the sample map, < 5 min on a 10k-unit map on 2 cores.
Prints a Markdown table and writes JSON to bench/results/bench_evals.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.models import (  # noqa: E402
    Claim, Evidence, FeedbackUnit, JourneyMap, Locator, ModelInfo, Persona, Prevalence, Stage, StageDefinition,
    StageSet, corpus_fingerprint, unit_id_for,
)
from evals.grounding import run_grounding  # noqa: E402
from vectorstore.embedders import default_embedder  # noqa: E402

STAGES = {
    "discovery": ["the product page", "the size guide", "the search results", "the reviews section"],
    "purchase": ["the checkout", "the card payment", "the promo code box", "the basket"],
    "delivery": ["the parcel", "the tracking page", "the courier", "the delivery slot"],
    "returns": ["the returns form", "the refund", "the exchange", "the return label"],
    "support": ["the live chat", "the help centre", "the phone line", "the email reply"],
}
PAINS = ["kept failing when I tried again", "was confusing and slow", "took {n} days to sort out", "never worked on my phone",
         "gave me the wrong information", "crashed twice in a row"]
DELIGHTS = ["was quick and painless", "worked first time", "was really clear", "arrived in {n} days, brilliant"]
OPENERS = ["Honestly,", "To be fair,", "Last week", "As a regular customer,", "Overall", "Sadly"]
TAILS = ["I would not recommend it.", "I will order again.", "My friend said the same.", "It was a mixed experience.", ""]


def synthetic_corpus(n_units: int, rng: random.Random) -> tuple[dict[str, FeedbackUnit], dict[str, list[str]]]:
    """n_units feedback units spread over the stages; returns (units, unit ids per stage)."""
    units: dict[str, FeedbackUnit] = {}
    by_stage: dict[str, list[str]] = {s: [] for s in STAGES}
    for i in range(n_units):
        stage = rng.choice(list(STAGES))
        good = rng.random() < 0.35
        topic = rng.choice(STAGES[stage])
        phrase = rng.choice(DELIGHTS if good else PAINS).format(n=rng.randint(1, 14))
        # the order number makes every quote a distinct text, so nothing is embedded twice by luck
        text = f"{rng.choice(OPENERS)} {topic} {phrase} on order {10_000 + i}. {rng.choice(TAILS)}".strip()
        locator = Locator(kind="row", index=i, char_start=0, char_end=len(text))
        unit = FeedbackUnit(id=unit_id_for("synthetic.csv", locator.label(), text), text=text, source="synthetic.csv",
                            locator=locator, respondent=f"r{rng.randint(1, n_units // 4)}",
                            metadata={"stage": stage, "topic": topic, "polarity": "delight" if good else "pain"})
        units[unit.id] = unit
        by_stage[stage].append(unit.id)
    return units, by_stage


def _claim(cid: str, text: str, members: list[FeedbackUnit], quotes: int, kind: str = "observed") -> Claim:
    evidence = [Evidence.from_unit(u, u.text.split(".")[0]) for u in members[:quotes]]
    return Claim(id=cid, text=text, kind=kind, evidence=evidence, unit_ids=[u.id for u in members],
                 prevalence=Prevalence(units=len(members), respondents=len({u.respondent for u in members})), confidence=0.7)


def synthetic_map(n_units: int, seed: int = 7) -> tuple[dict[str, FeedbackUnit], JourneyMap]:
    """A 5-stage map over n_units units: ~1 claim per 30 units (5 quotes each), 8 personas."""
    rng = random.Random(seed)
    units, by_stage = synthetic_corpus(n_units, rng)
    stages = []
    for order, (name, ids) in enumerate(by_stage.items()):
        pains, delights = [], []
        for topic in STAGES[name]:
            for polarity, lane, verb in (("pain", pains, "Problems with"), ("delight", delights, "Customers praise")):
                members = [units[i] for i in ids if units[i].metadata["topic"] == topic and units[i].metadata["polarity"] == polarity]
                lane += [_claim(f"{polarity}-{name}-{topic.split()[-1]}-{k}", f"{verb} {topic}", members[k : k + 30], 5)
                         for k in range(0, len(members), 30)]
        stages.append(Stage(name=name, description=f"the {name} stage", order=order, unit_ids=ids, pain_points=pains, delights=delights))
    respondents = sorted({u.respondent for u in units.values()})
    personas = []
    topics = [(stage, topic) for stage in STAGES for topic in STAGES[stage]]
    for p in range(8):
        focus = topics[p * 2 : p * 2 + 2]  # each persona cares about two topics of its own
        pool = [u for u in units.values() if (u.metadata["stage"], u.metadata["topic"]) in focus]
        members = rng.sample(pool, 40)
        frustrations = [_claim(f"fr-{p}-{k}", f"Frustrated by {members[k * 8].metadata['topic']}", members[k * 8 : k * 8 + 8], 3)
                        for k in range(4)]
        personas.append(Persona(id=f"persona-{p}", name=f"Segment {p}", summary=f"Cares about {focus[0][1]} and {focus[1][1]}",
                                share=1 / 8, respondents=respondents[p::8], frustrations=frustrations,
                                representative_quotes=[Evidence.from_unit(u) for u in members[32:35]]))
    journey_map = JourneyMap(id="map-synthetic", title="Synthetic", corpus_fingerprint=corpus_fingerprint(list(units)),
                             stage_set=StageSet(name="synthetic", stages=[StageDefinition(name=s, description=s) for s in STAGES]),
                             stages=stages, personas=personas,
                             model_info=ModelInfo(provider="none", model="none", embedder="minilm"), run_id="bench")
    return units, journey_map


def time_suite(label: str, units, journey_map, embedder) -> dict:
    start = time.perf_counter()
    report = run_grounding(journey_map, units, embedder=embedder)
    seconds = time.perf_counter() - start
    failed = [m.name for m in report.metrics if m.passed is False]
    return {"map": label, "units": len(units), "claims": report.info["claims"], "quotes": report.info["quotes"],
            "seconds": round(seconds, 2), "passed": report.passed, "failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000, help="size of the synthetic map's corpus")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from tests.mapfixtures import make_map

    start = time.perf_counter()
    embedder = default_embedder()
    load_s = time.perf_counter() - start
    rows = [time_suite("fixture (tests/mapfixtures.py)", *make_map(), embedder)]
    start = time.perf_counter()
    units, journey_map = synthetic_map(args.units)
    build_s = time.perf_counter() - start
    rows.append(time_suite(f"synthetic {args.units} units", units, journey_map, embedder))
    result = {"cores": len(os.sched_getaffinity(0)), "loadavg": os.getloadavg(), "embedder": embedder.name,
              "embedder_load_s": round(load_s, 2), "synthetic_build_s": round(build_s, 2), "runs": rows}
    print("| map | units | claims | quotes | seconds | passed |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['map']} | {r['units']} | {r['claims']} | {r['quotes']} | {r['seconds']} | {r['passed']} {r['failed'] or ''} |")
    print(f"(embedder load {load_s:.2f} s, synthetic map build {build_s:.2f} s, {result['cores']} cores, load {result['loadavg'][0]:.1f})")
    out = ROOT / "bench" / "results" / "bench_evals.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
