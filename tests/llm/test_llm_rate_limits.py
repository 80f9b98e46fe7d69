"""429/503 from a real OpenAI-compatible HTTP endpoint: retried with backoff honouring Retry-After, then LLMCallError."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import openai
import pytest

from assistant.config import load_settings
from assistant.errors import LLMCallError
from assistant.llm.outputs import ThemeLabel
from assistant.llm.prompts import render_sources
from assistant.llm.providers import model_handle
from assistant.llm.structured import RetryPolicy, retry_after_s, run_chain, run_many
from assistant.workspace import RunLog
from tests.llm.conftest import FAKE_KEY
from tests.llm.openai_stub import OpenAIStub, Reply

GOOD = json.dumps({"title": "Checkout failures", "description": "Payments fail at checkout.", "sources": [1, 3],
                   "insufficient_evidence": False})


@pytest.fixture
def run_log(tmp_path):
    return RunLog(tmp_path / "runs")


def _handle(settings, stub: OpenAIStub):
    s = load_settings(home=settings.home, llm_base_url=stub.base_url, llm_model="stub-model", llm_api_key=FAKE_KEY, llm_timeout=10)
    handle = model_handle(s)
    assert handle.provider == "openai-compatible"
    return handle


def _theme(handle, sources, units, run_log, retry: RetryPolicy):
    variables = {"stage": "Purchase", "polarity": "pain point", "evidence": render_sources(sources)}
    return run_chain("theme_label", variables, ThemeLabel, handle=handle, sources=sources, units=units,
                     run_log=run_log, retry=retry)


def test_429_with_retry_after_is_honoured_then_succeeds(settings, sources, units, run_log):
    replies = [Reply(429, {"Retry-After": "1"}), Reply(content=GOOD)]
    with OpenAIStub(replies) as stub:
        parsed, record = _theme(_handle(settings, stub), sources, units, run_log, RetryPolicy(attempts=3, backoff_s=0.0))
    assert record.ok and parsed.title == "Checkout failures" and len(stub.arrivals) == 2
    assert stub.arrivals[1] - stub.arrivals[0] >= 0.95  # waited what the server asked, though backoff_s is 0
    error, call = run_log.records()
    assert error["event"] == "llm_transport_error" and "RateLimitError" in error["error"] and error["wait_s"] == 1.0
    assert call["event"] == "llm_call" and call["ok"]
    assert stub.requests[0]["response_format"]["type"] == "json_schema"


def test_503_is_retried_with_backoff_then_succeeds(settings, sources, units, run_log):
    with OpenAIStub([Reply(503), Reply(503), Reply(content=GOOD)]) as stub:
        _, record = _theme(_handle(settings, stub), sources, units, run_log, RetryPolicy(attempts=3, backoff_s=0.1))
    assert record.ok and len(stub.arrivals) == 3
    waits = [r["wait_s"] for r in run_log.records() if r["event"] == "llm_transport_error"]
    # jittered exponential: 0.1 then 0.2 seconds, each plus up to 0.1 of jitter
    assert 0.1 <= waits[0] <= 0.2 and 0.2 <= waits[1] <= 0.3
    assert stub.arrivals[2] - stub.arrivals[1] >= 0.2


def test_retry_after_is_bounded_and_persistent_429_is_a_typed_error(settings, sources, units, run_log):
    policy = RetryPolicy(attempts=2, backoff_s=0.0, max_retry_after_s=0.2)
    with OpenAIStub([Reply(429, {"Retry-After": "3600"})]) as stub, pytest.raises(LLMCallError) as info:
        _theme(_handle(settings, stub), sources, units, run_log, policy)
    assert len(stub.arrivals) == 2 and stub.arrivals[1] - stub.arrivals[0] < 60
    assert [r["wait_s"] for r in run_log.records()] == [0.2]
    message = str(info.value)
    assert "after 2 attempts" in message and "RateLimitError" in message and "JOURNEY_LLM_CONCURRENCY" in message
    assert FAKE_KEY not in message and FAKE_KEY not in run_log.path.read_text()


def test_run_many_retries_each_rate_limited_call(settings, sources, units, run_log):
    replies = [Reply(429, {"retry-after-ms": "150"})] * 3 + [Reply(content=GOOD)]
    with OpenAIStub(replies) as stub:
        handle = _handle(settings, stub)
        calls = [lambda: _theme(handle, sources, units, run_log, RetryPolicy(attempts=4, backoff_s=0.0)) for _ in range(6)]
        results = run_many(calls, concurrency=3)
    assert all(record.ok for _, record in results)
    assert len(stub.arrivals) == 9  # three refusals, each retried, plus six answers
    assert sorted(r["wait_s"] for r in run_log.records() if r["event"] == "llm_transport_error") == [0.15] * 3


def _status_error(headers: dict[str, str]) -> openai.APIStatusError:
    request = httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions")
    return openai.RateLimitError("slow down", response=httpx.Response(429, headers=headers, request=request), body=None)


def test_retry_after_header_forms():
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    assert retry_after_s(_status_error({"retry-after": "2"})) == 2.0
    assert retry_after_s(_status_error({"retry-after": "0.5", "retry-after-ms": "250"})) == 0.25
    assert 25 <= retry_after_s(_status_error({"retry-after": later})) <= 30
    assert retry_after_s(_status_error({"retry-after": "soon"})) is None
    assert retry_after_s(_status_error({})) is None
    assert retry_after_s(ConnectionError("refused")) is None
