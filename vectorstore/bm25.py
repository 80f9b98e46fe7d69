"""Corpus side index: the store's documents with BM25, metadata columns for filtering and vectors.

Built lazily from the collection and cached in memory and on disk; the cache key is the
store's revision token (bumped by every write), plus the record count while a write is
unfinished (FeedbackStore._content_key), so any change to content or labels, by any
process, makes the next search rebuild or reload. The vectors
are saved as .npy and memory-mapped on load (1M x 384 float32 is 1.5 GB).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import bm25s
import numpy as np
from bm25s.stopwords import STOPWORDS_EN

from vectorstore.filters import MetadataColumns

TOKENIZER_VERSION = "t2"  # bump when tokenize() or the saved layout changes: old disk caches are then ignored
_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(STOPWORDS_EN)

Records = tuple[list[str], list[str], list[dict[str, Any]], np.ndarray]  # ids, documents, public metadata, vectors


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens without English stopwords."""
    return [t for t in _WORD.findall(text.lower()) if t not in _STOPWORDS]


class CorpusIndex:
    """Ids, documents, metadata and vectors of every record (row-aligned), plus a BM25 index over the documents."""

    def __init__(self, ids: list[str], documents: list[str], columns: MetadataColumns, bm25: bm25s.BM25, vectors: np.ndarray):
        self.ids = ids
        self.documents = documents
        self.columns = columns
        self.bm25 = bm25
        self.vectors = vectors  # (rows, dimension) float32, possibly memory-mapped
        self.row_of = {unit_id: row for row, unit_id in enumerate(ids)}

    @classmethod
    def build(cls, ids: list[str], documents: list[str], metadatas: Sequence[Mapping[str, Any]], vectors: np.ndarray) -> "CorpusIndex":
        retriever = bm25s.BM25()
        if ids:
            retriever.index([tokenize(d) for d in documents], show_progress=False)
        return cls(list(ids), list(documents), MetadataColumns.from_records(metadatas), retriever, np.asarray(vectors, dtype=np.float32))

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, score) of the top-n records with a positive BM25 score, best first."""
        tokens = tokenize(query)
        if not tokens or not self.ids or n <= 0:
            return []
        scores = self.bm25.get_scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.lexsort((top, -scores[top]))]  # by score, ties by row: deterministic
        return [(int(row), float(scores[row])) for row in top if scores[row] > 0]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self.bm25.save(str(folder / "bm25"), show_progress=False)
        np.save(folder / "vectors.npy", self.vectors)
        np.savez(folder / "codes.npz", **self.columns.codes)
        table = {"ids": self.ids, "documents": self.documents, "values": self.columns.values, "size": self.columns.size}
        (folder / "table.json").write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "CorpusIndex":
        table = json.loads((folder / "table.json").read_text(encoding="utf-8"))
        ids = table["ids"]
        retriever = bm25s.BM25.load(str(folder / "bm25"), show_progress=False) if ids else bm25s.BM25()
        with np.load(folder / "codes.npz") as codes:
            columns = MetadataColumns({k: codes[k] for k in codes.files}, table["values"], int(table["size"]))
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        if len(vectors) != len(ids):
            raise ValueError(f"cached index has {len(vectors)} vectors for {len(ids)} ids")
        return cls(ids, table["documents"], columns, retriever, vectors)


class IndexCache:
    """One CorpusIndex per content key, kept in memory and (when given a folder) on disk."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self._key: str | None = None
        self._index: CorpusIndex | None = None

    def get(self, key: str, load_records: Callable[[], Records]) -> CorpusIndex:
        """The index for `key`: from memory, else from disk, else built from `load_records()`."""
        if key == self._key and self._index is not None:
            return self._index
        index = self._load_from_disk(key)
        if index is None:
            index = CorpusIndex.build(*load_records())
            self._save_to_disk(key, index)
        self._key, self._index = key, index
        return index

    def clear(self) -> None:
        self._key, self._index = None, None

    def _path(self, key: str) -> Path | None:
        return None if self.folder is None else self.folder / f"{TOKENIZER_VERSION}-{key}"

    def _load_from_disk(self, key: str) -> CorpusIndex | None:
        path = self._path(key)
        if path is None or not (path / "table.json").is_file():
            return None
        try:
            return CorpusIndex.load(path)
        except (OSError, ValueError, KeyError):  # a damaged cache is rebuilt, never trusted
            return None

    def _save_to_disk(self, key: str, index: CorpusIndex) -> None:
        path = self._path(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".building-"))
        try:
            index.save(tmp)
            os.rename(tmp, path)  # atomic; fails if another process got there first, which is fine
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            return
        for old in path.parent.iterdir():
            if old != path and not old.name.startswith(".building-"):
                shutil.rmtree(old, ignore_errors=True)
