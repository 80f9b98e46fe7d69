"""Exports of a JourneyMap: json, md, csv, html and png, each written atomically.

    from assistant.export import export_map
    export_map(journey_map, units_by_id, "html", Path("map.html"))
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

from assistant.errors import ConfigError
from assistant.export.common import atomic_write_bytes
from assistant.export.csv_table import render_csv
from assistant.export.html_page import render_html
from assistant.export.markdown import render_markdown
from assistant.export.png_chart import render_png
from assistant.models import FeedbackUnit, JourneyMap

Renderer = Callable[[JourneyMap, Mapping[str, FeedbackUnit]], bytes]

_RENDERERS: dict[str, Renderer] = {
    "json": lambda m, u: m.model_dump_json(indent=2).encode("utf-8"),
    "md": lambda m, u: render_markdown(m, u).encode("utf-8"),
    # utf-8-sig: the byte-order mark makes Excel read the file as UTF-8
    "csv": lambda m, u: render_csv(m, u).encode("utf-8-sig"),
    "html": lambda m, u: render_html(m, u).encode("utf-8"),
    "png": lambda m, u: render_png(m),
}
FORMATS: tuple[str, ...] = tuple(_RENDERERS)

__all__ = ["FORMATS", "default_filename", "export_map", "render_csv", "render_html", "render_markdown", "render_png"]


def default_filename(journey_map: JourneyMap, fmt: str) -> str:
    """'<map id>-v<version>.<fmt>'."""
    return f"{journey_map.id}-v{journey_map.version}.{fmt}"


def export_map(journey_map: JourneyMap, units: Mapping[str, FeedbackUnit], fmt: str, path: Path) -> Path:
    """Write the map in `fmt` to `path` (a file, or a folder to get the default name); returns the file written."""
    key = fmt.lower().lstrip(".")
    if key == "markdown":
        key = "md"
    if key not in _RENDERERS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    target = Path(path)
    if target.is_dir():
        target = target / default_filename(journey_map, key)
    data = _RENDERERS[key](journey_map, units)
    atomic_write_bytes(target, data)
    return target
