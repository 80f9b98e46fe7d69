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
    assert "## grounding · map-test v1" in text and text.rstrip().endswith("Gate: PASSED")
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
    assert code == 0 and "<h2>Gate: PASSED</h2>" in text
    _, code = run_eval(journey_map, units, fail_under="persona_balance=0.99", embedder=None)
    assert code == 1


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
