"""LLM faults against the REAL local llama.cpp server, through a fault-injecting proxy on 127.0.0.1."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.errors import LLMCallError, StructuredOutputError
from assistant.llm.outputs import ThemeLabel
from assistant.llm.providers import model_handle
from assistant.llm.structured import RetryPolicy, run_chain
from assistant.workspace import RunLog
from tests.reliability.llm_faults import free_port, theme_inputs

pytestmark = pytest.mark.integration
FAST = RetryPolicy(attempts=3, backoff_s=0.05, max_backoff_s=0.2)
# A cap hit must become a re-ask and a garbage body an LLMCallError, never an untyped exception.


def _call(tmp_path, base_url: str, timeout: float = 300.0, **kwargs):
    settings = Settings(home=tmp_path, llm_base_url=base_url, llm_model="smollm2", llm_timeout=timeout)
    units, sources, variables = theme_inputs()
    log = RunLog(settings.runs_dir)
    kwargs.setdefault("retry", FAST)
    try:
        return run_chain("theme_label", variables, ThemeLabel, settings=settings, handle=model_handle(settings),
                         sources=sources, units=units, run_log=log, **kwargs), log
    except Exception as exc:
        exc.run_log = log  # type: ignore[attr-defined]
        raise


def _events(log: RunLog, name: str) -> list[dict]:
    return [r for r in log.records() if r["event"] == name]


def test_500_429_and_a_truncated_body_are_retried_then_the_real_model_answers(tmp_path, fault_proxy):
    fault_proxy.inject("500", "429")
    (label, record), log = _call(tmp_path, fault_proxy.url + "/v1", max_reasks=2)
    assert record.ok and label.title and set(label.sources) <= {1, 2, 3}
    assert [f for _, f in fault_proxy.log][:3] == ["500", "429", "pass"]
    errors = _events(log, "llm_transport_error")
    assert [e["attempt"] for e in errors] == [1, 2]
    assert "500" in errors[0]["error"] and "429" in errors[1]["error"]

    fault_proxy.inject("truncated", "truncated", "truncated")
    with pytest.raises(LLMCallError, match="failed after 3 attempts") as info:
        _call(tmp_path, fault_proxy.url + "/v1")
    assert len(fault_proxy.log) == 3 and len(_events(info.value.run_log, "llm_transport_error")) == 2


@pytest.mark.parametrize("fault, error", [("garbage", LLMCallError), ("slow", LLMCallError),
                                          ("refusal", StructuredOutputError),
                                          ("repeat", StructuredOutputError)])
def test_server_side_faults_end_in_typed_errors(tmp_path, fault_proxy, fault, error):
    fault_proxy.inject(fault, fault, fault)
    with pytest.raises(error) as info:
        _call(tmp_path, fault_proxy.url + "/v1", timeout=0.5, max_reasks=2)
    assert len(fault_proxy.log) <= 3  # bounded: 3 transport tries, or 1 call + 2 re-asks
    records = info.value.run_log.records()
    assert records, "the run log must record what happened"
    if error is StructuredOutputError:
        assert info.value.attempts == 3 and len(_events(info.value.run_log, "llm_call")) == 3
        if fault == "repeat":
            assert "cut off at the token limit" in info.value.errors[0]


def test_connection_refused_on_a_closed_port(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(LLMCallError) as info:
        _call(tmp_path, url)
    assert "ConnectionError" in str(info.value) and url in str(info.value) and "journey doctor" in str(info.value)
    assert len(_events(info.value.run_log, "llm_transport_error")) == 2


def test_real_model_hitting_the_token_cap_is_a_structured_output_error(tmp_path, local_llm_url):
    with pytest.raises(StructuredOutputError) as info:
        _call(tmp_path, local_llm_url + "/v1", max_tokens=6, max_reasks=0)
    assert info.value.attempts == 1 and "cut off at the token limit" in info.value.errors[0]
    (call,) = _events(info.value.run_log, "llm_call")
    assert call["tokens_out"] <= 6 and not call["ok"]
