"""A corpus of hostile input files, and the outcome each one must have after one ingest batch.

Shared by tests/reliability/test_reliability_hostile_files.py and bench/bench_reliability.py.
"""

from __future__ import annotations

import codecs
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from assistant.ingest import IngestReport

BIG_BYTES = 200 * 1024 * 1024
Check = Callable[[list], Optional[str]]  # units of the file -> problem or None


@dataclass(frozen=True)
class Case:
    """One hostile file: where it is, what it is, and the outcome it must get."""

    path: Path
    what: str
    expect: str  # "parsed" or "failed"
    reason: str = ""  # substring of the failure reason (failed) or of a warning (parsed, optional)
    check: Optional[Check] = None  # extra assertion on the parsed units

    def outcome(self, report: IngestReport, units_by_source: dict[str, list]) -> tuple[str, str]:
        """("parsed" | "failed" | "MISSING", detail) as seen in the report and the store."""
        failed = [f.reason for f in report.failed if Path(f.path) == self.path]
        if failed:
            return "failed", failed[0]
        units = _units_of(self.path, units_by_source)
        if units:
            warned = [w.reason for w in report.warnings if Path(w.path) == self.path]
            return "parsed", f"{len(units)} unit(s)" + (f"; warning: {warned[0]}" if warned else "")
        return "MISSING", "neither failed nor stored"

    def problem(self, report: IngestReport, units_by_source: dict[str, list]) -> Optional[str]:
        """Why the outcome is wrong, or None."""
        got, detail = self.outcome(report, units_by_source)
        if got != self.expect:
            return f"{self.path.name}: expected {self.expect}, got {got} ({detail})"
        if self.reason and self.reason.lower() not in detail.lower():
            return f"{self.path.name}: expected {self.reason!r} in {detail!r}"
        if got == "parsed" and self.check is not None:
            return self.check(_units_of(self.path, units_by_source))
        return None


def _units_of(path: Path, units_by_source: dict[str, list]) -> list:
    name = path.resolve().as_posix()
    return next((units for source, units in units_by_source.items() if name.endswith("/" + source)), [])


def _texts_contain(*needles: str) -> Check:
    def check(units: list) -> Optional[str]:
        joined = "\n".join(u.text for u in units)
        missing = [n for n in needles if n not in joined]
        return f"missing {missing} in {joined[:200]!r}" if missing else None
    return check


