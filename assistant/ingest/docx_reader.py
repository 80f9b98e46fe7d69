"""Reader for .docx: paragraphs (and table rows) in order, with speaker turns detected as in .txt.

Offsets point into `docx_text(data)`: the non-empty blocks joined by blank lines.
"""

from __future__ import annotations

import io

from assistant.errors import IngestError
from assistant.ingest.options import ReadContext
from assistant.ingest.text_reader import text_units
from assistant.models import FeedbackUnit


def _blocks(document) -> list[str]:
    from docx.table import Table

    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))  # merged cells repeat
                if cells:
                    blocks.append("\n".join(cells))
        elif item.text.strip():
            blocks.append(item.text.strip())
    return blocks


def docx_text(data: bytes, path: str = "<docx>") -> str:
    """The document's text as the reader sees it."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        return "\n\n".join(_blocks(document))
    except Exception as exc:  # python-docx raises zip, XML, key and value errors for damaged files
        raise IngestError(path, f"not a readable .docx document ({type(exc).__name__}: {exc})",
                          "open it in Word or LibreOffice and save as .docx") from exc


def read_docx(data: bytes, ctx: ReadContext) -> list[FeedbackUnit]:
    """Read a Word document."""
    text = docx_text(data, ctx.path)
    if not text.strip():
        raise IngestError(ctx.path, "the document has no text", "check it is not only images")
    return text_units(text, ctx)
