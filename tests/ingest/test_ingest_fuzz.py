"""Property tests: every reader returns valid units or raises IngestError, never anything else."""

from __future__ import annotations

import csv
import io
import json
import random
import warnings
from pathlib import Path

import docx
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.errors import IngestError
from assistant.ingest import ReadOptions, read_bytes
from assistant.models import FeedbackUnit

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
SLOW_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))

words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=0, max_size=12)
names = st.sampled_from(["Interviewer", "Maya", "Q", "A", "Support Agent", "Speaker 1", "Note", "**Sam**", "x"])
sentence = st.lists(st.one_of(words, st.sampled_from(["Dr.", "e.g.", "3 p.m.", "!", "?", ".", "\n", "\n\n", ":", '"'])), max_size=60).map(" ".join)
turn = st.tuples(names, sentence).map(lambda t: f"{t[0]}: {t[1]}")
transcript = st.lists(st.one_of(turn, sentence), max_size=12).map("\n".join)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


text_bytes = st.one_of(
    st.binary(max_size=3000),
    st.builds(_encoded, transcript, encodings),
    st.builds(_encoded, st.text(max_size=3000), st.just("utf-8")),
)


def check(data: bytes, name: str) -> list[FeedbackUnit]:
    """Run one reader; assert the result is valid units or an IngestError naming the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            units = read_bytes(data, Path(name), name, ReadOptions())
    except IngestError as exc:
        assert str(exc).startswith(f"{name}: ") and exc.reason
        return []
    assert units and len({u.id for u in units}) == len(units)
    for unit in units:
        assert isinstance(unit, FeedbackUnit)
        FeedbackUnit.model_validate(unit.model_dump())
        assert unit.text.strip() == unit.text and unit.text
        assert unit.locator.char_end - unit.locator.char_start == len(unit.text)
    return units


@FUZZ
@given(text_bytes, st.sampled_from(["f.txt", "f.md"]))
def test_fuzz_text(data: bytes, name: str) -> None:
    check(data, name)


def _csv(rows: list[list[str]], delimiter: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode()


cells = st.one_of(words, sentence, st.sampled_from(["", "=SUM(A1)", "007", "1e400", "nan", "-3.5", '"']))
tables = st.lists(st.lists(cells, min_size=0, max_size=5), min_size=0, max_size=8)


@FUZZ
@given(st.one_of(st.builds(_csv, tables, st.sampled_from([",", ";", "\t"])), text_bytes), st.sampled_from(["f.csv", "f.tsv"]))
def test_fuzz_csv(data: bytes, name: str) -> None:
    check(data, name)


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append([_xlsx_safe(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_safe(value: object) -> object:
    if isinstance(value, str):  # openpyxl rejects control characters in cells
        return "".join(ch for ch in value if ch.isprintable() or ch in "\n\t")
    return value


def _mutate(data: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out[: rng.randint(len(out) // 2, len(out))] if rng.random() < 0.2 else out)


xlsx_cells = st.one_of(cells, st.integers(), st.floats(allow_nan=True), st.none(), st.booleans())


@SLOW_FUZZ
@given(st.one_of(
    st.builds(_xlsx, st.lists(st.lists(xlsx_cells, max_size=4), max_size=6)),
    st.builds(_mutate, st.builds(_xlsx, st.just([["comment"], ["a fine long comment"]])), st.integers(0, 10**6)),
    st.binary(max_size=500),
))
def test_fuzz_xlsx(data: bytes) -> None:
    check(data, "f.xlsx")


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), words, sentence),
    lambda children: st.one_of(st.lists(children, max_size=5), st.dictionaries(st.sampled_from(["text", "id", "user", "a", "meta", "items"]), children, max_size=5)),
    max_leaves=30,
)


@FUZZ
@given(st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.lists(json_values, max_size=5).map(lambda vs: "\n".join(json.dumps(v) for v in vs).encode()),
    st.integers(1, 3000).map(lambda n: ("[" * n + "]" * n).encode()),
    text_bytes,
), st.sampled_from(["f.json", "f.jsonl"]))
def test_fuzz_json(data: bytes, name: str) -> None:
    check(data, name)


valid_time = st.tuples(st.integers(0, 59), st.integers(0, 59), st.integers(0, 999)).map(lambda t: f"00:{t[0]:02d}:{t[1]:02d}.{t[2]:03d}")
timestamps = st.one_of(*[valid_time] * 9, words)  # mostly valid, sometimes broken


def _subtitles(cues: list[tuple[str, str, str, str]], srt: bool) -> bytes:
    blocks = []
    for n, (start, end, speaker, text) in enumerate(cues, start=1):
        timing = f"{start} --> {end}"
        if srt:
            blocks.append(f"{n}\n{timing.replace('.', ',')}\n{speaker}: {text}")
        else:
            blocks.append(f"{timing}\n<v {speaker}>{text}")
    return ("" if srt else "WEBVTT\n\n").encode() + "\n\n".join(blocks).encode()


cue_text = sentence.map(lambda t: t.replace("\n\n", "\n"))  # a blank line ends a cue
cue_lists = st.lists(st.tuples(timestamps, timestamps, names, cue_text), max_size=6)


@FUZZ
@given(st.one_of(st.builds(_subtitles, cue_lists, st.booleans()), text_bytes), st.sampled_from(["f.vtt", "f.srt"]))
def test_fuzz_subtitles(data: bytes, name: str) -> None:
    check(data, name)


def _docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(_xlsx_safe(text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@SLOW_FUZZ
@given(st.one_of(
    st.builds(_docx, st.lists(st.one_of(turn, sentence), max_size=8)),
    st.builds(_mutate, st.builds(_docx, st.just(["Maya: hello there"])), st.integers(0, 10**6)),
    st.binary(max_size=500),
))
def test_fuzz_docx(data: bytes) -> None:
    check(data, "f.docx")


def _pdf_bytes() -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.text(0.1, 0.8, "Interviewer: How was it?")
    fig.text(0.1, 0.7, "Maya: Slow and confusing.")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="pdf")
    plt.close(fig)
    return buffer.getvalue()


PDF = _pdf_bytes()


@FUZZ
@given(st.one_of(st.integers(0, 10**6).map(lambda seed: _mutate(PDF, seed)), st.binary(max_size=500).map(lambda b: b"%PDF-1.4\n" + b)))
def test_fuzz_pdf(data: bytes) -> None:
    check(data, "f.pdf")
