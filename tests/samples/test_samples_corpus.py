"""The bundled Threadline corpus parses in every format and has the documented shape."""

from __future__ import annotations

import csv
import json
import re

import docx
import openpyxl
import pytest
import webvtt

from assistant.samples import build_docx, build_xlsx, sample_corpus_files, sample_corpus_path

ROOT = sample_corpus_path()
TURN = re.compile(r"^([A-Z][a-z]+): \S")


def _words(text: str) -> int:
    return len(text.split())


def _text_turns(name: str) -> list[tuple[str, str]]:
    lines = (ROOT / "interviews" / name).read_text(encoding="utf-8").splitlines()
    return [(m.group(1), line) for line in lines if (m := TURN.match(line))]


@pytest.mark.parametrize(
    "name, speaker",
    [
        ("interview_01_priya.txt", "Priya"),
        ("interview_02_dean.txt", "Dean"),
        ("interview_05_tasha.md", "Tasha"),
        ("interview_06_owen.txt", "Owen"),
        ("interview_07_graham.txt", "Graham"),
        ("interview_08_kwame.txt", "Kwame"),
    ],
)
def test_text_interviews_alternate_two_speakers(name, speaker):
    turns = _text_turns(name)
    assert 25 <= len(turns) <= 50
    assert {who for who, _ in turns} == {"Interviewer", speaker}


def test_markdown_interview_has_header_block():
    text = (ROOT / "interviews" / "interview_05_tasha.md").read_text(encoding="utf-8")
    header, _, body = text.partition("\n---\n")
    assert header.startswith("# ") and "- Participant:" in header
    assert body.lstrip().startswith("Interviewer:")


def test_vtt_interview_has_voiced_cues():
    captions = webvtt.read(str(ROOT / "interviews" / "interview_03_maya.vtt")).captions
    assert len(captions) == 38
    assert {c.voice for c in captions} == {"Interviewer", "Maya"}
    assert all(a.end_in_seconds <= b.start_in_seconds for a, b in zip(captions, captions[1:]))


def test_docx_interview_has_speaker_paragraphs():
    paragraphs = [p.text for p in docx.Document(str(ROOT / "interviews" / "interview_04_helen.docx")).paragraphs]
    speakers = {m.group(1) for p in paragraphs if (m := TURN.match(p))}
    assert len([p for p in paragraphs if TURN.match(p)]) == 34
    assert speakers == {"Interviewer", "Helen"}


def test_survey_rows_parse_and_stay_in_range():
    with open(ROOT / "survey" / "threadline_survey_2026.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 150
    assert len({r["respondent_id"] for r in rows}) == 52
    assert {r["segment"] for r in rows} == {"new", "returning", "Thread Club"}
    assert {r["age_band"] for r in rows} == {"18-24", "25-34", "35-44", "45-54", "55+"}
    assert {r["channel"] for r in rows} == {"app", "web", "both"}
    assert len({r["question"] for r in rows}) == 3
    assert all(0 <= int(r["nps"]) <= 10 and 5 <= _words(r["answer"]) <= 80 for r in rows)


def test_reviews_jsonl_lines_parse():
    lines = (ROOT / "reviews" / "threadline_reviews.jsonl").read_text(encoding="utf-8").splitlines()
    reviews = [json.loads(line) for line in lines]
    assert len(reviews) == 300
    keys = {"review_id", "reviewer", "rating", "title", "body", "product_category", "verified_purchase", "date"}
    assert all(set(r) == keys and 1 <= r["rating"] <= 5 and r["body"] for r in reviews)
    assert len({r["review_id"] for r in reviews}) == 300
    assert {r["rating"] for r in reviews} == {1, 2, 3, 4, 5}


def test_store_reviews_xlsx_opens():
    sheet = openpyxl.load_workbook(ROOT / "reviews" / "store_reviews_q3.xlsx", read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("review_id", "date", "platform", "reviewer", "stars", "review_text")
    assert len(rows) == 31
    assert all(1 <= row[4] <= 5 and row[5] for row in rows[1:])


def test_tickets_json_loads():
    tickets = json.loads((ROOT / "tickets" / "support_tickets.json").read_text(encoding="utf-8"))["tickets"]
    assert len(tickets) == 100
    assert {t["channel"] for t in tickets} == {"chat", "email"}
    assert all(15 <= _words(t["message"]) <= 150 for t in tickets)
    assert len({t["ticket_id"] for t in tickets}) == 100


def test_survey_respondents_reappear_in_tickets():
    with open(ROOT / "survey" / "threadline_survey_2026.csv", newline="", encoding="utf-8") as f:
        respondents = {r["respondent_id"] for r in csv.DictReader(f)}
    tickets = json.loads((ROOT / "tickets" / "support_tickets.json").read_text(encoding="utf-8"))["tickets"]
    assert len(respondents & {t["customer_id"] for t in tickets}) >= 5


def test_corpus_files_exclude_readme_and_stay_small():
    files = sample_corpus_files()
    assert len(files) == 12
    assert all(p.name != "README.md" for p in files)
    assert sum(p.stat().st_size for p in ROOT.rglob("*") if p.is_file()) < 1_000_000


@pytest.mark.parametrize("builder, name", [(build_docx, "interview_04_helen.docx"), (build_xlsx, "store_reviews_q3.xlsx")])
def test_binary_files_rebuild_byte_identical(builder, name, tmp_path):
    committed = next(p for p in sample_corpus_files() if p.name == name)
    rebuilt = builder.build(tmp_path / name)
    assert rebuilt.read_bytes() == committed.read_bytes()
