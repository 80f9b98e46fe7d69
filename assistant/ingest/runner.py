"""Batch ingest: skip unchanged files, parse the rest, replace each source's units in the store.

Parsed files wait in a window of up to WINDOW_UNITS units and go to the store together, so a
folder of small files is embedded in full batches rather than a few texts per file.
"""

from __future__ import annotations

import hashlib
import time
import warnings
from pathlib import Path
from typing import Callable, Mapping, Optional, Protocol, Sequence

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import IngestError
from assistant.ingest.files import expand
from assistant.ingest.naming import NameClash, SourceNamer, default_name
from assistant.ingest.options import IngestWarning, ReadOptions
from assistant.ingest.registry import SUPPORTED_EXTENSIONS, read_bytes
from assistant.models import FeedbackUnit
from assistant.redact import add_counts, redact_units
from vectorstore.base import SourceRecord, SourceUpdate

PARSER_VERSION = "3"  # bump when parsing changes, so unchanged files are re-read once
WINDOW_UNITS = 2048  # parsed units held before a store write; bounds memory and the work a crash repeats
Progress = Callable[[int, int, int], None]
SUPPORTED_HINT = f"supported: {', '.join(SUPPORTED_EXTENSIONS)}"


class SourceStore(Protocol):
    """What ingest needs from the store."""

    def source_records(self) -> dict[str, SourceRecord]: ...

    def replace_sources(self, updates: Sequence[SourceUpdate]) -> list[tuple[int, int]]: ...


