"""A real app on a free local port over a temp workspace holding a tiny corpus and a hand-built map."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from assistant import api
from tests.mapfixtures import make_map, make_units
from tests.servers import free_port  # noqa: F401  (used by the UI tests)

SAMPLES = Path(__file__).resolve().parents[2] / "assistant" / "samples" / "clothing"


def seed_workspace(settings) -> None:
    """Put the test map's units into the store and save the map as version 1."""
    units = make_units()
    by_source = defaultdict(list)
    for unit in units.values():
        by_source[unit.source].append(unit)
    store = api.open_store(settings)
    for source, group in by_source.items():
        store.replace_source(source, group, fingerprint=f"seed-{source}")
    _, journey_map = make_map(units)
    api.map_store(settings).save_new(journey_map)


@pytest.fixture(scope="package")
def ui_settings(tmp_path_factory):
    settings = api.settings(home=tmp_path_factory.mktemp("ui-home"))
    seed_workspace(settings)
    return settings


@pytest.fixture(scope="package")
def server(ui_settings):
    from ui.app import launch

    port = free_port()
    app = launch(ui_settings, port=port, block=False)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture()
def client(server, tmp_path):
    from gradio_client import Client

    return Client(server, verbose=False, download_files=str(tmp_path / "downloads"))
