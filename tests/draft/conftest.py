"""A real workspace (two sample files, MiniLM embedder) copied per test module."""

from __future__ import annotations

import pytest

from assistant import api
from tests.draft.draft_helpers import clear_env, workspace_copy


@pytest.fixture(scope="module")
def ws_settings(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    clear_env(mp)
    yield api.settings(home=workspace_copy(tmp_path_factory.mktemp("draft") / "ws"))
    mp.undo()


@pytest.fixture(autouse=True)
def _no_provider_env(monkeypatch):
    clear_env(monkeypatch)
