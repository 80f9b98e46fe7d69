"""File extension to reader, and the single entry point that reads one file."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from assistant.errors import IngestError
from assistant.ingest.docx_reader import read_docx
from assistant.ingest.json_reader import read_json, read_jsonl
from assistant.ingest.options import ReadContext, ReadOptions
from assistant.ingest.pdf_reader import read_pdf
from assistant.ingest.subtitle_reader import read_srt, read_vtt
from assistant.ingest.table_reader import read_csv, read_tsv, read_xlsx
from assistant.ingest.text_reader import read_text
from assistant.models import FeedbackUnit

Reader = Callable[[bytes, ReadContext], list[FeedbackUnit]]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".csv": read_csv,
    ".tsv": read_tsv,
    ".xlsx": read_xlsx,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".vtt": read_vtt,
    ".srt": read_srt,
    ".docx": read_docx,
    ".pdf": read_pdf,
}
SUPPORTED_EXTENSIONS = tuple(READERS)


def reader_for(path: Path) -> Reader:
    """The reader for a file's extension; IngestError naming the supported ones otherwise."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise IngestError(str(path), f"unsupported file type {path.suffix or '(no extension)'!r}",
                          f"supported: {', '.join(SUPPORTED_EXTENSIONS)}")
    return reader


def read_bytes(data: bytes, path: Path, source: str, options: Optional[ReadOptions] = None) -> list[FeedbackUnit]:
    """Parse already-read file content; raises IngestError (never anything else on bad input)."""
    reader = reader_for(path)
    ctx = ReadContext(path=str(path), source=source, stem=path.stem, options=options or ReadOptions())
    units = reader(data, ctx)
    if not units:
        raise IngestError(str(path), "no feedback text found in the file", "check the file has text (or pass --text-column)")
    return units


def read_file(path: Path, source: Optional[str] = None, options: Optional[ReadOptions] = None) -> list[FeedbackUnit]:
    """Read one file into FeedbackUnits; `source` defaults to the file name."""
    path = Path(path)
    reader_for(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot read the file: {exc.strerror or exc}", "check the path and its permissions") from exc
    return read_bytes(data, path, source or path.name, options)
