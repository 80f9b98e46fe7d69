"""Map tab: draft a map, see it, open a claim's evidence, compare versions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import gradio as gr
import pandas as pd

from assistant import api
from assistant.config import Settings
from assistant.errors import MapNotFoundError
from assistant.export import render_html
from assistant.stagesets import list_presets, load_stage_set
from ui.common import WRITE_GROUP, guarded, parse_where
from ui.evidence import claim_entries, claim_for_anchor, evidence_html

CUSTOM = "custom file…"
HISTORY_COLUMNS = ["version", "parent", "author", "created", "edits", "current"]
EMPTY_MAP = ('<div class="jm-placeholder">No map yet. Ingest feedback on the <b>Corpus</b> tab, then press '
             "<b>Generate draft map</b>.</div>")

# The exported page's script does not run inside gr.HTML, so its buttons are wired here; a click on a
# card's summary also tells the server which claim to show in the evidence panel.
MAP_JS = """
element.addEventListener('click', function (event) {
  var button = event.target.closest('button[data-jm]');
  if (button) {
    var open = button.getAttribute('data-jm') === 'open';
    element.querySelectorAll('details.jm-claim').forEach(function (d) { d.open = open; });
    return;
  }
  var link = event.target.closest('a.jm-ref');
  if (link) {
    event.preventDefault();
    var target = element.querySelector(link.getAttribute('href'));
    if (target) { target.open = true; target.scrollIntoView({block: 'center', inline: 'center'}); }
    return;
  }
  var summary = event.target.closest('details.jm-claim > summary');
  if (summary) { trigger('claim_click', {anchor: summary.parentElement.id}); }
});
"""


@dataclass
class MapTab:
    html: gr.HTML
    version: gr.Dropdown
    claim: gr.Dropdown
    evidence: gr.HTML
    history: gr.DataFrame
    refresh: Any  # (map_id, version) -> outputs for [html, version, claim, evidence, history]


def map_choices(settings: Settings) -> list[tuple[str, str]]:
    """(label, id) for every map in the workspace, newest draft first."""
    store = api.map_store(settings)
    ids = store.map_ids()
    try:
        latest = store.latest_id()
    except MapNotFoundError:
        latest = None
    ordered = ([latest] if latest in ids else []) + [i for i in ids if i != latest]
    choices = []
    for map_id in ordered:
        title = store.load(map_id).title
        choices.append((f"{title} · {map_id}", map_id))
    return choices


def current_map_id(settings: Settings, map_id: Optional[str]) -> Optional[str]:
    """The chosen map id, or the latest map's id, or None when there is no map."""
    if map_id:
        return map_id
    try:
        return api.map_store(settings).latest_id()
    except MapNotFoundError:
        return None


def parse_version(value: Any) -> Optional[int]:
    if value in (None, "", "current"):
        return None
    return int(str(value).lstrip("v"))


def history_table(settings: Settings, map_id: str) -> pd.DataFrame:
    rows = [[f"v{r['version']}", f"v{r['parent']}" if r["parent"] else "", r["author"], r["created_at"],
             "; ".join(r["edits"]) or "(drafted)", "✓" if r["current"] else ""]
            for r in api.map_store(settings).history(map_id)]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def show_map(settings: Settings, map_id: Optional[str], version: Any = None):
    """Outputs for [html, version picker, claim picker, evidence panel, history] for one map version."""
    map_id = current_map_id(settings, map_id)
    if map_id is None:
        return (EMPTY_MAP, gr.update(choices=[], value=None), gr.update(choices=[], value=None), "",
                pd.DataFrame(columns=HISTORY_COLUMNS))
    store = api.map_store(settings)
    versions = store.versions(map_id)
    wanted = parse_version(version)
    if wanted is not None and wanted not in versions:
        wanted = None
    journey_map = store.load(map_id, wanted)
    units = api.units_by_id(settings)
    html = render_html(journey_map, units, standalone=False)
    version_choices = [("current", "current")] + [(f"v{v}", f"v{v}") for v in reversed(versions)]
    claims = [(label if len(label) <= 110 else label[:109] + "…", cid) for label, cid, _ in claim_entries(journey_map)]
    return (html, gr.update(choices=version_choices, value=f"v{wanted}" if wanted else "current"),
            gr.update(choices=claims, value=None), "", history_table(settings, map_id))


