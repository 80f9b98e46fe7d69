"""A real workspace with one saved extractive map, for driving the `journey` CLI."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tests.draft.draft_helpers import clear_env, saved_map, ws_settings  # noqa: F401,F811  (shared module fixtures)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(autouse=True)
def _no_provider_env(monkeypatch):
    clear_env(monkeypatch)
