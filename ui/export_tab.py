"""Export tab: the current map as JSON, Markdown, CSV, HTML or PNG."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Optional

import gradio as gr

from assistant import api
from assistant.config import Settings
from assistant.errors import MapNotFoundError
from assistant.export import FORMATS
from ui.common import guarded
from ui.map_tab import current_map_id, parse_version

LABELS = {"json": "JSON (the full map)", "md": "Markdown report", "csv": "CSV (one row per claim)",
          "html": "HTML (interactive, offline)", "png": "PNG (emotion curve)"}


def export_file(settings: Settings, map_id: Optional[str], fmt: str, version: Any = None) -> str:
    """Write the map in `fmt` to a fresh temp folder; returns the file's path."""
    map_id = current_map_id(settings, map_id)
    if map_id is None:
        raise MapNotFoundError("no map to export yet; draft one on the Map tab first")
    folder = Path(tempfile.mkdtemp(prefix="journey-export-"))
    return str(api.export(settings, fmt, folder, map_id, parse_version(version)))


def build(settings: Settings, map_picker: gr.Dropdown, version: gr.Dropdown) -> None:
    """Lay out the Export tab and wire its event."""
    gr.Markdown("Export the map version shown on the Map tab. Every export carries the verbatim quotes.")
    with gr.Row():
        fmt = gr.Radio([(LABELS.get(f, f), f) for f in FORMATS], value="html", label="Format", elem_id="export-format")
    make = gr.Button("Export", variant="primary", elem_id="export-button")
    download = gr.File(label="Download", interactive=False, elem_id="export-file")

    @guarded
    def on_export(map_id, fmt_value, version_value):
        return export_file(settings, map_id, fmt_value, version_value)

    make.click(on_export, [map_picker, fmt, version], download, api_name="export")