def _write(path: Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def _big_text(path: Path, size: int) -> Path:
    line = b"The parcel arrived late and the box was crushed, but support sorted it out quickly.\n"
    block = line * (1024 * 1024 // len(line))
    with path.open("wb") as handle:
        written = 0
        while written < size:
            handle.write(block)
            written += len(block)
        handle.truncate(size)
    return path


def _pdf(path: Path, password: Optional[str] = None) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)  # no text layer, like a scan
    if password:
        writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return _write(path, buffer.getvalue())


def _renamed_zip(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "this is a zip, not a Word document")
    return _write(path, buffer.getvalue())


def build(root: Path, big_bytes: int = BIG_BYTES) -> tuple[list[Path], list[Case]]:
    """Write the corpus under root/corpus (+ one file reached through '..'); returns (paths to ingest, cases)."""
    corpus = root / "corpus"
    c = corpus
    cases = [
        Case(_write(c / "binary.txt", bytes(range(256)) * 64), "binary bytes, .txt extension", "failed", "binary"),
        Case(_write(c / "empty.txt", b""), "zero bytes", "failed", "empty"),
        Case(_big_text(c / "huge.txt", big_bytes), f"{big_bytes // 2**20} MB text", "failed", "max_bytes"),
        Case(_write(c / "invalid_utf8.txt", "The fitting room was great. ".encode() * 20 + b"\xff\xfe\xfa bad bytes. Caf\xc3\xa9 ok."),
             "UTF-8 with invalid bytes", "parsed", "replaced", _texts_contain("fitting room", "Café")),
        Case(_write(c / "utf16_bom.txt", codecs.BOM_UTF16_LE + "Returns were painless, the courier was friendly.".encode("utf-16-le")),
             "UTF-16 LE with BOM", "parsed", "", _texts_contain("Returns were painless")),
        Case(_write(c / "latin1.txt", "Le café était très bon, mais la livraison a été lente.", "latin-1"),
             "Latin-1 text", "parsed", "", _texts_contain("café était très")),
        Case(_write(c / "ragged.csv", "id,comment,rating\n1,Sizing chart was confusing for jeans,2\n2,Great fabric quality overall\n"
                                      "3,Checkout froze twice on my phone,1,extra,cells\n"),
             "CSV with ragged rows", "parsed", "padded", _texts_contain("Sizing chart", "Great fabric", "Checkout froze")),
        Case(_write(c / "quoted_newlines.csv", 'id,comment\n1,"First line of my complaint\nsecond line, with a comma"\n2,"Short and sweet review here"\n'),
             "CSV with quoted newlines", "parsed", "", _texts_contain("First line of my complaint\nsecond line, with a comma")),
        Case(_write(c / "formulas.csv", 'id,comment,link\n1,"=HYPERLINK(""http://evil.example"",""click me"") was in my receipt",'
                                        '"=1+2"\n2,The delivery driver left the parcel in the rain,=SUM(A1:A9)\n'),
             "CSV with formula cells", "parsed", "", _texts_contain('=HYPERLINK("http://evil.example","click me")')),
        Case(_write(c / "no_text_column.csv", "id,rating,score\n1,5,0.9\n2,3,0.4\n3,1,0.1\n"),
             "CSV without a text column", "failed", "text-column"),
        Case(_write(c / "duplicate_headers.csv", "comment,comment,rating\nThe app logged me out constantly,Second opinion column text,2\n"
                                                 "Loved the new loyalty points scheme,Another note here today,5\n"),
             "CSV with duplicate headers", "parsed", "", _texts_contain("logged me out", "loyalty points")),
        Case(_write(c / "truncated.json", '[{"id": 1, "text": "The sale prices were great"}, {"id": 2, "text": "Del'),
             "truncated JSON", "failed", "invalid JSON"),
        Case(_write(c / "deeply_nested.json", "[" * 50_000 + "]" * 50_000), "JSON nested 50,000 deep", "failed", "nested"),
        Case(_pdf(c / "scanned.pdf"), "PDF without a text layer", "failed", "no text layer"),
        Case(_pdf(c / "encrypted.pdf", password="s3cret"), "encrypted PDF", "failed", "encrypted"),
        Case(_renamed_zip(c / "renamed_zip.docx"), "ZIP renamed to .docx", "failed", "not a readable .docx"),
        Case(_write(c / "broken_timestamps.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nMaya: The app is slow.\n\n"
                                                 "00:0x:05.000 --> banana\nMaya: The fitting room was nice.\n"),
             "VTT with broken timestamps", "failed", "timestamps"),
        Case(_write(c / "with space" / "my feedback file.txt", "The store staff were lovely and helpful."),
             "path with spaces", "parsed", "", _texts_contain("store staff were lovely")),
        Case(_write(c / "ünïcødé" / "отзыв 文件.txt", "Die Lieferung war schnell — 配送が速かった."),
             "unicode path", "parsed", "", _texts_contain("配送が速かった")),
    ]
    outside = _write(root / "outside_dotdot.txt", "Found through a dot-dot path: the returns label was missing.")
    dotdot = corpus / ".." / outside.name
    cases.append(Case(dotdot, "path with '..'", "parsed", "", _texts_contain("returns label was missing")))
    return [corpus, dotdot], cases


def describe_size(path: Path) -> str:
    """Human-readable size of a file."""
    size = os.path.getsize(path)
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{size} B"


def units_by_source(store) -> dict[str, list]:
    """Every unit in the store grouped by source."""
    grouped: dict[str, list] = {}
    for unit in store.all_units():
        grouped.setdefault(unit.source, []).append(unit)
    return grouped


__all__ = ["BIG_BYTES", "Case", "build", "describe_size", "units_by_source"]
