"""LLM faults through a scripted fake chat model: bounded retries with backoff, typed errors, a run log that tells."""

from __future__ import annotations

import time

import pytest

from assistant.config import Settings
from assistant.errors import LLMCallError, StructuredOutputError
from assistant.llm.outputs import ThemeLabel
from assistant.llm.structured import RetryPolicy, run_chain
from assistant.workspace import RunLog
from tests.reliability.llm_faults import GOOD_JSON, REFUSAL, REPETITION, Reply, api_error, fake_handle, theme_inputs

FAST = RetryPolicy(attempts=3, backoff_s=0.05, max_backoff_s=0.2)


def _run(tmp_path, handle, **kwargs):
    units, sources, variables = theme_inputs()
    log = RunLog(tmp_path / "runs")
    settings = Settings(home=tmp_path)
    try:
        return run_chain("theme_label", variables, ThemeLabel, settings=settings, handle=handle, sources=sources,
                         units=units, run_log=log, retry=kwargs.pop("retry", FAST), **kwargs), log
    except Exception as exc:
        exc.run_log = log  # type: ignore[attr-defined]
        raise


def _events(log: RunLog, name: str) -> list[dict]:
    return [r for r in log.records() if r["event"] == name]


@pytest.mark.parametrize("faults", [("500",), ("429",), ("timeout",), ("refused",), ("500", "429")])
def test_transient_transport_faults_are_retried_then_succeed(tmp_path, faults):
    handle = fake_handle(*[api_error(f) for f in faults], GOOD_JSON)
    started = time.perf_counter()
    (label, record), log = _run(tmp_path, handle)
    assert label.title == "Late parcels" and record.ok
    assert handle.chat.calls == len(faults) + 1
    errors = _events(log, "llm_transport_error")
    assert [e["attempt"] for e in errors] == list(range(1, len(faults) + 1))
    assert all(e["chain"] == "theme_label" and e["error"] for e in errors)
    assert time.perf_counter() - started >= 0.05 * len(faults) * 0.9  # it waited between tries


@pytest.mark.parametrize("fault, cause", [("500", "InternalServerError"), ("429", "RateLimitError"),
                                          ("timeout", "APITimeoutError"), ("refused", "APIConnectionError")])
def test_persistent_transport_faults_give_up_after_bounded_retries(tmp_path, fault, cause):
    handle = fake_handle(api_error(fault))
    started = time.perf_counter()
    with pytest.raises(LLMCallError) as info:
        _run(tmp_path, handle)
    elapsed = time.perf_counter() - started
    assert handle.chat.calls == 3
    assert "failed after 3 attempts" in str(info.value) and cause in str(info.value)
    # a rate limit names the concurrency settings to lower; other faults point at `journey doctor`
    assert ("JOURNEY_LLM_CONCURRENCY" if fault == "429" else "journey doctor") in str(info.value)
    assert 0.05 + 0.1 <= elapsed < 5  # exponential backoff between the 3 tries, and bounded
    assert len(_events(info.value.run_log, "llm_transport_error")) == 2


def test_a_client_error_is_not_retried(tmp_path):
    handle = fake_handle(api_error("400"))
    with pytest.raises(LLMCallError, match="refused the call"):
        _run(tmp_path, handle)
    assert handle.chat.calls == 1


@pytest.mark.parametrize("bad, error", [
    ("", "empty"),
    ('{"title": "Late parcels", "descr', "not valid JSON"),
    ("title: Late parcels", "not valid JSON"),
    (REFUSAL, "not valid JSON"),
    (Reply(REPETITION, "length"), "cut off at the token limit"),
    ('{"title": "x", "description": "y", "sources": [9], "insufficient_evidence": false}', "no quote number 9"),
    ('{"title": "x"}', "Field required"),
])
def test_bad_output_is_reasked_a_bounded_number_of_times(tmp_path, bad, error):
    handle = fake_handle(bad)
    with pytest.raises(StructuredOutputError) as info:
        _run(tmp_path, handle, max_reasks=2)
    exc = info.value
    assert handle.chat.calls == 3 and exc.attempts == 3 and exc.chain == "theme_label"
    assert any(error in e for e in exc.errors), exc.errors
    assert exc.usage == {"input_tokens": 300, "output_tokens": 60, "calls": 3}
    calls = _events(exc.run_log, "llm_call")
    assert [c["attempt"] for c in calls] == [1, 2, 3] and not any(c["ok"] for c in calls)
    assert all(any(error in e for e in c["errors"]) for c in calls)
    # every re-ask shows the model its own answer and the problems
    last_messages = handle.chat.seen[-1]
    assert last_messages[-1]["role"] == "user" and "problems" in last_messages[-1]["content"]
    assert len(last_messages) == len(handle.chat.seen[0]) + 4


def test_bad_output_then_a_good_one_recovers(tmp_path):
    handle = fake_handle(REFUSAL, Reply(REPETITION, "length"), GOOD_JSON)
    (label, record), log = _run(tmp_path, handle, max_reasks=2)
    assert record.ok and [len(a.errors) > 0 for a in record.attempts] == [True, True, False]
    assert [c["ok"] for c in _events(log, "llm_call")] == [False, False, True]


def test_transport_faults_and_reasks_are_counted_separately(tmp_path):
    handle = fake_handle(api_error("500"), "not json", api_error("429"), GOOD_JSON)
    (label, record), log = _run(tmp_path, handle, max_reasks=1)
    assert record.ok and len(record.attempts) == 2 and handle.chat.calls == 4
    assert len(_events(log, "llm_transport_error")) == 2
