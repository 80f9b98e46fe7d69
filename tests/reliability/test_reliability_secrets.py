"""The API key never lands in the workspace (run logs, Chroma files, caches) or in error messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import api
from assistant.config import load_settings
from assistant.errors import LLMCallError
from assistant.llm.outputs import ThemeLabel
from assistant.llm.providers import model_handle
from assistant.llm.structured import RetryPolicy, run_chain
from assistant.workspace import RunLog
from tests.reliability.llm_faults import theme_inputs

pytestmark = pytest.mark.integration
KEY = "sk-test-SECRET123456"
FAST = RetryPolicy(attempts=2, backoff_s=0.05, max_backoff_s=0.1)


def _files_containing(root: Path, needle: bytes) -> list[str]:
    return [str(p) for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_the_key_is_sent_to_the_server_but_never_stored_or_shown(tmp_path, monkeypatch, fault_proxy):
    home = tmp_path / "ws"
    monkeypatch.setenv("JOURNEY_HOME", str(home))
    monkeypatch.setenv("JOURNEY_LLM_API_KEY", KEY)
    monkeypatch.setenv("JOURNEY_LLM_BASE_URL", fault_proxy.url + "/v1")
    monkeypatch.setenv("JOURNEY_LLM_MODEL", "smollm2")
    settings = load_settings()
    assert settings.provider == "openai-compatible" and settings.api_key == KEY

    feedback = tmp_path / "feedback.txt"
    feedback.write_text("My parcel arrived four days late.\n\nThe courier left the box in the rain.\n")
    report = api.ingest([feedback], settings)
    assert report.units_added == 2

    units, sources, variables = theme_inputs()
    log = RunLog(settings.runs_dir)
    log.record("settings", **settings.public_dict())
    handle = model_handle(settings)
    label, record = run_chain("theme_label", variables, ThemeLabel, settings=settings, handle=handle, sources=sources,
                              units=units, run_log=log, retry=FAST)
    assert record.ok
    messages = [repr(settings), str(settings.public_dict()), repr(handle), str(handle.describe()), record.model_dump_json()]

    fault_proxy.inject("echo_auth")  # a hostile or buggy server repeats the key in its error body
    with pytest.raises(LLMCallError) as info:
        run_chain("theme_label", variables, ThemeLabel, settings=settings, handle=handle, sources=sources,
                  units=units, run_log=log, retry=FAST)
    messages.append(str(info.value))
    fault_proxy.inject("500", "500")
    with pytest.raises(LLMCallError) as info:
        run_chain("theme_label", variables, ThemeLabel, settings=settings, handle=handle, sources=sources,
                  units=units, run_log=log, retry=FAST)
    messages.append(str(info.value))

    assert any(KEY in header for header in fault_proxy.auth_headers), "the key must really have been used"
    assert "401" in messages[-2] and "***" in messages[-2]  # the echoed key was masked, the error kept
    assert [m for m in messages if "SECRET123456" in m] == []
    assert log.records() and _files_containing(home, b"SECRET123456") == []
    assert len(list(home.rglob("*"))) > 5  # the scan covered a real workspace (chroma, runs, cache)
