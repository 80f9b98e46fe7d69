import json
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from evals.core import EvalResult, FailingItem, SuiteReport
from evals.grounding import run_grounding
from evals.mutations import invent_number
from evals.report import (append_history, compare, compare_markdown, gate, history_markdown, load_history,
                          parse_fail_under, render, to_html, to_json, to_markdown)
from tests.mapfixtures import make_map


def _report(value=0.9, suite="grounding", run_id="run-a") -> SuiteReport:
    return SuiteReport(suite=suite, run_id=run_id, map_id="m", map_version=2, metrics=[
        EvalResult.measure("quote_verbatim_rate", value, 1.0, n=10,
                           items=[FailingItem(location="stages.<b>x</b>", reason="quote '<script>alert(1)</script>' not verbatim")]),
        EvalResult.measure("latency_p95_s", 3.0, 5.0, higher_is_better=False),
        EvalResult.skip("persona_distinctness", "needs an embedder"),
    ])


def test_markdown_lists_metrics_and_failing_items():
    text = to_markdown([_report()])
    assert "## grounding · m v2" in text
    assert "| quote_verbatim_rate | 0.9 | ≥ 1 | FAIL |" in text
    assert "| latency_p95_s | 3 | ≤ 5 | pass |" in text
    assert "| persona_distinctness | – | – | skip | needs an embedder |" in text
    assert "`stages.<b>x</b>`" in text


def test_html_is_self_contained_and_escaped():
    page = to_html([_report()])
    assert page.startswith("<!doctype html>") and "<style>" in page
    assert "<script" not in page and "src=" not in page and "href=" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "stages.&lt;b&gt;x&lt;/b&gt;" in page


def test_json_round_trips_to_reports():
    report = _report()
    data = json.loads(to_json([report]))
    assert data["passed"] is False
    assert SuiteReport.model_validate(data["reports"][0]) == report


def test_unknown_format_names_the_choices():
    with pytest.raises(ConfigError, match="markdown, html, json"):
        render([], "pdf")


def test_skipped_suite_renders_its_reason():
    skipped = SuiteReport(suite="goemotions", skipped="benchmark data not found")
    assert "Skipped: benchmark data not found" in to_markdown([skipped])
    assert "Skipped: benchmark data not found" in to_html([skipped])


def test_history_and_compare(tmp_path: Path):
    path = tmp_path / "runs" / "evals.jsonl"
    append_history(path, [_report(0.5, run_id="r1")])
    append_history(path, [_report(0.75, run_id="r2")])
    records = load_history(path)
    assert [(r.run_id, r.map_id, r.map_version, r.suite) for r in records] == [("r1", "m", 2, "grounding"), ("r2", "m", 2, "grounding")]
    deltas = {d.metric: d for d in compare("r1", "r2", path)}
    assert deltas["quote_verbatim_rate"].delta == pytest.approx(0.25)
    assert deltas["latency_p95_s"].delta == 0
    assert deltas["persona_distinctness"].delta is None
    with pytest.raises(ConfigError, match="no eval run 'r9' in the history; list the recorded runs with `journey eval --history`"):
        compare("r1", "r9", path)


def test_compare_and_history_read_as_tables(tmp_path: Path):
    path = tmp_path / "runs" / "evals.jsonl"
    append_history(path, [_report(0.5, run_id="r1")])
    append_history(path, [_report(0.75, run_id="r2")])
    table = compare_markdown(compare("r1", "r2", path), "r1", "r2").splitlines()
    assert table[0] == "Compare `r1` (A) with `r2` (B)"
    assert table[2] == "| suite | metric | A | B | B − A |"
    assert "| grounding | quote_verbatim_rate | 0.5 | 0.75 | +0.25 |" in table
    assert "| grounding | latency_p95_s | 3 | 3 | 0 |" in table
    assert "| grounding | persona_distinctness | – | – | – |" in table
    assert not any("MetricDelta" in line or "suite=" in line for line in table)
    listed = history_markdown(load_history(path))
    assert listed.startswith("2 eval run(s)") and "| r1 | " in listed and "| grounding | m v2 | failed |" in listed
    assert history_markdown(load_history(path), last=1).startswith("Last 1 of 2 eval runs")
    assert "| r1 |" not in history_markdown(load_history(path), last=1)
    assert history_markdown([]).startswith("No eval runs recorded yet")


def test_compare_reports_directly_on_real_runs():
    units, journey_map = make_map()
    good = run_grounding(journey_map, units)
    bad = run_grounding(invent_number(units, journey_map).journey_map, units)
    deltas = {d.metric: d.delta for d in compare(good, bad)}
    assert deltas["unsupported_numbers"] == pytest.approx(-1 / 11, abs=1e-6)
    assert deltas["quote_verbatim_rate"] == 0


def test_parse_fail_under():
    assert parse_fail_under(["quote_verbatim_rate=1", "citation_validity=0.95,corpus_coverage=0.5"]) == {
        "quote_verbatim_rate": 1.0, "citation_validity": 0.95, "corpus_coverage": 0.5}
    assert parse_fail_under(None) == {}
    for bad in ("quote_verbatim_rate", "x=abc", "=1"):
        with pytest.raises(ConfigError, match="METRIC=VALUE"):
            parse_fail_under([bad])


def test_gate_with_and_without_thresholds():
    report = _report(0.9)
    assert gate(report, {}) == (False, ["grounding.quote_verbatim_rate = 0.9 (needs ≥ 1)"])
    assert gate(report, {"quote_verbatim_rate": 0.8}) == (True, [])
    passed, failures = gate(report, {"quote_verbatim_rate": 0.95, "latency_p95_s": 2, "persona_distinctness": 0.1, "nope": 1})
    assert not passed
    assert failures[0] == "quote_verbatim_rate = 0.9 (< 0.95)"
    assert failures[1] == "latency_p95_s = 3 (> 2)"
    assert failures[2] == "persona_distinctness: skipped (needs an embedder)"
    assert failures[3].startswith("nope: not in the report (have: quote_verbatim_rate")
