"""FeedbackStore: FeedbackUnits in a Chroma collection (embedded or server), plus BM25 and filters.

Vectors are always computed by our embedder and passed to Chroma explicitly; Chroma's own
default embedding function (which downloads a model) is never used. A side collection
"<collection>__sources" holds per-source fingerprints and the revision token that keys the
BM25 cache, so both work the same against a Chroma server.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Literal, Mapping, Sequence, TypeVar
from urllib.parse import urlparse

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import EmbedderMismatchError, StoreError
from assistant.models import NON_EVIDENCE_ROLES, FeedbackUnit
from vectorstore.base import Embedder, Hit, SourceRecord, SourceUpdate
from vectorstore.bm25 import CorpusIndex, IndexCache, Records
from vectorstore.filters import MetadataColumns, normalise_where, part_on_keys
from vectorstore.knn import NeighbourQuery, chroma_neighbours
from vectorstore.records import (
    META_PREFIX,
    SPAN_KEY,
    UNIT_JSON,
    check_label_key,
    flat_metadata,
    is_unit_key,
    record_metadata,
    record_text,
    unit_from_record,
)

if TYPE_CHECKING:
    from vectorstore.hybrid import FusionParams

EMBED_BATCH = 2048  # units embedded per call: large enough for length-sorted batching to pay off
READ_PAGE = 5000
SOURCES_PER_READ = 256  # sources per `source $in [...]` read when a batch replaces many
REVISION_ID = "__revision__"
REBUILD_HINT = "rebuild the index with `journey ingest --rebuild PATH...`"
T = TypeVar("T")


def _reading_order(unit: FeedbackUnit) -> tuple:
    """Sort key: source, then position in the source."""
    return (unit.source, unit.locator.index, unit.locator.part, unit.locator.char_start, unit.id)


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for begin in range(0, len(items), size):
        yield items[begin : begin + size]


def _matching_rows(page: dict[str, Any], where: Mapping[str, Any]) -> dict[str, list]:
    """The ids and metadatas of a `collection.get` page whose flat keys match `where`."""
    keep = MetadataColumns.from_records([flat_metadata(m) for m in page["metadatas"]]).mask(where)
    rows = range(len(page["ids"])) if keep is None else np.flatnonzero(keep).tolist()
    return {"ids": [page["ids"][row] for row in rows], "metadatas": [page["metadatas"][row] for row in rows]}


# Last store revision each embedded store was seen at in this process (see FeedbackStore.search).
_SEEN_REVISION: dict[str, str] = {}


def make_client(settings) -> Any:
    """A Chroma client: HttpClient when settings.chroma_url is set, else PersistentClient in the workspace."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if not settings.chroma_url:
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    url = urlparse(settings.chroma_url if "://" in settings.chroma_url else f"http://{settings.chroma_url}")
    ssl = url.scheme == "https"
    try:
        client = chromadb.HttpClient(host=url.hostname or "localhost", port=url.port or (443 if ssl else 8000), ssl=ssl, settings=chroma_settings)
        client.heartbeat()
    except Exception as exc:
        raise StoreError(
            f"cannot reach the Chroma server at {settings.chroma_url} ({exc}); start it with "
            "`chroma run --path DIR --port PORT` or unset JOURNEY_CHROMA_URL to use the embedded store"
        ) from exc
    return client


class StoreStats(BaseModel):
    """What is in the store."""

    model_config = ConfigDict(extra="forbid")

    collection: str
    embedder: str
    dimension: int
    units: int = Field(description="Number of feedback units.")
    sources: dict[str, int] = Field(description="Units per source.")
    respondents: int = Field(description="Distinct respondent ids.")
    columns: dict[str, int] = Field(description="Metadata columns (m.<key> and labels such as stage) with their distinct-value counts.")


