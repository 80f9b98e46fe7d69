"""run_chain: validate, re-ask, give up with a typed error, retry transport errors, log every attempt."""

from __future__ import annotations

import threading
import time

import httpx
import openai
import pytest

from assistant.errors import LLMCallError, StructuredOutputError
from assistant.llm.outputs import ChatAnswer, ThemeLabel
from assistant.llm.prompts import load_prompt, render_sources
from assistant.llm.structured import RetryPolicy, run_chain, run_many
from assistant.workspace import RunLog
from pydantic import BaseModel, ConfigDict

from tests.llm.conftest import FAKE_KEY

NO_WAIT = RetryPolicy(attempts=3, backoff_s=0.0)
GOOD = {"title": "Checkout failures", "description": "Payments fail at checkout.", "sources": [1, 3], "insufficient_evidence": False}


def theme(fake_handle, sources, units, run_log, **kw):
    variables = {"stage": "Purchase", "polarity": "pain point", "evidence": render_sources(sources)}
    return run_chain("theme_label", variables, ThemeLabel, handle=fake_handle, sources=sources, units=units,
                     run_log=run_log, retry=NO_WAIT, **kw)


@pytest.fixture
def run_log(tmp_path):
    return RunLog(tmp_path / "runs")


def test_valid_first_try_resolves_citations_to_verified_evidence(fake_chat, fake_handle, sources, units, run_log):
    fake_chat.enqueue([GOOD])
    parsed, record = theme(fake_handle, sources, units, run_log)
    assert parsed.title == "Checkout failures" and record.ok and len(record.attempts) == 1
    ev = record.evidence["sources[1]"]
    assert ev.unit_id == "u_c3" and units["u_c3"].text[ev.start:ev.end] == ev.quote
    fmt = fake_chat.history[0]["kwargs"]["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["properties"]["sources"]["items"]["enum"] == [1, 2, 3]


def test_invalid_json_is_reasked_with_the_error(fake_chat, fake_handle, sources, units, run_log):
    fake_chat.enqueue(['{"title": "Checkout', GOOD])
    parsed, record = theme(fake_handle, sources, units, run_log)
    assert record.ok and len(record.attempts) == 2
    assert "not valid JSON" in record.attempts[0].errors[0]
    reask = fake_chat.history[1]["messages"][-1].content
    assert "not valid JSON" in reask and "corrected JSON" in reask
    assert fake_chat.history[1]["messages"][-2].content == '{"title": "Checkout'
    assert "temperature" not in fake_chat.history[0]["kwargs"] and fake_chat.history[1]["kwargs"]["temperature"] == 0.5


def test_a_capable_model_sees_the_worked_example_only_when_reasked(fake_chat, sources, units, run_log):
    from assistant.llm.providers import ModelHandle

    capable = ModelHandle("fake", "scripted-capable", None, capable=True, chat=fake_chat)
    fake_chat.enqueue(['{"title": "Checkout', GOOD])
    _, record = theme(capable, sources, units, run_log)
    first, reask = (call["messages"] for call in fake_chat.history)
    assert [m.type for m in first] == ["system", "human"] and "checkout page froze" in first[-1].content
    assert [m.type for m in reask] == ["system", "human", "ai", "human", "ai", "human"]
    assert "Late or lost parcels" in reask[2].content and reask[3].content == first[-1].content
    assert record.ok and len(record.attempts) == 2


def test_a_small_model_sees_the_worked_example_from_the_first_try(fake_chat, fake_handle, sources, units, run_log):
    fake_chat.enqueue([GOOD])
    theme(fake_handle, sources, units, run_log)
    assert [m.type for m in fake_chat.history[0]["messages"]] == ["system", "human", "ai", "human"]


def test_citation_out_of_range_is_reasked(fake_chat, fake_handle, sources, units, run_log):
    fake_chat.enqueue([{**GOOD, "sources": [7]}, GOOD])
    _, record = theme(fake_handle, sources, units, run_log)
    assert "no quote number 7" in record.attempts[0].errors[0]


class Quoted(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_id: str
    quote: str


class FreeQuotes(BaseModel):
    model_config = ConfigDict(extra="forbid")
    evidence: list[Quoted]


def free(fake_handle, units, run_log, allowed):
    return run_chain("judge_support", {"claim": "Checkout fails", "quotes": "<feedback n=\"1\">x</feedback>"}, FreeQuotes,
                     handle=fake_handle, units=units, allowed_unit_ids=allowed, run_log=run_log, retry=NO_WAIT)


def test_unknown_unit_id_is_reasked(fake_chat, fake_handle, units, run_log):
    good = {"evidence": [{"unit_id": "u_b2", "quote": "PayPal kept failing"}]}
    fake_chat.enqueue([{"evidence": [{"unit_id": "u_zz", "quote": "PayPal kept failing"}]}, good])
    _, record = free(fake_handle, units, run_log, {"u_a1", "u_b2"})
    assert "u_zz" in record.attempts[0].errors[0] and "not offered" in record.attempts[0].errors[0]
    ev = record.evidence["evidence[0]"]
    assert (ev.unit_id, ev.quote, ev.start) == ("u_b2", "PayPal kept failing", units["u_b2"].text.index("PayPal"))


def test_offered_but_disallowed_id_is_rejected(fake_chat, fake_handle, units, run_log):
    fake_chat.enqueue([{"evidence": [{"unit_id": "u_d4", "quote": "Delivery was quick"}]}] * 3)
    with pytest.raises(StructuredOutputError):
        free(fake_handle, units, run_log, {"u_a1"})


def test_paraphrased_quote_is_reasked(fake_chat, fake_handle, units, run_log):
    fake_chat.enqueue([{"evidence": [{"unit_id": "u_b2", "quote": "PayPal failed on my mobile"}]},
                       {"evidence": [{"unit_id": "u_b2", "quote": "Paying with PayPal"}]}])
    _, record = free(fake_handle, units, run_log, set(units))
    assert "not verbatim" in record.attempts[0].errors[0]
    assert record.ok and record.evidence["evidence[0]"].quote == "Paying with PayPal"


def test_over_long_field_is_reasked(fake_chat, fake_handle, sources, units, run_log):
    fake_chat.enqueue([{**GOOD, "description": "x" * 500}, {**GOOD, "title": "one two three four five six seven eight nine"}, GOOD])
    _, record = theme(fake_handle, sources, units, run_log)
    assert "description" in record.attempts[0].errors[0] and "200" in record.attempts[0].errors[0]
    assert record.attempts[1].errors[0].startswith("title")
    assert record.ok and len(record.attempts) == 3


def test_exhausted_reasks_raise_with_attempts_raw_errors_usage(fake_chat, fake_handle, sources, units, run_log):
    fake_chat.enqueue(["nope", "still nope", "{}"])
    with pytest.raises(StructuredOutputError) as info:
        theme(fake_handle, sources, units, run_log, max_reasks=2)
    err = info.value
    assert err.attempts == 3 and err.last_raw == "{}" and err.chain == "theme_label"
    assert any("title" in e for e in err.errors)
    assert err.usage == {"input_tokens": 150, "output_tokens": 30, "calls": 3}
    assert len(fake_chat.history) == 3


def test_chat_answer_must_answer_or_abstain(fake_chat, fake_handle, sources, units, run_log):
    fake_chat.enqueue([{"insufficient_evidence": False, "sentences": []}, {"insufficient_evidence": True, "sentences": []}])
    parsed, record = run_chain("chat_answer", {"question": "What about shoes?", "sources": render_sources(sources)}, ChatAnswer,
                               handle=fake_handle, sources=sources, units=units, run_log=run_log, retry=NO_WAIT)
    assert parsed.insufficient_evidence and "at least one sentence" in record.attempts[0].errors[0]


def _request() -> httpx.Request:
    return httpx.Request("POST", "http://127.0.0.1:1/v1/chat/completions")


def test_transport_errors_are_retried_then_succeed(fake_chat, fake_handle, sources, units, run_log):
    rate_limited = openai.RateLimitError("slow down", response=httpx.Response(429, request=_request()), body=None)
    fake_chat.enqueue([openai.APIConnectionError(request=_request()), rate_limited, GOOD])
    _, record = theme(fake_handle, sources, units, run_log)
    assert record.ok and len(fake_chat.history) == 3
    assert [r["event"] for r in run_log.records()] == ["llm_transport_error", "llm_transport_error", "llm_call"]


def test_transport_errors_give_up_with_llm_call_error(fake_chat, fake_handle, sources, units, run_log):
    server_error = openai.InternalServerError("boom", response=httpx.Response(503, request=_request()), body=None)
    fake_chat.enqueue([server_error] * 3)
    with pytest.raises(LLMCallError, match="after 3 attempts"):
        theme(fake_handle, sources, units, run_log)


def test_auth_error_is_not_retried_and_key_is_scrubbed(fake_chat, fake_handle, sources, units, run_log):
    denied = openai.AuthenticationError(f"Incorrect API key provided: {FAKE_KEY}", response=httpx.Response(401, request=_request()), body=None)
    fake_chat.enqueue([denied])
    with pytest.raises(LLMCallError) as info:
        theme(fake_handle, sources, units, run_log)
    assert FAKE_KEY not in str(info.value) and "AuthenticationError" in str(info.value)
    assert len(fake_chat.history) == 1


def test_run_log_records_every_attempt_without_keys(fake_chat, fake_handle, sources, units, run_log):
    fake_chat.enqueue([f'leaked {FAKE_KEY}', GOOD])
    theme(fake_handle, sources, units, run_log)
    records = run_log.records()
    assert [r["attempt"] for r in records] == [1, 2]
    first = records[0]
    assert first["chain"] == "theme_label" and first["prompt_version"] == load_prompt("theme_label").version
    assert first["provider"] == "fake" and first["model"] == "scripted"
    assert first["unit_ids"] == ["u_a1", "u_b2", "u_c3"]
    assert first["tokens_in"] == 50 and first["tokens_out"] == 10 and first["latency_s"] >= 0
    assert first["errors"] and not first["ok"] and records[1]["ok"]
    assert FAKE_KEY not in run_log.path.read_text()


def test_real_chatopenai_connection_refused_is_llm_call_error_without_key(settings, sources, units, run_log):
    from assistant.config import load_settings
    from assistant.llm.providers import model_handle

    s = load_settings(home=settings.home, provider="openai-compatible", llm_base_url="http://127.0.0.1:9/v1",
                      llm_model="m", llm_api_key=FAKE_KEY, llm_timeout=5)
    handle = model_handle(s)
    with pytest.raises(LLMCallError) as info:
        theme(handle, sources, units, run_log)
    assert "ConnectionError" in str(info.value) and FAKE_KEY not in str(info.value)
    assert FAKE_KEY not in run_log.path.read_text()


def test_run_many_limits_concurrency_and_keeps_order():
    active, peak, lock = [0], [0], threading.Lock()

    def call(i):
        def inner():
            with lock:
                active[0] += 1
                peak[0] = max(peak[0], active[0])
            time.sleep(0.05)
            with lock:
                active[0] -= 1
            if i == 3:
                raise StructuredOutputError("x", 1, None, ["bad"])
            return i
        return inner

    results = run_many([call(i) for i in range(8)], concurrency=2)
    assert peak[0] == 2
    assert results[:3] == [0, 1, 2] and isinstance(results[3], StructuredOutputError) and results[4:] == [4, 5, 6, 7]
    with pytest.raises(StructuredOutputError):
        run_many([call(3)], concurrency=1, return_exceptions=False)


def test_token_limit_from_the_openai_parse_path_is_reasked(fake_chat, fake_handle, sources, units, run_log):
    from openai.types.chat import ChatCompletion

    completion = ChatCompletion.model_validate({
        "id": "c", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": '{"title": "Chec'}}],
        "usage": {"prompt_tokens": 40, "completion_tokens": 512, "total_tokens": 552}})
    fake_chat.enqueue([openai.LengthFinishReasonError(completion=completion), GOOD])
    _, record = theme(fake_handle, sources, units, run_log)
    assert record.ok and "cut off" in record.attempts[0].errors[0]
    assert record.attempts[0].raw == '{"title": "Chec' and record.attempts[0].output_tokens == 512
