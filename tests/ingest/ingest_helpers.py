"""Shared helpers for the ingest tests: an in-memory store and a unit invariant check."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from assistant.ingest import ReadOptions, read_file
from assistant.models import FeedbackUnit
from vectorstore.base import SourceRecord, SourceUpdate


class FakeStore:
    """In-memory stand-in for the vector store's source-level interface."""

    def __init__(self) -> None:
        self.units: dict[str, list[FeedbackUnit]] = {}
        self.fingerprints: dict[str, str] = {}
        self.origins: dict[str, str | None] = {}
        self.calls: list[str] = []
        self.batches: list[list[str]] = []  # sources of each replace_sources call

    def source_fingerprint(self, source: str) -> str | None:
        return self.fingerprints.get(source)

    def source_records(self) -> dict[str, SourceRecord]:
        return {source: SourceRecord(fp, self.origins.get(source)) for source, fp in self.fingerprints.items()}

    def replace_sources(self, updates: Sequence[SourceUpdate]) -> list[tuple[int, int]]:
        self.batches.append([update.source for update in updates])
        return [self._replace(*update) for update in updates]

    def _replace(self, source: str, units: Sequence[FeedbackUnit], fingerprint: str, origin: str | None = None) -> tuple[int, int]:
        self.calls.append(source)
        self.origins[source] = origin
        old = {u.id for u in self.units.get(source, [])}
        new = {u.id for u in units}
        self.units[source] = list(units)
        self.fingerprints[source] = fingerprint
        return len(new - old), len(old - new)

    def all_ids(self) -> set[str]:
        return {u.id for units in self.units.values() for u in units}


def read(path: Path, **options) -> list[FeedbackUnit]:
    """read_file with the file name as source and options as keywords."""
    return read_file(path, path.name, ReadOptions(**options))


def assert_offsets(units: list[FeedbackUnit], source_text: str) -> None:
    """Every unit's offsets select exactly its text in the extracted source text."""
    for unit in units:
        loc = unit.locator
        assert source_text[loc.char_start : loc.char_end] == unit.text, unit
