"""Ingest: files (txt/md, csv/tsv/xlsx, json/jsonl, vtt/srt, docx, pdf) into FeedbackUnits.

    units = read_file(Path("interview.txt"), "interviews/interview.txt", ReadOptions())
    report = ingest_paths([Path("samples/")], store, ReadOptions(), progress=print)

Every reader raises IngestError (naming the file and the reason) for input it cannot read,
and nothing else. Offsets in each unit's Locator point into the source's extracted text
(decoded text for txt/md/csv..., `docx_text`, `pdf_page_texts`, the subtitle transcript)
or, for table and JSON records, into the text cell.
"""

from assistant.ingest.decode import decode_bytes
from assistant.ingest.docx_reader import docx_text
from assistant.ingest.files import iter_files
from assistant.ingest.options import IngestWarning, ReadOptions
from assistant.ingest.pdf_reader import pdf_page_texts
from assistant.ingest.registry import SUPPORTED_EXTENSIONS, read_bytes, read_file
from assistant.ingest.runner import FileIssue, IngestReport, SourceStore, fingerprint, ingest_paths
from assistant.ingest.split import MAX_TOKENS, count_tokens

__all__ = [
    "MAX_TOKENS",
    "SUPPORTED_EXTENSIONS",
    "FileIssue",
    "IngestReport",
    "IngestWarning",
    "ReadOptions",
    "SourceStore",
    "count_tokens",
    "decode_bytes",
    "docx_text",
    "fingerprint",
    "ingest_paths",
    "iter_files",
    "pdf_page_texts",
    "read_bytes",
    "read_file",
]
