"""Reader for .pdf: text per page (pypdf), then turns or paragraphs within each page.

Offsets point into that page's text as returned by `pdf_page_texts`; Locator.page is 1-based.
"""

from __future__ import annotations

import io
import logging

from assistant.errors import IngestError
from assistant.ingest.options import ReadContext
from assistant.ingest.text_reader import TextUnits
from assistant.ingest.transcript import is_transcript
from assistant.models import FeedbackUnit

logging.getLogger("pypdf").setLevel(logging.ERROR)  # damaged-but-readable files log many warnings


def pdf_page_texts(data: bytes, path: str = "<pdf>") -> list[str]:
    """Extracted text of each page; raises IngestError for unreadable or encrypted PDFs."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _decrypt_blank(reader):
            raise IngestError(path, "PDF is encrypted", "save an unencrypted copy (e.g. print to PDF) and ingest that")
        return [(page.extract_text() or "").replace("\r\n", "\n").replace("\r", "\n") for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:  # pypdf raises many types (PdfReadError, ValueError, KeyError, zlib...) on damaged files
        raise IngestError(path, f"not a readable PDF ({type(exc).__name__}: {exc})", "re-export or re-save the PDF") from exc


def _decrypt_blank(reader) -> bool:
    """Many 'encrypted' PDFs only restrict editing and open with an empty password."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # wrong password or missing AES support both mean: we cannot read it
        return False


def read_pdf(data: bytes, ctx: ReadContext) -> list[FeedbackUnit]:
    """Read a PDF with a text layer."""
    pages = pdf_page_texts(data, ctx.path)
    if not any(p.strip() for p in pages):
        raise IngestError(ctx.path, f"PDF has no text layer ({len(pages)} page(s), scanned images?)",
                          "run OCR first, e.g. `ocrmypdf in.pdf out.pdf`")
    writer = TextUnits(ctx, is_transcript("\n\n".join(pages)))
    units: list[FeedbackUnit] = []
    for number, page in enumerate(pages, start=1):
        units += writer.add(page, page=number)
    return units
