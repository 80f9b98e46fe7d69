"""Evals tab: run the grounding suite on the chosen map; scores and failing items."""

from __future__ import annotations

from typing import Any, Optional

import gradio as gr
import pandas as pd

from assistant import api
from assistant.config import Settings
from assistant.errors import MapNotFoundError
from ui.common import guarded
from ui.map_tab import current_map_id

SCORE_COLUMNS = ["metric", "score", "threshold", "status", "checked", "note"]
ITEM_COLUMNS = ["metric", "where", "reason", "value"]


def _score(value: Any) -> Any:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return round(float(value), 4)


def _status(passed: Optional[bool]) -> str:
    return "skipped" if passed is None else ("pass" if passed else "FAIL")


def run_grounding_suite(settings: Settings, map_id: Optional[str]) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """(summary markdown, scores table, failing items table) for the grounding suite on the current map version."""
    from evals.cli_support import run_suites

    map_id = current_map_id(settings, map_id)
    if map_id is None:
        raise MapNotFoundError("no map to evaluate yet; draft one on the Map tab first")
    journey_map = api.load_map(settings, map_id)
    (report,) = run_suites(journey_map, api.units_by_id(settings), ["grounding"])
    scores = [[m.name, _score(m.score), _score(m.threshold), _status(m.passed), m.n, m.reason] for m in report.metrics]
    items = [[m.name, item.location, item.reason, _score(item.value)] for m in report.metrics for item in m.items]
    failed = [m.name for m in report.metrics if m.passed is False]
    verdict = "**PASSED**" if report.passed else f"**FAILED** ({', '.join(failed)})"
    summary = (f"Grounding suite on `{journey_map.id}` v{journey_map.version}: {verdict} · "
               f"{len(report.metrics)} metrics, {len(items)} failing item(s), {report.duration_s:.1f} s.")
    return summary, pd.DataFrame(scores, columns=SCORE_COLUMNS), pd.DataFrame(items, columns=ITEM_COLUMNS)


def build(settings: Settings, map_picker: gr.Dropdown) -> None:
    """Lay out the Evals tab and wire its event."""
    gr.Markdown("Deterministic checks that every claim stands on verbatim, valid evidence "
                "(quotes verbatim in their units, cited ids exist, every claim has evidence), "
                "plus embedding checks of claim support and persona distinctness.")
    run = gr.Button("Run grounding suite on the current map", variant="primary", elem_id="run-evals")
    summary = gr.Markdown(elem_id="evals-summary")
    scores = gr.DataFrame(headers=SCORE_COLUMNS, label="Scores", interactive=False, wrap=True, elem_id="evals-scores")
    items = gr.DataFrame(headers=ITEM_COLUMNS, label="Failing items", interactive=False, wrap=True, elem_id="evals-items")

    @guarded
    def on_run(map_id):
        return run_grounding_suite(settings, map_id)

    run.click(on_run, [map_picker], [summary, scores, items], api_name="evals")
