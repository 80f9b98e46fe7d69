"""The real local llama.cpp server with the shipped SmolLM2 model (integration: starts a server)."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlparse

import pytest

from assistant.config import load_settings
from assistant.llm import local_server
from assistant.llm.outputs import SupportJudgement, ThemeLabel
from assistant.llm.prompts import render_sources
from assistant.llm.providers import model_handle
from assistant.llm.structured import run_chain
from assistant.workspace import RunLog

pytestmark = pytest.mark.integration
KEY = "sk-integration-secret-987654"


@pytest.fixture(scope="module")
def local_settings(tmp_path_factory):
    settings = load_settings(home=tmp_path_factory.mktemp("ws"), llm_ctx=2048, llm_parallel=1)
    yield settings
    local_server.shutdown()


def test_structured_round_trip_through_local_provider(local_settings, sources, units, tmp_path):
    handle = model_handle(local_settings)
    assert handle.provider == "local" and handle.base_url.startswith("http://127.0.0.1:")
    log = RunLog(tmp_path)
    variables = {"stage": "Purchase", "polarity": "pain point", "evidence": render_sources(sources)}
    parsed, record = run_chain("theme_label", variables, ThemeLabel, handle=handle, sources=sources, units=units,
                               run_log=log, max_tokens=160, max_reasks=2)
    assert record.ok and record.usage["output_tokens"] > 0 and parsed.sources
    for ev in record.evidence.values():
        assert units[ev.unit_id].text[ev.start:ev.end] == ev.quote
    assert log.records()[-1]["ok"] is True


def test_openai_compatible_provider_over_http_to_the_same_server(local_settings, sources, units, tmp_path):
    base_url = local_server.ensure_server(local_settings) + "/v1"
    s = load_settings(home=local_settings.home, llm_base_url=base_url, llm_model="smollm2", llm_api_key=KEY)
    handle = model_handle(s)
    assert handle.provider == "openai-compatible"
    log = RunLog(tmp_path)
    variables = {"claim": "Checkout fails for some customers.", "quotes": render_sources(sources[:2])}
    parsed, record = run_chain("judge_support", variables, SupportJudgement, handle=handle, run_log=log, max_tokens=120)
    assert isinstance(parsed.supported, bool) and record.usage["input_tokens"] > 0
    assert KEY not in log.path.read_text() and json.loads(record.attempts[-1].raw)["rationale"]


def test_shutdown_closes_the_port(local_settings):
    url = urlparse(local_server.ensure_server(local_settings))
    socket.create_connection((url.hostname, url.port), timeout=2).close()
    local_server.shutdown()
    assert local_server.running_base_url() is None
    with pytest.raises(OSError):
        socket.create_connection((url.hostname, url.port), timeout=2).close()
    local_server.shutdown()  # idempotent
