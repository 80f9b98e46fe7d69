"""The Gradio app behind `journey ui`: Corpus, Map, Chat, Evals and Export tabs over assistant.api.

    from assistant import api
    from ui.app import launch
    launch(api.settings(home="~/research/threadline"))   # http://127.0.0.1:7860
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import gradio as gr

from assistant.config import Settings
from assistant.errors import ConfigError
from ui import chat_tab, corpus_tab, evals_tab, export_tab, map_tab
from ui.common import guarded
from ui.state import session_state
from ui.theme import CSS, theme

MAX_FILE_SIZE = "200mb"


def build_app(settings: Settings) -> gr.Blocks:
    """The whole app for one workspace; every browser session gets its own chat and pending edit."""
    with gr.Blocks(title="Journey Assistant", fill_width=True, analytics_enabled=False) as app:
        state = session_state()
        with gr.Row(elem_id="app-header"):
            with gr.Column(scale=3):
                gr.Markdown(f"## Journey Assistant\n<span class='ws'>Workspace <code>{settings.home}</code> · "
                            f"model {settings.provider}</span>", elem_id="app-title")
            with gr.Column(scale=2, min_width=280):
                map_picker = gr.Dropdown(label="Map", choices=[], elem_id="map-picker", allow_custom_value=True)
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Corpus", id="corpus"):
                corpus = corpus_tab.build(settings)
            with gr.Tab("Map", id="map"):
                maps = map_tab.build(settings, map_picker)
            map_outputs = [maps.html, maps.version, maps.claim, maps.evidence, maps.history]
            with gr.Tab("Chat", id="chat"):
                chat_tab.build(settings, map_picker, state, maps.refresh, map_outputs)
            with gr.Tab("Evals", id="evals"):
                evals_tab.build(settings, map_picker)
            with gr.Tab("Export", id="export"):
                export_tab.build(settings, map_picker, maps.version)

        @guarded
        def on_load():
            choices = map_tab.map_choices(settings)
            value = choices[0][1] if choices else None
            return (gr.update(choices=choices, value=value), *corpus.on_stats(), *maps.refresh(value))

        app.load(on_load, None, [map_picker, *corpus.stats_outputs, *map_outputs], api_visibility="private")
    app.queue(default_concurrency_limit=4)
    return app


def parse_auth(auth: Optional[str]) -> Optional[list[tuple[str, str]]]:
    """'user:pass', or a file with one user:pass per line, as Gradio's auth list; None = no login."""
    if not auth:
        return None
    path = Path(auth).expanduser()
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else [auth]
    users = []
    for line in (line.strip() for line in lines):
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            where = f"{path}: " if path.is_file() else ""
            raise ConfigError(f"{where}auth entry {user or line[:20]!r} is not user:password; "
                              "pass --auth user:password or a file with one user:password per line")
        users.append((user, password))
    if not users:
        raise ConfigError(f"{path}: no user:password lines; add at least one")
    return users


def launch_options(settings: Settings, host: str = "127.0.0.1", port: int = 7860, auth: Optional[str] = None,
                   share: bool = False) -> dict:
    """Keyword arguments for Blocks.launch: local bind, optional login, upload limits, theme and CSS."""
    return dict(server_name=host, server_port=port, auth=parse_auth(auth), share=share,
                max_file_size=MAX_FILE_SIZE, theme=theme(), css=CSS, footer_links=["api"], show_error=False,
                auth_message="Journey Assistant: sign in to reach this workspace.", allowed_paths=[])


def launch(settings: Settings, host: str = "127.0.0.1", port: int = 7860, auth: Optional[str] = None,
           share: bool = False, *, block: bool = True) -> gr.Blocks:
    """Build and serve the app; block=False returns once the server listens (for tests and notebooks)."""
    app = build_app(settings)
    app.launch(prevent_thread_lock=not block, quiet=not block, **launch_options(settings, host, port, auth, share))
    return app


def ui_command(settings: Settings, host: str = "127.0.0.1", port: int = 7860, auth: Optional[str] = None,
               share: bool = False) -> int:
    """The body of `journey ui`; returns an exit code."""
    if host not in ("127.0.0.1", "localhost", "::1") and not auth:
        print(f"warning: serving on {host} without --auth; anyone who can reach this port can read the workspace")
    launch(settings, host=host, port=port, auth=auth, share=share)
    return 0
