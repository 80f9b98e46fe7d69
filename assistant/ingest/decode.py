"""Bytes to text: BOMs, UTF-8, then a detected legacy encoding; binary and empty files are errors.

Offsets of text units point into the string returned here (universal newlines: \\r\\n and \\r
become \\n), so anyone can re-extract the source text and check a unit against it.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Callable, Optional

from charset_normalizer import from_bytes

from assistant.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (docx/xlsx?)"),
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.doc/.xls)"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_NEWLINES = re.compile(r"\r\n?")
_HIGH_RUN = re.compile(rb"[\x80-\xff]{3,}")


def decode_bytes(
    data: bytes, path: str, encoding: str | None = None, warn: Optional[Callable[[str], None]] = None
) -> str:
    """Decode a text file's bytes; raises IngestError for empty, binary or undecodable content."""
    if not data.strip():
        raise IngestError(path, "file is empty", "add content or remove the file from the batch")
    text = _decode(data, path, encoding, warn or (lambda message: None))
    _reject_binary(text, data, path)
    text = _NEWLINES.sub("\n", text)
    if not text.strip():
        raise IngestError(path, "file is empty", "add content or remove the file from the batch")
    return text


def _decode(data: bytes, path: str, encoding: str | None, warn: Callable[[str], None]) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise IngestError(path, f"cannot decode as {encoding}: {exc}", "pass another --encoding or leave it out to auto-detect") from exc
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise IngestError(path, f"byte-order mark says {codec} but the content is not: {exc.reason}", "re-save the file as UTF-8") from exc
    _reject_magic(data, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    repaired = data.decode("utf-8", errors="replace")
    bad = repaired.count("\ufffd")
    good = sum(1 for ch in repaired if ord(ch) > 127) - bad
    # Valid multi-byte sequences among a few bad bytes mean UTF-8 with damage, not a legacy codepage.
    if good > 0 and bad <= max(1, len(repaired) // 100):
        warn(f"{bad} invalid UTF-8 byte sequence(s) replaced with U+FFFD")
        return repaired
    if _looks_western(data):
        # charset-normalizer often guesses cp1250/mac for short Latin-1 text; cp1252 is the common truth.
        return data.decode("cp1252", errors="strict") if _cp1252_ok(data) else data.decode("latin-1")
    best = from_bytes(data).best()
    if best is None:
        raise IngestError(path, "looks like a binary file (no text encoding fits)", "export it as text (UTF-8) first")
    return str(best)


def _looks_western(data: bytes) -> bool:
    """High bytes mostly isolated (accented letters between ASCII), as in Latin-1/cp1252 text."""
    high = sum(1 for b in data if b >= 0x80)
    if high == 0:
        return True
    in_runs = sum(len(m.group()) for m in _HIGH_RUN.finditer(data))
    return b"\x00" not in data and in_runs / high < 0.3


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _reject_magic(data: bytes, path: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise IngestError(path, f"looks like a binary file ({what}), not text", "check the file extension")


def _reject_binary(text: str, data: bytes, path: str) -> None:
    sample = text[:65536]
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    if "\x00" in sample or controls > max(2, len(sample) // 100):
        raise IngestError(path, "looks like a binary file (control bytes in the text)", "check the file extension or export it as text")
