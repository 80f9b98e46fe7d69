import json
from pathlib import Path

from evals.cli_support import run_eval
from evals.mutations import shift_offset
from evals.report import load_history
from tests.mapfixtures import make_map


def test_grounding_passes_with_exit_0_and_records_history(tmp_path: Path):
    units, journey_map = make_map()
    history = tmp_path / "runs" / "evals.jsonl"
    text, code = run_eval(journey_map, units, history_path=history, embedder=None)
    assert code == 0
    assert "## grounding · map-test v1" in text and "· PASSED" in text
    assert text.rstrip().endswith("Gate: PASSED (exit code 0)\nDecided by every metric against its default threshold "
                                  "(gate on chosen metrics with --fail-under METRIC=VALUE).")
    [record] = load_history(history)
    assert record.suite == "grounding" and record.map_id == "map-test" and record.metrics["quote_verbatim_rate"] == 1.0


def test_broken_map_fails_the_gate_with_exit_1_and_names_the_location():
    units, journey_map = make_map()
    broken = shift_offset(units, journey_map).journey_map
    text, code = run_eval(broken, units, embedder=None, report_format="json")
    data = json.loads(text)
    assert code == 1 and data["gate"]["passed"] is False
    assert data["gate"]["failures"] == ["grounding.quote_verbatim_rate = 0.9375 (needs ≥ 1)"]
    metric = next(m for m in data["reports"][0]["metrics"] if m["name"] == "quote_verbatim_rate")
    assert metric["items"][0]["location"] == "stages.consideration.pain_points.pp-consideration-1.evidence[0]"


def test_fail_under_overrides_default_thresholds():
    units, journey_map = make_map()
    broken = shift_offset(units, journey_map).journey_map
    text, code = run_eval(broken, units, fail_under=["quote_verbatim_rate=0.9"], embedder=None, report_format="html")
    assert code == 0 and "<h2>Gate: PASSED (exit code 0)</h2><p>Decided by --fail-under quote_verbatim_rate ≥ 0.9 only" in text
    assert "<td>quote_verbatim_rate</td><td>0.9375</td><td>≥ 0.9</td><td class=pass>pass</td>" in text
    _, code = run_eval(journey_map, units, fail_under="persona_balance=0.99", embedder=None)
    assert code == 1


def test_the_report_header_agrees_with_the_gate_and_says_what_decided_it():
    units, journey_map = make_map()
    broken = shift_offset(units, journey_map).journey_map  # quote_verbatim_rate 0.9375, below its default of 1
    text, code = run_eval(broken, units, fail_under=["evidence_per_claim=1.0", "citation_validity=1.0"], embedder=None)
    assert code == 0
    assert "· gated metrics PASSED · not gated, below the default threshold: quote_verbatim_rate" in text
    assert "FAILED" not in text.split("Gate:")[0]
    assert "| quote_verbatim_rate | 0.9375 | ≥ 1 | FAIL (not gated) |" in text
    assert text.rstrip().endswith(
        "Gate: PASSED (exit code 0)\n"
        "Decided by --fail-under evidence_per_claim ≥ 1, citation_validity ≥ 1 only; the other metrics are reported, not gated.\n"
        "Not gated, below their default threshold: grounding.quote_verbatim_rate = 0.9375 (default needs ≥ 1)")

    text, code = run_eval(broken, units, fail_under=["quote_verbatim_rate=1.0"], embedder=None)
    assert code == 1 and "· gated metrics FAILED" in text and "Gate: FAILED (exit code 1)" in text
    assert "- quote_verbatim_rate = 0.9375 (< 1)" in text

    text, code = run_eval(broken, units, embedder=None)
    assert code == 1 and "· FAILED" in text and "Gate: FAILED (exit code 1)\nDecided by every metric against its default" in text

    data = json.loads(run_eval(broken, units, fail_under=["evidence_per_claim=1.0"], embedder=None, report_format="json")[0])
    assert data["passed"] is True and data["gate"]["exit_code"] == 0
    assert data["gate"]["decided_by"] == {"evidence_per_claim": 1.0}
    assert data["gate"]["not_gated_below_default"] == ["grounding.quote_verbatim_rate = 0.9375 (default needs ≥ 1)"]


def test_usage_errors_exit_2_with_the_fix(tmp_path: Path):
    units, journey_map = make_map()
    assert run_eval(journey_map, units, suite="nope")[1] == 2
    text, code = run_eval(journey_map, units, fail_under=["oops"])
    assert code == 2 and "METRIC=VALUE" in text
    text, code = run_eval(journey_map, units, report_format="pdf")
    assert code == 2 and "markdown, html, json" in text
    text, code = run_eval(None, units, suite="grounding")
    assert code == 2 and "--map" in text
    text, code = run_eval(journey_map, units, suite="accuracy")
    assert code == 2 and "--gold" in text


def test_accuracy_suite_from_a_gold_folder(tmp_path: Path):
    units, journey_map = make_map()
    rows = [{"unit_id": u.id, "stage": u.metadata["stage_hint"]} for u in units.values()]
    (tmp_path / "stages.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    text, code = run_eval(journey_map, units, suite="accuracy", gold=tmp_path, fail_under=["stage_accuracy=0.99"])
    assert code == 0 and "| stage_accuracy | 1 |" in text


def test_chat_suite_through_run_eval(tmp_path: Path):
    units, _ = make_map()
    gold = tmp_path / "questions.yaml"
    gold.write_text("- question: What about the store?\n  answerable: false\n", encoding="utf-8")
    text, code = run_eval(None, units, suite="chat", gold=gold, embedder=None,
                          answer=lambda q: {"refused": True, "sentences": [], "latency": 0.2})
    assert code == 0 and "| refusal_accuracy | 1 |" in text


def test_skipped_benchmarks_pass_unless_gated(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("JOURNEY_SHARED_DATA", str(tmp_path / "absent"))
    text, code = run_eval(None, {}, suite="benchmarks")
    assert code == 0 and text.count("Skipped: benchmark data not found") == 4
    text, code = run_eval(None, {}, suite="benchmarks", fail_under=["stage_accuracy=0.5"])
    assert code == 1 and "stage_accuracy: not in the report" in text and "skipped" in text
