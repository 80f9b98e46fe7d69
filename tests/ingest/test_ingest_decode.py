"""Encodings and binary detection."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from assistant.errors import IngestError
from tests.ingest.ingest_helpers import read

TEXT = "Interviewer: Comment était le café?\nMaya: Très bon, mais la crème brûlée était froide.\n"


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),  # with BOM
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("latin-1"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "latin1", "cp1252"],
)
def test_encodings_decode_to_the_same_units(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "cafe.txt"
    path.write_bytes(raw)
    units = read(path)
    assert [u.text for u in units] == ["Comment était le café?", "Très bon, mais la crème brûlée était froide."]


def test_cp1252_smart_quotes(tmp_path: Path) -> None:
    path = tmp_path / "quotes.txt"
    path.write_bytes("I said \u201cno\u201d \u2014 it\u2019s fine.".encode("cp1252"))
    assert read(path)[0].text == "I said \u201cno\u201d \u2014 it\u2019s fine."


def test_mostly_utf8_with_a_stray_byte_is_repaired_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "stray.txt"
    path.write_bytes("Great app \u2014 really \u2014 loved it ".encode() + b"\xff" + b" yes")
    with pytest.warns(UserWarning, match="invalid UTF-8"):
        units = read(path)
    assert units[0].text == "Great app \u2014 really \u2014 loved it \ufffd yes"


def test_encoding_override(tmp_path: Path) -> None:
    path = tmp_path / "cafe.txt"
    path.write_bytes("café".encode("latin-1"))
    assert read(path, encoding="latin-1")[0].text == "café"
    with pytest.raises(IngestError, match="cannot decode as utf-8"):
        read(path, encoding="utf-8")


def test_cyrillic_legacy_encoding(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    text = "Приложение работает медленно, и поддержка не отвечает уже неделю."
    path.write_bytes(text.encode("cp1251"))
    assert read(path)[0].text == text


@pytest.mark.parametrize(
    "raw, what",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        (b"PK\x03\x04" + b"\x00" * 40, "ZIP"),
        (bytes(range(256)) * 8, ""),
        (b"hello\x00world\x00\x01\x02\x03", "control bytes"),
    ],
)
def test_binary_content_with_text_extension(tmp_path: Path, raw: bytes, what: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(raw)
    with pytest.raises(IngestError, match=f"notes.txt: looks like a binary file.*{what}"):
        read(path)