def show_evidence(settings: Settings, map_id: Optional[str], version: Any, claim_id: Optional[str]) -> str:
    if not claim_id:
        return ""
    map_id = current_map_id(settings, map_id)
    if map_id is None:
        raise MapNotFoundError("no map in this workspace yet; draft one on the Map tab")
    journey_map = api.load_map(settings, map_id, parse_version(version))
    return evidence_html(journey_map, claim_id, api.units_by_id(settings))


def claim_from_click(settings: Settings, map_id: Optional[str], version: Any, card_anchor: str) -> Optional[str]:
    map_id = current_map_id(settings, map_id)
    if map_id is None or not card_anchor:
        return None
    return claim_for_anchor(api.load_map(settings, map_id, parse_version(version)), card_anchor)


def stage_set_preview(choice: str, custom_file: Any) -> str:
    """A one-line list of the chosen stage set's stages (validates a custom file)."""
    source = _stage_source(choice, custom_file, required=False)
    if source is None:
        return "Upload a YAML or JSON stage set: `name:` and `stages:` with `name`, `description`, `examples`."
    stage_set = load_stage_set(source)
    return f"**{stage_set.name}**: " + " → ".join(s.name for s in stage_set.stages)


def _stage_source(choice: str, custom_file: Any, required: bool = True) -> Optional[str]:
    if choice != CUSTOM:
        return choice
    if custom_file:
        return str(getattr(custom_file, "name", custom_file))
    if required:
        raise gr.Error("choose a stage-set preset or upload a YAML/JSON stage-set file", print_exception=False)
    return None


def draft_new_map(settings: Settings, choice: str, custom_file: Any, personas: str, title: str, filters: str,
                  progress: Any = None) -> tuple[str, str]:
    """Draft and save a map; (new map id, status markdown)."""
    stages = _stage_source(choice, custom_file)
    if Path(stages).suffix:
        load_stage_set(stages)  # a broken file fails here with its own message, before any drafting

    def on_phase(phase: str, fraction: float) -> None:
        if progress is not None:
            progress(max(0.0, min(1.0, float(fraction))), desc=phase)

    journey_map = api.draft(settings, stages=stages, personas=None if personas in (None, "", "auto") else int(personas),
                            where=parse_where(filters), title=title.strip() or None, progress=on_phase)
    seconds = sum(journey_map.timings.values())
    status = (f"Drafted **{journey_map.title}** (`{journey_map.id}` v{journey_map.version}): "
              f"{len(journey_map.stages)} stages, {len(journey_map.personas)} personas, "
              f"{len(journey_map.all_claims())} claims, {len(journey_map.all_evidence())} verbatim quotes"
              + (f" in {seconds:.0f} s." if seconds else "."))
    return journey_map.id, status


def diff_versions(settings: Settings, map_id: Optional[str], version_a: Any, version_b: Any) -> str:
    map_id = current_map_id(settings, map_id)
    if map_id is None:
        raise MapNotFoundError("no map in this workspace yet; draft one on the Map tab")
    store = api.map_store(settings)
    head = store.head(map_id)["current"]
    a, b = parse_version(version_a) or head, parse_version(version_b) or head
    return api.refiner(settings, map_id).diff(a, b).text()


