"""Python API: the same operations as the CLI, as plain functions.

    from assistant import api
    settings = api.settings(home="~/research/threadline")
    api.ingest(["interviews/", "survey.csv"], settings)
    hits = api.search("checkout crashed", settings, where={"m.segment": "new"})
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from assistant.config import Settings, load_settings
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
):
    """Ingest files and folders into the store; returns an IngestReport. Takes the workspace writer lock."""
    from assistant.ingest import ReadOptions, ingest_paths

    with writer_lock(settings.home, wait_seconds):
        if rebuild:
            _drop_store(settings)
        store = open_store(settings)
        return ingest_paths([Path(p) for p in paths], store, options or ReadOptions(), progress=progress)


def _drop_store(settings: Settings) -> None:
    from vectorstore.store import FeedbackStore

    FeedbackStore.drop(settings)


def search(query: str, settings: Settings, k: int = 10, where: dict | None = None, mode: str = "hybrid"):
    """Hybrid (vector + BM25, RRF) search with metadata filters; returns Hit objects."""
    return open_store(settings).search(query, k=k, where=where, mode=mode)


def stats(settings: Settings) -> dict:
    return open_store(settings).stats()
