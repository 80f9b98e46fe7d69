"""A real workspace with a saved extractive map, copied once per test module."""

from __future__ import annotations

import pytest

from assistant import api
from tests.draft.draft_helpers import clear_env, saved_map, ws_settings  # noqa: F401,F811  (shared module fixtures)


@pytest.fixture(scope="module")
def store(ws_settings):
    return api.open_store(ws_settings)


@pytest.fixture(scope="module")
def units(ws_settings):
    return api.units_by_id(ws_settings)


@pytest.fixture(autouse=True)
def _no_provider_env(monkeypatch):
    clear_env(monkeypatch)