class FeedbackStore:
    """FeedbackUnits in Chroma with stable ids, per-source replacement and hybrid search."""

    def __init__(self, client: Any, embedder: Embedder, collection_name: str = "feedback", cache_dir: Path | None = None, rebuild: bool = False):
        self.client = client
        self.embedder = embedder
        self.collection_name = collection_name
        if rebuild:
            self._drop_collections()
        self.collection = self._open_collection()
        self._side = self._get_or_create(f"{collection_name}__sources", {"role": "journey-sources"})
        self._cache = IndexCache(cache_dir / collection_name if cache_dir else None)

    @classmethod
    def from_settings(cls, settings, embedder: Embedder | None = None, rebuild: bool = False) -> "FeedbackStore":
        """The store the settings point at; `rebuild=True` drops the existing collection first."""
        from vectorstore.embedders import get_embedder

        embedder = embedder or get_embedder(settings)
        cache_dir = settings.home / "cache" / "bm25"
        return cls(make_client(settings), embedder, settings.collection, cache_dir=cache_dir, rebuild=rebuild)

    # --- collections -------------------------------------------------------------------

    def _get_or_create(self, name: str, metadata: dict[str, Any]) -> Any:
        from chromadb.errors import NotFoundError

        try:
            return self.client.get_collection(name, embedding_function=None)
        except NotFoundError:
            pass
        except Exception as exc:
            raise StoreError(f"Chroma failed opening collection '{name}': {exc}") from exc
        try:
            return self.client.create_collection(name, metadata=metadata, embedding_function=None)
        except Exception:  # another process created it in between
            return self.client.get_collection(name, embedding_function=None)

    def _open_collection(self) -> Any:
        wanted = {"embedder": self.embedder.name, "dimension": int(self.embedder.dimension), "hnsw:space": "cosine"}
        collection = self._get_or_create(self.collection_name, wanted)
        stored = collection.metadata or {}
        if stored.get("embedder") != wanted["embedder"] or stored.get("dimension") != wanted["dimension"]:
            raise EmbedderMismatchError(
                f"collection '{self.collection_name}' was built with embedder {stored.get('embedder', 'unknown')!r} "
                f"(dimension {stored.get('dimension', '?')}) but the configured embedder is {wanted['embedder']!r} "
                f"(dimension {wanted['dimension']}); {REBUILD_HINT}, or set JOURNEY_EMBEDDER back"
            )
        return collection

    def _drop_collections(self) -> None:
        for name in (self.collection_name, f"{self.collection_name}__sources"):
            try:
                self.client.delete_collection(name)
            except Exception:  # not there: nothing to drop
                pass

    def delete_all(self) -> None:
        """Remove every unit, fingerprint and label (the collection keeps its embedder)."""
        self._drop_collections()
        self.collection = self._open_collection()
        self._side = self._get_or_create(f"{self.collection_name}__sources", {"role": "journey-sources"})
        self._cache.clear()
        self._bump_revision(settled=True)

    # --- revision and fingerprints ---------------------------------------------------------

    def _bump_revision(self, settled: bool, also: Mapping[str, dict[str, Any]] | None = None) -> None:
        """New revision token; settled=False before a write's changes, True once they are all done.

        `also` (record id -> metadata) is written to the side collection in the same call.
        """
        revision = uuid.uuid4().hex
        records = {**(also or {}), REVISION_ID: {"revision": revision, "settled": settled}}
        self._side.upsert(ids=list(records), embeddings=[[1.0]] * len(records), metadatas=list(records.values()))
        _SEEN_REVISION[self._store_key()] = revision  # this process's own write: its index is current

    def _store_key(self) -> str:
        return f"{getattr(self.client.get_settings(), 'persist_directory', '')}::{self.collection_name}"

    def revision(self) -> str:
        """A token that changes with every write to the store."""
        return self._revision_record()[0]

    def _revision_record(self) -> tuple[str, bool]:
        """(revision token, whether the last write completed); stores written before the flag count as unsettled."""
        got = self._side.get(ids=[REVISION_ID], include=["metadatas"])
        if not got["ids"]:
            return "none", False
        meta = got["metadatas"][0]
        return str(meta["revision"]), bool(meta.get("settled", False))

    def _content_key(self, revision: str, settled: bool) -> str:
        """Key of the current content for the index cache.

        After a completed write the revision alone names the content. While a write is under
        way, or after one was cut off, the content can change under the same revision, so the
        record count joins the key (Chroma's count() costs tens of ms at 100k records).
        """
        return revision if settled else f"{self.count()}-{revision}"

    @staticmethod
    def _source_record_id(source: str) -> str:
        return "src_" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:32]

    def source_fingerprint(self, source: str) -> str | None:
        """The fingerprint recorded by the last completed replace_source of `source`, or None."""
        got = self._side.get(ids=[self._source_record_id(source)], include=["metadatas"])
        return str(got["metadatas"][0]["fingerprint"]) if got["ids"] else None

    def source_records(self) -> dict[str, SourceRecord]:
        """Fingerprint and origin (the file's absolute path, when recorded) of every stored source."""
        got = self._side.get(include=["metadatas"])
        return {str(meta["source"]): SourceRecord(str(meta["fingerprint"]), meta.get("origin") or None)
                for record_id, meta in zip(got["ids"], got["metadatas"]) if record_id != REVISION_ID and meta and "source" in meta}

    def _fingerprint_record(self, update: SourceUpdate, units: int) -> dict[str, dict[str, Any]]:
        record: dict[str, Any] = {"source": update.source, "fingerprint": update.fingerprint, "units": units}
        if update.origin:
            record["origin"] = update.origin
        return {self._source_record_id(update.source): record}

    # --- writing ---------------------------------------------------------------------------

    def replace_source(self, source: str, units: Sequence[FeedbackUnit], fingerprint: str) -> tuple[int, int]:
        """Make `units` the source's content; returns (added, removed) unit counts (see replace_sources)."""
        return self.replace_sources([SourceUpdate(source, units, fingerprint)])[0]

    def replace_sources(self, updates: Sequence[SourceUpdate]) -> list[tuple[int, int]]:
        """Make each update's units its source's content; returns (added, removed) unit counts per update.

        The whole batch is one pass: the new texts of every source are embedded together and share
        writes, so a folder of small files fills the embedder's batches like one big file.
        Crash-safe by order: new units are written (ids are stable, so this is idempotent), then
        the sources' other units are deleted, then the fingerprints are recorded. A run killed at
        any point and repeated ends with no duplicates and no lost units.
        """
        sources = [update.source for update in updates]
        twice = next((s for s, n in Counter(sources).items() if n > 1), None)
        if twice is not None:
            raise StoreError(f"source '{twice}' is given twice to replace_sources; pass each source once, with all its units")
        for update in updates:
            wrong = [u.id for u in update.units if u.source != update.source]
            if wrong:
                raise StoreError(f"{len(wrong)} unit(s) passed to replace_source('{update.source}') belong to another source (e.g. {wrong[0]})")
        if not updates:
            return []
        fresh = {update.source: list({u.id: u for u in update.units}.values()) for update in updates}
        self._bump_revision(settled=False)
        existing: dict[str, tuple[dict[str, Any], Any]] = {}
        for chunk in _chunks(sources, SOURCES_PER_READ):
            existing.update(self._records_where({"source": list(chunk)}))
        units = [u for group in fresh.values() for u in group]
        to_add = [u for u in units if u.id not in existing]
        keep = {u.id for u in units}
        stale = [i for i in existing if i not in keep]
        moved = self._vectors_of_moved_texts(to_add, stale)
        reused = [u for u in to_add if u.id in moved]
        self._add([u for u in to_add if u.id not in moved])
        if reused:
            self._add(reused, np.stack([moved[u.id] for u in reused]))
        self._refresh_metadata([u for u in units if u.id in existing], existing)
        for chunk in _chunks(stale, READ_PAGE):
            self.collection.delete(ids=list(chunk))
        fingerprints: dict[str, dict[str, Any]] = {}
        for update in updates:
            fingerprints.update(self._fingerprint_record(update, len(fresh[update.source])))
        self._bump_revision(settled=True, also=fingerprints)  # one write: fingerprints and settled revision
        added = Counter(u.source for u in to_add)
        removed = Counter(existing[i][0]["source"] for i in stale)
        return [(added[s], removed[s]) for s in sources]

    def remove_source(self, source: str) -> int:
        """Delete every unit of `source` and its fingerprint; returns the number removed."""
        return self.remove_sources([source])[source]

    def remove_sources(self, sources: Sequence[str]) -> dict[str, int]:
        """Delete every unit and the fingerprint of each source; returns units removed per source.

        Crash-safe by order: the fingerprints go first, so a run cut off half-way leaves sources
        that the next ingest of their files writes again in full, never one it skips as unchanged.
        """
        sources = list(dict.fromkeys(sources))
        if not sources:
            return {}
        self._bump_revision(settled=False)
        self._side.delete(ids=[self._source_record_id(source) for source in sources])
        removed: dict[str, int] = {}
        for chunk in _chunks(sources, SOURCES_PER_READ):
            stale = self._records_where({"source": list(chunk)})
            for ids in _chunks(list(stale), READ_PAGE):
                self.collection.delete(ids=list(ids))
            counted = Counter(meta["source"] for meta, _ in stale.values())
            removed.update({source: counted[source] for source in chunk})
        self._bump_revision(settled=True)
        return removed

    def _vectors_of_moved_texts(self, units: Sequence[FeedbackUnit], stale: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors for new units whose exact text is stored under an id about to go.

        A unit's id includes its position, so rows that merely moved (a re-export with new answers
        on top, a reordered sheet) come back under new ids; their texts need no second embedding.
        """
        wanted = {u.text for u in units}
        vector_of: dict[str, np.ndarray] = {}
        for chunk in _chunks(list(stale) if wanted else [], READ_PAGE):
            page = self.collection.get(ids=list(chunk), include=["metadatas", "documents", "embeddings"])
            for document, metadata, vector in zip(page["documents"], page["metadatas"], page["embeddings"]):
                text = record_text(document, metadata)
                if text in wanted:
                    vector_of.setdefault(text, np.asarray(vector, dtype=np.float32))
        return {u.id: vector_of[u.text] for u in units if u.text in vector_of}

    def _add(self, units: Sequence[FeedbackUnit], vectors: np.ndarray | None = None) -> None:
        """Embed (unless `vectors` are given) and write units, replacing any record stored under their ids.

        A batch whose ids are all new goes through Chroma's add, which skips the per-id lookup that
        upsert makes (about 6% of the write); checking that they are new costs ~1 ms per 300 ids.
        No Chroma document is written: the text is a metadata key (see vectorstore.records).
        """
        for begin in range(0, len(units), EMBED_BATCH):
            chunk = units[begin : begin + EMBED_BATCH]
            ids = [u.id for u in chunk]
            chunk_vectors = self.embedder.embed([u.text for u in chunk]) if vectors is None else vectors[begin : begin + EMBED_BATCH]
            stored = self.collection.get(ids=ids, include=[])["ids"]
            write = self.collection.upsert if stored else self.collection.add
            write(
                ids=ids,
                embeddings=np.asarray(chunk_vectors, dtype=np.float32),
                metadatas=[record_metadata(u) for u in chunk],
            )

    def _refresh_metadata(self, units: Sequence[FeedbackUnit], existing: Mapping[str, tuple[dict[str, Any], Any]]) -> None:
        """Rewrite unit-derived metadata that changed (labels are kept; vanished keys are removed)."""
        ids, metadatas = [], []
        for unit in units:
            new = record_metadata(unit)
            old = {k: v for k, v in existing[unit.id][0].items() if is_unit_key(k)}
            if new != old:
                ids.append(unit.id)
                metadatas.append({**{k: None for k in old if k not in new}, **new})
        for begin in range(0, len(ids), READ_PAGE):
            self.collection.update(ids=ids[begin : begin + READ_PAGE], metadatas=metadatas[begin : begin + READ_PAGE])

    def add_units_with_vectors(self, units: Sequence[FeedbackUnit], vectors: np.ndarray) -> None:
        """Upsert units with precomputed vectors (benchmarks, migrations); no fingerprint is recorded."""
        if len(units) != len(vectors) or (len(vectors) and vectors.shape[1] != self.embedder.dimension):
            raise StoreError(f"need one {self.embedder.dimension}-d vector per unit, got shape {np.shape(vectors)} for {len(units)} units")
        self._bump_revision(settled=False)
        self._add(list(units), np.asarray(vectors, dtype=np.float32))
        self._bump_revision(settled=True)

    def set_unit_labels(self, mapping: Mapping[str, Mapping[str, str | None]]) -> None:
        """Set labels such as stage and persona on units (None removes a label); no re-embedding."""
        for labels in mapping.values():
            for key in labels:
                check_label_key(key)
        ids = list(mapping)
        existing = self._existing_ids(ids)
        missing = [i for i in ids if i not in existing]
        if missing:
            raise StoreError(f"{len(missing)} unknown unit id(s), e.g. {missing[0]}; label only units that are in the store (`journey stats`)")
        self._bump_revision(settled=False)
        for chunk in _chunks(ids, READ_PAGE):
            self.collection.update(ids=list(chunk), metadatas=[dict(mapping[i]) for i in chunk])
        self._bump_revision(settled=True)

    # --- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        return self.collection.count()

    def _existing_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(list(ids), READ_PAGE):
            found.update(self.collection.get(ids=list(chunk), include=[])["ids"])
        return found

    def _records_where(self, where: Mapping[str, Any] | None, documents: bool = False) -> dict[str, tuple[dict[str, Any], str | None]]:
        """id -> (full metadata, document or None) of every record matching `where`, read in pages."""
        include = ["metadatas", "documents"] if documents else ["metadatas"]
        out: dict[str, tuple[dict[str, Any], str | None]] = {}
        for page in self._pages(where, include):
            docs = page["documents"] if documents else [None] * len(page["ids"])
            out.update(zip(page["ids"], zip(page["metadatas"], docs)))
        return out

    def _pages(self, where: Mapping[str, Any] | None, include: list[str]) -> Iterator[dict[str, Any]]:
        """Pages of the records matching `where`.

        Chroma holds only `source` and labels as keys (see vectorstore.records), so it is sent the
        part of the filter on those; the whole filter is then evaluated on each page's flat keys,
        and texts and vectors are read for the matching records only.
        """
        strict = normalise_where(where)
        narrowed = part_on_keys(strict, lambda key: key == "source" or not is_unit_key(key))
        exact = narrowed == strict
        offset = 0
        while True:
            page = self.collection.get(where=narrowed, include=include if exact else ["metadatas"], limit=READ_PAGE, offset=offset)
            read = len(page["ids"])
            if exact:
                yield page
            else:
                matching = _matching_rows(page, strict)
                if not matching["ids"]:
                    yield {"ids": [], **{field: [] for field in include}}
                else:
                    yield matching if include == ["metadatas"] else self.collection.get(ids=matching["ids"], include=include)
            if read < READ_PAGE:
                return
            offset += READ_PAGE

    def get_units(self, ids: Sequence[str]) -> list[FeedbackUnit]:
        """The units with these ids, in the order asked; unknown ids are skipped."""
        found: dict[str, FeedbackUnit] = {}
        for chunk in _chunks(list(ids), READ_PAGE):
            page = self.collection.get(ids=list(chunk), include=["metadatas", "documents"])
            found.update((i, unit_from_record(i, d, m)) for i, d, m in zip(page["ids"], page["documents"], page["metadatas"]))
        return [found[i] for i in ids if i in found]

    def all_units(self, where: Mapping[str, Any] | None = None) -> list[FeedbackUnit]:
        """Every unit (matching `where`), ordered by source and position in the source."""
        records = self._records_where(where, documents=True)
        return sorted((unit_from_record(i, document, meta) for i, (meta, document) in records.items()), key=_reading_order)

    def evidence_counts(self, where: Mapping[str, Any] | None = None) -> tuple[int, int]:
        """(evidence units, distinct respondents) matching `where`, read from metadata only (no texts or vectors).

        Interviewer and agent turns are not evidence; a unit without a respondent counts as its own, as a draft counts it.
        """
        units, respondents = 0, set()
        for unit_id, (meta, _) in self._records_where(where).items():
            if UNIT_JSON in meta:  # written before the flat keys were lossless
                unit = FeedbackUnit.model_validate_json(meta[UNIT_JSON])
                role, respondent = unit.speaker_role, unit.respondent
            else:
                flat = flat_metadata(meta)
                role, respondent = flat.get("speaker_role", "respondent"), flat.get("respondent")
            if role not in NON_EVIDENCE_ROLES:
                units += 1
                respondents.add(respondent or unit_id)
        return units, len(respondents)

    def units_with_vectors(self, where: Mapping[str, Any] | None = None) -> tuple[list[FeedbackUnit], np.ndarray]:
        """`all_units(where)` and their stored vectors (row i is unit i's), read in one paged pass."""
        units: list[FeedbackUnit] = []
        pages = [np.zeros((0, self.embedder.dimension), dtype=np.float32)]
        for page in self._pages(where, ["metadatas", "documents", "embeddings"]):
            units += [unit_from_record(*record) for record in zip(page["ids"], page["documents"], page["metadatas"])]
            if len(page["ids"]):
                pages.append(np.asarray(page["embeddings"], dtype=np.float32))
        order = sorted(range(len(units)), key=lambda row: _reading_order(units[row]))
        return [units[row] for row in order], np.vstack(pages)[order]

    def get_embeddings(self, ids: Sequence[str]) -> np.ndarray:
        """Stored vectors of these ids, in order, as a (len(ids), dimension) float32 array."""
        found: dict[str, np.ndarray] = {}
        for chunk in _chunks(list(ids), READ_PAGE):
            page = self.collection.get(ids=list(chunk), include=["embeddings"])
            found.update(zip(page["ids"], page["embeddings"]))
        missing = [i for i in ids if i not in found]
        if missing:
            raise StoreError(f"{len(missing)} unknown unit id(s), e.g. {missing[0]}; re-run `journey ingest` or check the ids")
        out = np.zeros((len(ids), self.embedder.dimension), dtype=np.float32)
        for row, unit_id in enumerate(ids):
            out[row] = found[unit_id]
        return out

    def labels(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Label metadata (stage, persona, ...) of these ids."""
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(list(ids), READ_PAGE):
            page = self.collection.get(ids=list(chunk), include=["metadatas"])
            out.update((i, {k: v for k, v in m.items() if not is_unit_key(k)}) for i, m in zip(page["ids"], page["metadatas"]))
        return out

    def texts_and_metadata(self, ids: Sequence[str], index: CorpusIndex | None = None) -> dict[str, tuple[str, dict[str, Any]]]:
        """id -> (text, public metadata): from `index` (a current corpus index) when given, else from Chroma."""
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        if index is not None:
            for unit_id in ids:
                row = index.row_of.get(unit_id)
                if row is not None:
                    out[unit_id] = (index.documents[row], index.columns.row(row))
        missing = [i for i in ids if i not in out]
        if missing:
            page = self.collection.get(ids=missing, include=["documents", "metadatas"])
            out.update((i, (record_text(d, m), flat_metadata(m))) for i, d, m in zip(page["ids"], page["documents"], page["metadatas"]))
        return out

    def index(self, record: tuple[str, bool] | None = None) -> CorpusIndex:
        """The in-memory corpus table, BM25 index and vectors, current with the collection (at `record` when known)."""
        return self._cache.get(self._content_key(*(record or self._revision_record())), self._load_records)

    def _load_records(self) -> Records:
        ids: list[str] = []
        documents: list[str] = []
        metadatas: list[dict[str, Any]] = []
        vectors = [np.zeros((0, self.embedder.dimension), dtype=np.float32)]
        for page in self._pages(None, ["metadatas", "documents", "embeddings"]):
            ids += page["ids"]
            documents += [record_text(d, m) for d, m in zip(page["documents"], page["metadatas"])]
            metadatas += [flat_metadata(m) for m in page["metadatas"]]
            if len(page["ids"]):
                vectors.append(np.asarray(page["embeddings"], dtype=np.float32))
        return ids, documents, metadatas, np.vstack(vectors)

    @property
    def neighbours(self) -> NeighbourQuery:
        """Unfiltered approximate nearest neighbours from Chroma's HNSW index."""
        return chroma_neighbours(self.collection)

    def sources(self) -> dict[str, int]:
        """Units per source."""
        columns = self.index().columns
        codes = columns.codes.get("source")
        if codes is None:
            return {}
        counts = Counter(codes.tolist())
        return {columns.values["source"][code]: n for code, n in sorted(counts.items()) if code >= 0}

    def filter_keys(self) -> list[str]:
        """Metadata keys some record carries, i.e. the keys a `where` filter can match (source, m.segment, stage, ...)."""
        return sorted(k for k in self.index().columns.values if k != SPAN_KEY)

    def stats(self) -> StoreStats:
        columns = self.index().columns
        distinct = columns.distinct_counts()
        shown = {k: n for k, n in distinct.items() if k.startswith(META_PREFIX) or not is_unit_key(k)}
        return StoreStats(
            collection=self.collection_name,
            embedder=self.embedder.name,
            dimension=self.embedder.dimension,
            units=columns.size,
            sources=self.sources(),
            respondents=distinct.get("respondent", 0),
            columns=dict(sorted(shown.items())),
        )

    def search(
        self,
        query: str,
        k: int = 10,
        where: Mapping[str, Any] | None = None,
        mode: Literal["hybrid", "vector", "bm25"] = "hybrid",
        fusion: "FusionParams | None" = None,
    ) -> list[Hit]:
        """Top-k units for `query`: hybrid (vector + BM25 fused by RRF), vector or bm25, filtered by `where`."""
        from chromadb.errors import InternalError

        from vectorstore.hybrid import DEFAULT_FUSION, search

        record, key = self._revision_record(), self._store_key()  # one revision read per search keys every cache
        revision = record[0]
        if _SEEN_REVISION.get(key, revision) != revision:
            self._reopen_embedded()  # another process wrote since this one last looked: the in-memory index may be stale
        _SEEN_REVISION[key] = revision
        index = self.index(record)
        try:
            return search(self, query, k=k, where=where, mode=mode, fusion=fusion or DEFAULT_FUSION, index=index)
        except InternalError:
            # An embedded store keeps its vector index in memory per process; after another process
            # wrote to the same folder it is stale ("Error finding id"). Reopen from disk once.
            if not self._reopen_embedded():
                raise
            return search(self, query, k=k, where=where, mode=mode, fusion=fusion or DEFAULT_FUSION, index=index)

    def _reopen_embedded(self) -> bool:
        """Drop this process's cached embedded Chroma system and open the folder again; False for a server."""
        import chromadb

        path = getattr(self.client.get_settings(), "persist_directory", None)
        if not path or not hasattr(self.client, "clear_system_cache") or type(self.client).__name__ == "HttpClient":
            return False
        self.client.clear_system_cache()
        self.client = chromadb.PersistentClient(path=path, settings=self.client.get_settings())
        self.collection = self._open_collection()
        self._side = self._get_or_create(f"{self.collection_name}__sources", {"role": "journey-sources"})
        return True
