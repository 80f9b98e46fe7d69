"""Interfaces of the store layer: embedders, source updates and search hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, Sequence, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from assistant.models import FeedbackUnit


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dimension: int

    def embed(self, texts: list[str]) -> np.ndarray:
        """(len(texts), dimension) float32 array, rows L2-normalised."""
        ...


class SourceUpdate(NamedTuple):
    """A source's new content: its units, the fingerprint of the file they came from and, for a
    file on disk, its absolute path (`origin`), by which a later ingest recognises the file."""

    source: str
    units: Sequence[FeedbackUnit]
    fingerprint: str
    origin: str | None = None


class SourceRecord(NamedTuple):
    """What the store remembers of a source besides its units."""

    fingerprint: str
    origin: str | None = None  # None: an upload, or stored before origins were recorded


@dataclass
class Hit:
    """One retrieved unit with its fused score and the ranks behind it."""

    unit_id: str
    text: str
    score: float
    metadata: dict[str, Any] = field(default_factory=dict)
    vector_rank: int | None = None
    bm25_rank: int | None = None
    vector_score: float | None = None
