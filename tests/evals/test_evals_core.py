from pathlib import Path

import pytest

from assistant.errors import ConfigError
from evals.core import Case, Dataset, EvalResult, SuiteReport


def _dataset() -> Dataset:
    return Dataset(name="qs", kind="questions", cases=[
        Case(name="q1", inputs={"question": "Why does checkout fail?"}, expected={"answerable": True, "supporting_unit_ids": ["u_1"]},
             metadata={"topic": "purchase"}),
        Case(name="q2", inputs={"question": "What do people think of the café? ünïcode"}, expected={"answerable": False, "supporting_unit_ids": []}),
    ])


def test_dataset_round_trips_yaml_and_jsonl(tmp_path: Path):
    data = _dataset()
    assert Dataset.from_yaml(data.to_yaml()) == data
    assert Dataset.from_jsonl(data.to_jsonl()) == data
    for name in ("d.yaml", "d.jsonl"):
        data.save(tmp_path / name)
        assert Dataset.load(tmp_path / name) == data


def test_dataset_jsonl_without_header_is_a_clear_error():
    with pytest.raises(ConfigError, match="header line"):
        Dataset.from_jsonl('{"inputs": {}}\n')


def test_measure_respects_direction():
    assert EvalResult.measure("a", 0.9, 0.8).passed is True
    assert EvalResult.measure("a", 0.7, 0.8).passed is False
    assert EvalResult.measure("lat", 3.0, 2.0, higher_is_better=False).passed is False
    assert EvalResult.measure("lat", 1.0, 2.0, higher_is_better=False).passed is True


def test_report_passes_with_skips_and_fails_on_any_failure():
    report = SuiteReport(suite="s", metrics=[EvalResult.measure("a", 1.0, 1.0), EvalResult.skip("b", "no embedder")])
    assert report.passed
    assert report.values() == {"a": 1.0, "b": None}
    report.metrics.append(EvalResult.measure("c", 0.1, 0.5))
    assert not report.passed
    with pytest.raises(KeyError, match="have: a, b, c"):
        report.metric("zzz")