class FileIssue(BaseModel):
    """A file that failed, or a repair made while reading one."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="The file as given or found on disk.")
    reason: str = Field(description="What went wrong, with the fix when there is one.")


class IngestReport(BaseModel):
    """Outcome of one ingest batch."""

    model_config = ConfigDict(extra="forbid")

    files: int = Field(default=0, description="Files considered.")
    units_added: int = 0
    units_removed: int = 0
    skipped_unchanged: int = Field(default=0, description="Files whose fingerprint matched the store; not re-read.")
    failed: list[FileIssue] = Field(default_factory=list, description="Files that could not be read, and paths with nothing to read; nothing was written for them.")
    skipped: list[FileIssue] = Field(default_factory=list, description="Files in the folders given that were not read: unsupported types.")
    warnings: list[FileIssue] = Field(default_factory=list, description="Repairs made while reading (padded rows, replaced bytes...).")
    units_per_second: float = Field(default=0.0, description="Units parsed and written per second of wall time.")
    redactions: dict[str, int] = Field(default_factory=dict, description="PII replaced per kind (email, phone, card, address, name) when redaction is on.")
    seconds: float = 0.0


def fingerprint(data: bytes, options: ReadOptions) -> str:
    """Hash of the file bytes, the parsing options and the parser version."""
    # max_bytes never changes what is parsed; redact and sentences are left out when off so older fingerprints still match.
    ignored = {"max_bytes"} | {name for name in ("redact", "sentences") if not getattr(options, name)}
    digest = hashlib.sha256(f"{PARSER_VERSION}\x1f{options.model_dump_json(exclude=ignored)}\x1f".encode())
    digest.update(data)
    return digest.hexdigest()


def _parse(data: bytes, path: Path, source: str, options: ReadOptions, report: IngestReport) -> list[FeedbackUnit]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            units = read_bytes(data, path, source, options)
            if options.redact:
                units, counts = redact_units(units)
                add_counts(report.redactions, counts)
            return units
        finally:
            report.warnings += [FileIssue(path=str(path), reason=str(w.message).removeprefix(f"{path}: "))
                                for w in caught if issubclass(w.category, IngestWarning)]


def ingest_paths(
    paths: Sequence[Path],
    store: SourceStore,
    options: Optional[ReadOptions] = None,
    progress: Optional[Progress] = None,
    *,
    names: Optional[Mapping[Path, str]] = None,
) -> IngestReport:
    """Ingest files and folders; per-file errors are recorded in the report and never stop the batch.

    Source names follow assistant.ingest.naming; `names` gives files whose paths mean nothing
    later (an upload's temporary copy) their names.
    """
    options = options or ReadOptions()
    report, started = IngestReport(), time.perf_counter()
    files = _collect(paths, report)
    report.files = len(files)
    stored = store.source_records()
    namer = SourceNamer(stored)
    explicit = {Path(p).resolve(): n for p, n in (names or {}).items()}
    window = _Window(store, report)
    for done, (path, default) in enumerate(files, start=1):
        try:
            data = _read_limited(path, options.max_bytes)
        except IngestError as exc:
            report.failed.append(FileIssue(path=exc.path, reason=_reason(exc)))
            data = None
        except OSError as exc:
            report.failed.append(FileIssue(path=str(path), reason=f"cannot read the file: {exc.strerror or exc}"))
            data = None
        if data is not None:
            fp = fingerprint(data, options)
            given = explicit.get(path.resolve())
            update = _name(namer, path, default, fp, given, report)
            if update is not None:
                source, origin = update
                before = stored.get(source)
                if before is not None and before.fingerprint == fp and before.origin == origin and source not in window.sources:
                    report.skipped_unchanged += 1
                else:
                    units = _parse_safely(data, path, source, options, report)
                    if units is not None:
                        window.add(SourceUpdate(source, units, fp, origin))
        if done == len(files):
            window.flush()
        if progress is not None:
            progress(done, len(files), window.written)
    report.seconds = round(time.perf_counter() - started, 3)
    report.units_per_second = round(window.written / report.seconds, 1) if report.seconds > 0 else 0.0
    return report


def _collect(paths: Sequence[Path], report: IngestReport) -> list[tuple[Path, str]]:
    """(file, default name) of every file to read, once; unsupported files in folders go to
    report.skipped, a path with nothing to read to report.failed."""
    files: dict[Path, tuple[Path, str]] = {}
    for root in map(Path, paths):
        try:
            found = expand(root)
        except IngestError as exc:
            report.failed.append(FileIssue(path=exc.path, reason=_reason(exc)))
            continue
        report.skipped += [FileIssue(path=str(p), reason=f"unsupported file type {p.suffix or '(no extension)'!r}; {SUPPORTED_HINT}")
                           for p in found.unsupported]
        if not found.files:
            what = f"only files of unsupported types ({len(found.unsupported)})" if found.unsupported else "no files"
            report.failed.append(FileIssue(path=str(root), reason=f"nothing to ingest: the folder holds {what} ({SUPPORTED_HINT})"))
        for path in found.files:
            files.setdefault(path.resolve(), (path, default_name(path, root)))
    return list(files.values())


def _name(namer: SourceNamer, path: Path, default: str, fp: str, given: Optional[str], report: IngestReport) -> Optional[tuple[str, Optional[str]]]:
    """(source name, origin to record) for a file, or None (recorded as a failure) when its name is taken in this batch."""
    try:
        naming = namer.name(path, default, fp, given)
    except NameClash as clash:
        report.failed.append(FileIssue(path=str(path), reason=(
            f"its source name '{clash.name}' is already taken by {clash.first} in this batch, so it was not ingested "
            "(pass the folders that hold them, e.g. `journey ingest jan feb`, so their names include the folder, or rename one)")))
        return None
    if naming.note:
        report.warnings.append(FileIssue(path=str(path), reason=naming.note))
    return naming.name, (None if given is not None else str(path.resolve()))


class _Window:
    """Parsed files waiting to be written to the store together."""

    def __init__(self, store: SourceStore, report: IngestReport):
        self.store, self.report = store, report
        self.pending: list[SourceUpdate] = []
        self.sources: set[str] = set()
        self.units = 0
        self.written = 0

    def add(self, update: SourceUpdate) -> None:
        if update.source in self.sources:  # two files with one source name: the later one replaces the earlier
            self.flush()
        self.pending.append(update)
        self.sources.add(update.source)
        self.units += len(update.units)
        if self.units >= WINDOW_UNITS:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        for added, removed in self.store.replace_sources(self.pending):
            self.report.units_added += added
            self.report.units_removed += removed
        self.written += self.units
        self.pending, self.sources, self.units = [], set(), 0


def _read_limited(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; IngestError (before reading) when it is larger than max_bytes."""
    size = path.stat().st_size
    if size > max_bytes:
        shown, limit = human_size(size), human_size(max_bytes)
        if shown == limit:  # e.g. 100.04 MB against 100 MB: the rounded sizes would read alike
            shown, limit = f"{size:,} bytes", f"{max_bytes:,} bytes"
        raise IngestError(str(path), f"file too large ({shown}; the limit is {limit})",
                          "split the file, or raise the limit: --max-mb on the command line, ReadOptions(max_bytes=...) in Python")
    return path.read_bytes()


def human_size(n: int) -> str:
    """Bytes in decimal units, as --max-mb counts them: '143 bytes', '4.8 KB', '12.5 MB'."""
    if n < 1000:
        return f"{n} byte" if n == 1 else f"{n} bytes"
    if n < 1_000_000:
        return f"{n / 1000:.1f} KB"
    return f"{n / 1_000_000:.1f} MB"


def _parse_safely(data: bytes, path: Path, source: str, options: ReadOptions, report: IngestReport) -> Optional[list[FeedbackUnit]]:
    try:
        return _parse(data, path, source, options, report)
    except IngestError as exc:
        report.failed.append(FileIssue(path=str(path), reason=_reason(exc)))
    except Exception as exc:  # a reader bug must not abort the batch; it is reported like any failure
        report.failed.append(FileIssue(path=str(path), reason=f"unexpected {type(exc).__name__} while reading: {exc}"))
    return None


def _reason(exc: IngestError) -> str:
    return exc.reason + (f" ({exc.fix})" if exc.fix else "")
