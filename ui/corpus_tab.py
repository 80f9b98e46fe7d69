"""Corpus tab: upload and ingest files, corpus stats, remove sources, search with filters."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant import api
from assistant.config import Settings
from assistant.wording import noun, plural
from assistant.ingest import SUPPORTED_EXTENSIONS, ReadOptions
from ui.common import WRITE_GROUP, guarded, parse_where

SEARCH_COLUMNS = ["#", "score", "text", "source", "respondent", "where", "unit id"]
FILE_COLUMNS = ["file", "status", "units in corpus", "notes"]


@dataclass
class CorpusTab:
    stats_outputs: list[Any]  # what on_stats fills: stats markdown, metadata columns, the sources to pick for removal
    ingest_button: gr.Button
    on_stats: Any


def _paths(files: Any) -> list[Path]:
    """Uploaded file paths from a gr.File value (None, one path, or a list)."""
    if not files:
        return []
    items = files if isinstance(files, list) else [files]
    return [Path(getattr(item, "name", item)) for item in items]


def stage_uploads(files: Any, folder: Any) -> tuple[Path, list[str], list[str]]:
    """Copy uploads into one fresh folder under their own names (the source identity); (folder, sources, rejected)."""
    staging = Path(tempfile.mkdtemp(prefix="journey-upload-"))
    sources, rejected = [], []
    for path in _paths(files) + _paths(folder):
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            rejected.append(path.name)
            continue
        name = path.name
        if (staging / name).exists():  # same name from two folders: keep both, prefixed by the folder
            name = f"{path.parent.name}-{path.name}"
        shutil.copyfile(path, staging / name)
        sources.append(name)
    return staging, sources, rejected


def ingest_uploads(settings: Settings, files: Any, folder: Any, progress: Any = None, sentences: bool = False) -> tuple[str, pd.DataFrame]:
    """Ingest uploaded files, one unit per sentence when `sentences`; (summary markdown, per-file table)."""
    staging, sources, rejected = stage_uploads(files, folder)
    if not sources:
        shutil.rmtree(staging, ignore_errors=True)
        kinds = ", ".join(SUPPORTED_EXTENSIONS)
        if rejected:
            raise gr.Error(f"none of the files can be ingested ({', '.join(rejected[:5])}); supported types: {kinds}",
                           print_exception=False)
        raise gr.Error(f"upload files or a folder first; supported types: {kinds}", print_exception=False)

    def on_progress(done: int, total: int, parsed: int) -> None:
        if progress is not None:
            progress((done, total), desc=f"{done}/{total} files read, {parsed} units embedded", unit="files")

    try:
        report = api.ingest([staging / source for source in sources], settings, ReadOptions(sentences=bool(sentences)),
                            wait_seconds=30, progress=on_progress, names={staging / source: source for source in sources})
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    in_store = api.stats(settings)["sources"]
    failed = {Path(issue.path).relative_to(staging).as_posix() if issue.path.startswith(str(staging)) else issue.path: issue.reason
              for issue in report.failed}
    warned: dict[str, list[str]] = {}
    for issue in report.warnings:
        key = Path(issue.path).relative_to(staging).as_posix() if issue.path.startswith(str(staging)) else issue.path
        warned.setdefault(key, []).append(issue.reason)
    rows = []
    for source in sources:
        if source in failed:
            rows.append([source, "failed", 0, failed[source]])
        else:
            rows.append([source, "ok", in_store.get(source, 0), "; ".join(warned.get(source, []))])
    rows += [[name, "rejected", 0, f"unsupported type; supported: {', '.join(SUPPORTED_EXTENSIONS)}"] for name in rejected]
    summary = (f"**Ingested {report.files - len(report.failed)} of {plural(report.files, 'file')}** in {report.seconds:.1f} s: "
               f"{plural(report.units_added, 'unit')} added, {report.units_removed} removed, "
               f"{plural(report.skipped_unchanged, 'file')} unchanged.")
    if report.failed or rejected:
        summary += f" **{plural(len(report.failed) + len(rejected), 'file')} not ingested**: see the table."
    return summary, pd.DataFrame(rows, columns=FILE_COLUMNS)


def corpus_stats(settings: Settings) -> tuple[str, pd.DataFrame, Any]:
    """(stats markdown, metadata columns table, the source picker's choices)."""
    stats = api.stats(settings)
    picker = gr.update(choices=sorted(stats["sources"]), value=[])
    if not stats["units"]:
        return "The corpus is empty: upload interviews, surveys, reviews or tickets and press **Ingest**.", \
            pd.DataFrame(columns=["column", "distinct values"]), picker
    sources = ", ".join(f"`{name}` ({count})" for name, count in sorted(stats["sources"].items()))
    counts = " · ".join(f"**{n}** {noun(n, word)}" for n, word in
                        ((stats["units"], "unit"), (len(stats["sources"]), "source"), (stats["respondents"], "respondent")))
    text = (f"{counts} · "
            f"embedder `{stats['embedder']}`\n\nSources: {sources}")
    columns = pd.DataFrame(sorted(stats["columns"].items()), columns=["column", "distinct values"])
    return text, columns, picker


def remove_picked(settings: Settings, sources: list[str] | None) -> str:
    """Remove the picked sources; a markdown line saying what went."""
    if not sources:
        raise gr.Error("pick one or more sources to remove first", print_exception=False)
    removed = api.remove_sources(list(sources), settings, wait_seconds=30)
    listed = ", ".join(f"`{source}` ({units} units)" for source, units in removed.items())
    return (f"**Removed** {listed}. Maps drafted before keep their quotes; the Evals tab flags quotes whose units "
            "are gone. Draft again to map the corpus as it is now.")


def _locator(metadata: dict) -> str:
    kind, index = metadata.get("loc.kind"), metadata.get("loc.index")
    return f"{kind} {index + 1}" if kind and isinstance(index, int) else ""


def search_units(settings: Settings, query: str, filters: str, mode: str, k: float) -> pd.DataFrame:
    """Search hits (or, with no query, the units matching the filters) as a table."""
    where = parse_where(filters)
    rows = []
    if query and query.strip():
        for rank, hit in enumerate(api.search(query.strip(), settings, k=int(k), where=where, mode=mode), start=1):
            meta = hit.metadata
            rows.append([rank, round(hit.score, 4), hit.text, meta.get("source", ""), meta.get("respondent") or "",
                         _locator(meta), hit.unit_id])
    else:
        units = api.list_units(settings, where, int(k))
        rows = [[n, None, u.text, u.source, u.respondent or "", u.locator.label(), u.id] for n, u in enumerate(units, 1)]
    return pd.DataFrame(rows, columns=SEARCH_COLUMNS)


def build(settings: Settings) -> CorpusTab:
    """Lay out the Corpus tab and wire its events."""
    kinds = list(SUPPORTED_EXTENSIONS)
    with gr.Row():
        with gr.Column(scale=3):
            gr.Markdown("### Add feedback\nInterview transcripts, survey exports, reviews and support tickets: "
                        f"{', '.join(kinds)}.")
            with gr.Row():
                files = gr.File(label="Files", file_count="multiple", file_types=kinds, elem_id="upload-files")
                folder = gr.File(label="Or a folder", file_count="directory", elem_id="upload-folder")
            by_sentence = gr.Checkbox(label="One unit per sentence (reviews, long answers: a complaint inside a happy "
                                      "review becomes its own pain point)", value=False, elem_id="ingest-sentences")
            ingest_button = gr.Button("Ingest", variant="primary", elem_id="ingest-button")
            ingest_md = gr.Markdown(elem_id="ingest-summary")
            ingest_table = gr.DataFrame(headers=FILE_COLUMNS, label="Per-file results", interactive=False,
                                        wrap=True, elem_id="ingest-table")
        with gr.Column(scale=2):
            gr.Markdown("### Corpus")
            stats_md = gr.Markdown(elem_id="corpus-stats")
            columns_table = gr.DataFrame(headers=["column", "distinct values"], label="Metadata columns",
                                         interactive=False, max_height=260)
            refresh = gr.Button("Refresh stats", size="sm")
            with gr.Accordion("Remove sources", open=False):
                remove_pick = gr.Dropdown(choices=[], value=[], multiselect=True, label="Sources to remove",
                                          elem_id="remove-sources")
                remove_button = gr.Button("Remove from corpus", variant="stop", size="sm", elem_id="remove-button")
                remove_md = gr.Markdown(elem_id="remove-summary")
    gr.Markdown("### Search the corpus")
    with gr.Row():
        query = gr.Textbox(label="Query", placeholder="e.g. checkout crashed", scale=3, elem_id="search-query")
        filters = gr.Textbox(label="Filters (key=value, comma-separated)", placeholder="m.segment=new, source=survey.csv",
                             scale=2, elem_id="search-filters")
        mode = gr.Dropdown(["hybrid", "vector", "bm25"], value="hybrid", label="Mode", scale=1)
        k = gr.Slider(1, 200, value=20, step=1, label="Results", scale=1)
    search_button = gr.Button("Search", elem_id="search-button")
    results = gr.DataFrame(headers=SEARCH_COLUMNS, label="Units", interactive=False, wrap=True,
                           column_widths=["4%", "7%", "45%", "14%", "10%", "8%", "12%"], elem_id="search-results")

    @guarded
    def on_ingest(files_value, folder_value, sentences_value=False, progress=gr.Progress()):
        summary, table = ingest_uploads(settings, files_value, folder_value, progress, sentences_value)
        return (summary, table, *corpus_stats(settings))

    @guarded
    def on_stats():
        return corpus_stats(settings)

    @guarded
    def on_remove(sources):
        return (remove_picked(settings, sources), *corpus_stats(settings))

    @guarded
    def on_search(query_value, filters_value, mode_value, k_value):
        return search_units(settings, query_value, filters_value, mode_value, k_value)

    stats_outputs = [stats_md, columns_table, remove_pick]
    ingest_button.click(on_ingest, [files, folder, by_sentence], [ingest_md, ingest_table, *stats_outputs],
                        api_name="ingest", concurrency_id=WRITE_GROUP, concurrency_limit=1)
    remove_button.click(on_remove, remove_pick, [remove_md, *stats_outputs], api_name="remove_sources",
                        concurrency_id=WRITE_GROUP, concurrency_limit=1)
    refresh.click(on_stats, None, stats_outputs, api_name="stats")
    gr.on([search_button.click, query.submit, filters.submit], on_search, [query, filters, mode, k], results,
          api_name="search")
    return CorpusTab(stats_outputs=stats_outputs, ingest_button=ingest_button, on_stats=on_stats)
