"""Launch options: local bind by default, login when asked, no share link."""

from __future__ import annotations

import httpx
import pytest
from gradio_client import Client

from tests.ui.conftest import free_port
from ui.app import launch, launch_options


def test_defaults_bind_localhost_without_share_or_login(ui_settings):
    options = launch_options(ui_settings)
    assert options["server_name"] == "127.0.0.1" and options["share"] is False and options["auth"] is None
    assert options["max_file_size"]


def test_auth_protects_the_app(ui_settings):
    port = free_port()
    app = launch(ui_settings, port=port, auth="maya:pass123", block=False)
    try:
        url = f"http://127.0.0.1:{port}/"
        assert httpx.get(url + "config").status_code == 401
        with pytest.raises(Exception):
            Client(url, verbose=False)
        client = Client(url, auth=("maya", "pass123"), verbose=False)
        assert "units" in client.predict(api_name="/stats")[0]
    finally:
        app.close()
