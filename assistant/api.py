"""Python API: the same operations as the CLI, as plain functions.

    from assistant import api
    settings = api.settings(home="~/research/threadline")
    api.ingest(["interviews/", "survey.csv"], settings)
    hits = api.search("checkout crashed", settings, where={"m.segment": "new"})
"""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path
from typing import Any, Callable

from assistant.config import Settings, load_settings
from assistant.errors import UnknownSourceError
from assistant.workspace import writer_lock


def settings(**flags: Any) -> Settings:
    """Settings: flags > workspace config > env > defaults."""
    return load_settings(**flags)


def open_store(settings: Settings):
    """The feedback store (embedded Chroma in the workspace, or the configured Chroma server)."""
    from vectorstore.store import FeedbackStore

    return FeedbackStore.from_settings(settings)


def ingest(
    paths: list[str | Path],
    settings: Settings,
    options: Any = None,
    *,
    rebuild: bool = False,
    wait_seconds: float = 0.0,
    progress: Callable[[int, int, int], None] | None = None,
    names: dict[Path, str] | None = None,
):
    """Ingest files and folders into the store; returns an IngestReport. Takes the workspace writer lock.

    Sources are named by their path relative to the current folder (a file keeps the name it was
    first stored under); `names` names files whose paths mean nothing later, such as uploads' temporary copies.
    """
    from assistant.ingest import ReadOptions, ingest_paths

    from vectorstore.store import FeedbackStore

    options = options or ReadOptions()
    if settings.redact and not options.redact:
        options = options.model_copy(update={"redact": True})
    with writer_lock(settings.home, wait_seconds):
        store = FeedbackStore.from_settings(settings, rebuild=rebuild)
        return ingest_paths([Path(p) for p in paths], store, options, progress=progress, names=names)


def remove_sources(sources: list[str], settings: Settings, *, wait_seconds: float = 0.0) -> dict[str, int]:
    """Remove sources and all their units; returns units removed per source.

    A source is named as `stats()["sources"]` lists it, or by its file in any form ingest takes
    (relative, ./relative or absolute; a folder stands for every source ingested from it).
    Every name is checked first: one unknown name removes nothing. Takes the workspace writer lock.
    Maps drafted earlier keep their quotes; `journey eval` flags the ones whose units are gone.
    """
    from assistant.ingest.naming import resolve_sources
    from vectorstore.base import SourceRecord

    if not sources:
        raise UnknownSourceError("name at least one source to remove; `journey stats` lists them")
    with writer_lock(settings.home, wait_seconds):
        store = open_store(settings)
        stored = store.sources()
        records = {**{name: SourceRecord("") for name in stored}, **store.source_records()}
        names, unknown = resolve_sources(sources, records, Path.cwd())
        _check_known_sources(unknown, stored)
        return store.remove_sources(names)


def _check_known_sources(unknown: list[str], stored: dict[str, int]) -> None:
    if not unknown:
        return
    hints = []
    for name in unknown:
        close = get_close_matches(name, list(stored), n=3, cutoff=0.5)
        hints.append(f"'{name}'" + (f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""))
    raise UnknownSourceError(f"not in the store, so nothing was removed: {'; '.join(hints)}. "
                             f"Name sources as `journey stats` lists them ({len(stored)} stored)")


def search(query: str, settings: Settings, k: int = 10, where: dict | None = None, mode: str = "hybrid"):
    """Hybrid (vector + BM25, RRF) search with metadata filters; returns Hit objects.

    Filter keys must be ones the units carry (or persona, matched by id or name in the current map);
    an empty query, k < 1 or an unknown key raises SearchRequestError instead of finding nothing.
    """
    from assistant.search_filters import check_request

    check_request(query, k)
    store = open_store(settings)
    return store.search(query, k=k, where=_resolved_where(store, settings, where), mode=mode)


def list_units(settings: Settings, where: dict | None = None, k: int = 10) -> list:
    """The first `k` units matching the filters (no query), with filters checked and resolved as `search` does."""
    store = open_store(settings)
    return store.all_units(_resolved_where(store, settings, where))[:k]


def _resolved_where(store, settings: Settings, where: dict | None) -> dict | None:
    from assistant.search_filters import resolve_where

    return resolve_where(where, store.filter_keys(), lambda: load_map(settings))


def stats(settings: Settings) -> dict:
    """Units, sources, respondents and metadata columns of the corpus."""
    return open_store(settings).stats().model_dump()


def units_by_id(settings: Settings) -> dict:
    """Every unit of the corpus by id (the context that grounding validators check against)."""
    return {u.id: u for u in open_store(settings).all_units()}


def map_store(settings: Settings):
    from assistant.mapstore import MapStore

    return MapStore(settings.maps_dir)


def load_map(settings: Settings, map_id: str | None = None, version: int | None = None):
    """A saved map version (default: the current version of the latest map)."""
    return map_store(settings).load(map_id, version)


def draft(
    settings: Settings,
    stages: str = "b2c",
    personas: int | None = None,
    where: dict | None = None,
    title: str | None = None,
    progress: Callable[[str, float], None] | None = None,
    full: bool = False,
):
    """Draft, verify and save a new journey map (version 1); returns it. full: ignore the draft cache."""
    from assistant.draft import draft_map

    with writer_lock(settings.home):
        return draft_map(settings, stages=stages, personas=personas, where=where, title=title, progress=progress, full=full)


def export(settings: Settings, fmt: str, path: str | Path, map_id: str | None = None, version: int | None = None) -> Path:
    """Write a map as json | md | csv | html | png; returns the file written."""
    from assistant.export import export_map

    journey_map = load_map(settings, map_id, version)
    return export_map(journey_map, units_by_id(settings), fmt, Path(path))


def ask(question: str, settings: Settings, session: str = "default", where: dict | None = None,
        map_id: str | None = None, on_token: Callable[[str], None] | None = None):
    """Answer a question from the corpus (or the current map) with validated citations, or refuse honestly."""
    from assistant.chat import ChatEngine

    return ChatEngine(settings, session=session, map_id=map_id).ask(question, where=where, on_token=on_token)


def refiner(settings: Settings, map_id: str | None = None):
    """A Refiner over a saved map: propose/accept edits, undo/redo, history, diff."""
    from assistant.refine.session import Refiner

    store = map_store(settings)
    return Refiner(store, store.resolve(map_id), units_by_id(settings))


def propose_edit(settings: Settings, request: str, map_id: str | None = None):
    """Turn a researcher's request ("merge the two checkout pain points") into a checked Proposal (diff + preview)."""
    from assistant.refine.requests import propose_from_request

    return propose_from_request(refiner(settings, map_id), request, settings)