def build(settings: Settings, map_picker: gr.Dropdown) -> MapTab:
    """Lay out the Map tab and wire its events (the map picker sits above the tabs)."""
    presets = list_presets()
    with gr.Accordion("Draft a new map", open=True):
        with gr.Row():
            stage_choice = gr.Dropdown(presets + [CUSTOM], value="b2c" if "b2c" in presets else presets[0],
                                       label="Stage set", scale=1, elem_id="stage-set")
            stage_file = gr.File(label="Custom stage set (YAML/JSON)", file_types=[".yaml", ".yml", ".json"],
                                 visible=False, scale=1, height=90)
            personas = gr.Dropdown(["auto"] + [str(n) for n in range(1, 9)], value="auto", label="Personas", scale=1)
            title = gr.Textbox(label="Title (optional)", scale=2)
            filters = gr.Textbox(label="Scope filters (key=value)", placeholder="m.segment=new", scale=2)
        stage_md = gr.Markdown(stage_set_preview(stage_choice.value, None), elem_id="stage-preview")
        draft_button = gr.Button("Generate draft map", variant="primary", elem_id="draft-button")
        draft_status = gr.Markdown(elem_id="draft-status")
    with gr.Row():
        version = gr.Dropdown(label="Version", choices=[], scale=1, elem_id="map-version", allow_custom_value=True)
        claim = gr.Dropdown(label="Evidence for claim (or click a card in the map)", choices=[], scale=4,
                            elem_id="claim-picker", allow_custom_value=True)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            html = gr.HTML(EMPTY_MAP, js_on_load=MAP_JS, apply_default_css=False, elem_id="map-view")
        with gr.Column(scale=1, min_width=320):
            gr.Markdown("#### Evidence")
            evidence = gr.HTML("", elem_id="evidence-panel", max_height=900)
    with gr.Accordion("Versions and changes", open=False):
        history = gr.DataFrame(headers=HISTORY_COLUMNS, label="History", interactive=False, wrap=True)
        with gr.Row():
            version_a = gr.Textbox(label="From version", placeholder="v1", scale=1)
            version_b = gr.Textbox(label="To version", placeholder="v2 (empty = current)", scale=1)
            compare = gr.Button("Compare", scale=1, elem_id="compare-button")
        diff_box = gr.Code(label="Diff", language=None, elem_id="version-diff", lines=6)

    outputs = [html, version, claim, evidence, history]

    @guarded
    def refresh(map_id, version_value=None):
        return show_map(settings, map_id, version_value)

    @guarded
    def on_stage_choice(choice, custom_file):
        return gr.update(visible=choice == CUSTOM), stage_set_preview(choice, custom_file)

    @guarded
    def on_draft(choice, custom_file, personas_value, title_value, filters_value, progress=gr.Progress()):
        map_id, status = draft_new_map(settings, choice, custom_file, personas_value, title_value, filters_value, progress)
        return gr.update(choices=map_choices(settings), value=map_id), status

    @guarded
    def on_evidence(map_id, version_value, claim_id):
        return show_evidence(settings, map_id, version_value, claim_id)

    @guarded
    def on_card_click(map_id, version_value, evt: gr.EventData):
        return claim_from_click(settings, map_id, version_value, (evt._data or {}).get("anchor", ""))

    @guarded
    def on_compare(map_id, a, b):
        return diff_versions(settings, map_id, a, b)

    stage_choice.change(on_stage_choice, [stage_choice, stage_file], [stage_file, stage_md], api_visibility="private")
    stage_file.change(on_stage_choice, [stage_choice, stage_file], [stage_file, stage_md], api_name="stage_set_preview")
    draft_button.click(on_draft, [stage_choice, stage_file, personas, title, filters], [map_picker, draft_status],
                       api_name="draft", concurrency_id=WRITE_GROUP, concurrency_limit=1
                       ).success(refresh, [map_picker], outputs, api_visibility="private")
    map_picker.input(refresh, [map_picker], outputs, api_name="show_map")
    version.input(refresh, [map_picker, version], outputs, api_name="show_version")
    claim.change(on_evidence, [map_picker, version, claim], evidence, api_name="evidence")
    html.claim_click(on_card_click, [map_picker, version], claim, api_visibility="private")
    compare.click(on_compare, [map_picker, version_a, version_b], diff_box, api_name="diff")
    return MapTab(html=html, version=version, claim=claim, evidence=evidence, history=history, refresh=refresh)
