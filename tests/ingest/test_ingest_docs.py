"""Word documents and PDFs: paragraphs, turns, pages, and unreadable files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import matplotlib
import numpy as np
import pytest
from pypdf import PdfReader, PdfWriter

from assistant.errors import IngestError
from assistant.ingest import docx_text, pdf_page_texts
from tests.ingest.ingest_helpers import assert_offsets, read

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402


def _pdf(path: Path, pages: list[list[str]]) -> Path:
    """A real PDF with a text layer: one figure per page, one fig.text per line."""
    with PdfPages(path) as pdf:
        for lines in pages:
            fig = plt.figure(figsize=(8.5, 11))
            for i, line in enumerate(lines):
                fig.text(0.05, 0.95 - i * 0.04, line)
            pdf.savefig(fig)
            plt.close(fig)
    return path


def test_docx_turns_paragraphs_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Interview 4", level=1)
    document.add_paragraph("Interviewer: What made you cancel?")
    document.add_paragraph("Sam: The price went up twice.")
    document.add_paragraph("And support never answered.")
    document.add_paragraph("Interviewer: Thanks.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Sam: Also the app was slow."
    table.rows[0].cells[1].text = "Sam: Also the app was slow."
    path = tmp_path / "sam.docx"
    document.save(path)
    units = read(path)
    assert [(u.locator.kind, u.respondent, u.speaker_role, u.text) for u in units] == [
        ("paragraph", None, "unknown", "Interview 4"),
        ("turn", None, "interviewer", "What made you cancel?"),  # an interviewer is no respondent
        ("turn", "Sam", "respondent", "The price went up twice.\n\nAnd support never answered."),
        ("turn", None, "interviewer", "Thanks."),
        ("turn", "Sam", "respondent", "Also the app was slow."),
    ]
    assert_offsets(units, docx_text(path.read_bytes()))


def test_docx_plain_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    for text in ("Loved the onboarding emails.", "", "Hated the paywall."):
        document.add_paragraph(text)
    path = tmp_path / "notes.docx"
    document.save(path)
    assert [(u.locator.kind, u.text) for u in read(path)] == [("paragraph", "Loved the onboarding emails."), ("paragraph", "Hated the paywall.")]


def test_renamed_zip_as_docx(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a word document")
    with pytest.raises(IngestError, match="report.docx: not a readable .docx document"):
        read(path)


def test_pdf_pages_turns_and_continuation(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "call notes.pdf", [
        ["Interviewer: How was checkout?", "Maya: Checkout was slow and confusing."],
        ["I almost gave up on the order.", "Interviewer: What helped?", "Maya: The chat agent."],
    ])
    units = read(path)
    assert [(u.locator.page, u.locator.index, u.respondent, u.text) for u in units] == [
        (1, 0, None, "How was checkout?"),
        (1, 1, "Maya", "Checkout was slow and confusing."),
        (2, 2, "Maya", "I almost gave up on the order."),
        (2, 3, None, "What helped?"),
        (2, 4, "Maya", "The chat agent."),
    ]
    pages = pdf_page_texts(path.read_bytes())
    for unit in units:
        assert pages[unit.locator.page - 1][unit.locator.char_start : unit.locator.char_end] == unit.text


def test_pdf_plain_text_paragraphs(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "review.pdf", [["The product arrived broken and nobody replied to my emails."]])
    units = read(path)
    assert [(u.locator.kind, u.locator.page, u.text) for u in units] == [
        ("paragraph", 1, "The product arrived broken and nobody replied to my emails."),
    ]


def test_image_only_pdf(tmp_path: Path) -> None:
    fig = plt.figure()
    fig.figimage(np.random.default_rng(0).random((20, 20)))
    path = tmp_path / "scan.pdf"
    fig.savefig(path)
    plt.close(fig)
    with pytest.raises(IngestError, match=r"scan.pdf: PDF has no text layer \(1 page\(s\), scanned images\?\).*ocrmypdf"):
        read(path)


def _encrypted(source: Path, target: Path, user_password: str) -> Path:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def test_encrypted_pdf(tmp_path: Path) -> None:
    plain = _pdf(tmp_path / "plain.pdf", [["Maya said the refund took a month."]])
    locked = _encrypted(plain, tmp_path / "locked.pdf", "secret")
    with pytest.raises(IngestError, match="locked.pdf: PDF is encrypted"):
        read(locked)
    owner_only = _encrypted(plain, tmp_path / "owner-only.pdf", "")
    assert read(owner_only)[0].text == "Maya said the refund took a month."


@pytest.mark.parametrize("content", [b"%PDF-1.4\n%garbage", b"hello, I am not a pdf", io.BytesIO(b"PK\x03\x04").getvalue()])
def test_broken_pdf(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(IngestError, match="broken.pdf: not a readable PDF"):
        read(path)
