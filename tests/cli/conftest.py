"""A real workspace with one saved extractive map, for driving the `journey` CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from assistant import api
from assistant.draft import draft_map
from tests.draft.draft_helpers import clear_env, workspace_copy


@pytest.fixture(scope="module")
def ws_settings(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    clear_env(mp)
    yield api.settings(home=workspace_copy(tmp_path_factory.mktemp("cli") / "ws"))
    mp.undo()


@pytest.fixture(scope="module")
def saved_map(ws_settings):
    return draft_map(ws_settings, handle=None, where={"source": "threadline_survey_2026.csv"})


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(autouse=True)
def _no_provider_env(monkeypatch):
    clear_env(monkeypatch)
