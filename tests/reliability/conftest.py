"""Fixtures for the reliability tests: the real local llama.cpp server and a fault proxy in front of it."""

from __future__ import annotations

import pytest

from tests.reliability.llm_faults import FaultProxy


@pytest.fixture(scope="session")
def local_llm_url(tmp_path_factory) -> str:
    """Base URL (no /v1) of the in-process llama.cpp server with the shipped SmolLM2 model."""
    from assistant.config import Settings
    from assistant.llm import local_server

    settings = Settings(home=tmp_path_factory.mktemp("llm-home"), provider="local", llm_ctx=2048, llm_parallel=1)
    return local_server.ensure_server(settings)


@pytest.fixture
def fault_proxy(local_llm_url):
    proxy = FaultProxy(local_llm_url, slow_seconds=1.5)
    yield proxy
    proxy.close()
