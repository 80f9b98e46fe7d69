"""Sentence-aligned splitting of long units, with offsets kept."""

from __future__ import annotations

import time
from pathlib import Path

from assistant.ingest import MAX_TOKENS, count_tokens
from assistant.ingest.split import chunk_spans, sentence_spans
from tests.ingest.ingest_helpers import assert_offsets, read

SENTENCES = [f"Dr. Lee said step {i} of the signup was confusing, e.g. the address form kept resetting." for i in range(40)]


def test_sentence_spans_keep_abbreviations_together() -> None:
    text = "Dr. Smith called at 3 p.m. on Monday. It failed!  Why? I don't know."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Dr. Smith called at 3 p.m. on Monday.", "It failed!", "Why?", "I don't know.",
    ]


def test_long_turn_is_split_into_parts_at_sentence_boundaries(tmp_path: Path) -> None:
    text = "Interviewer: Tell me about signup.\nMaya: " + " ".join(SENTENCES) + "\nInterviewer: Thanks.\n"
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    units = read(path)
    parts = [u for u in units if u.respondent == "Maya"]
    assert len(parts) >= 3
    assert [u.locator.part for u in parts] == list(range(len(parts)))
    assert {u.locator.index for u in parts} == {1}
    assert all(count_tokens(u.text) <= MAX_TOKENS for u in parts)
    assert all(u.text.endswith("resetting.") and u.text.startswith("Dr. Lee") for u in parts)
    assert " ".join(u.text for u in parts) == " ".join(SENTENCES)
    assert len({u.id for u in units}) == len(units)
    assert_offsets(units, text)


def test_single_giant_sentence_and_unspaced_text_are_split() -> None:
    words = "word " * 1000
    chunks = chunk_spans(words, 0, len(words))
    assert len(chunks) > 1 and all(count_tokens(words[s:e]) <= MAX_TOKENS for s, e in chunks)
    cjk = "界" * 5000
    chunks = chunk_spans(cjk, 0, len(cjk))
    assert len(chunks) > 1 and "".join(cjk[s:e] for s, e in chunks) == cjk


def test_very_long_text_splits_in_reasonable_time() -> None:
    text = " ".join(SENTENCES * 50)  # ~90k characters
    started = time.perf_counter()
    chunks = chunk_spans(text, 0, len(text))
    assert time.perf_counter() - started < 10
    assert all(text[s:e].startswith("Dr. Lee") for s, e in chunks)


REVIEW = ("Wow! The dress is gorgeous and fits true to size. But the zipper broke the second time I wore it "
          "and\nthe seam came apart. Returned it?")


def test_sentence_units_split_each_review_and_share_its_respondent(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(f'rating,review\n2,"{REVIEW}"\n5,Perfect.\n', encoding="utf-8")
    whole = read(path)
    units = read(path, sentences=True)
    assert [u.text for u in whole] == [REVIEW, "Perfect."]
    # "Wow!" joins the next sentence, the wrapped line its start, "Returned it?" (two words) the one before
    assert [u.text for u in units] == [
        "Wow! The dress is gorgeous and fits true to size.",
        "But the zipper broke the second time I wore it and\nthe seam came apart. Returned it?",
        "Perfect.",
    ]
    assert [(u.locator.index, u.locator.part) for u in units] == [(0, 0), (0, 1), (1, 0)]
    assert units[0].respondent == units[1].respondent == "reviews.csv row 1"  # a review is one respondent
    assert units[2].respondent == whole[1].respondent == "reviews.csv row 2"  # a whole row is its own respondent too
    assert units[0].metadata == units[1].metadata == {"rating": 2}
    for unit in units:
        assert REVIEW[unit.locator.char_start : unit.locator.char_end] == unit.text or unit.text == "Perfect."
    assert len({u.id for u in units}) == len(units)


def test_sentence_units_of_a_long_sentence_stay_under_the_token_limit() -> None:
    from assistant.ingest.split import sentence_chunks

    text = "Intro words here. " + "word " * 600 + "end."
    chunks = sentence_chunks(text, 0, len(text))
    assert text[chunks[0][0] : chunks[0][1]] == "Intro words here."
    assert all(count_tokens(text[s:e]) <= MAX_TOKENS for s, e in chunks)
    assert sentence_chunks("   ", 0, 3) == []


def test_reading_by_sentence_is_part_of_the_fingerprint() -> None:
    from assistant.ingest import ReadOptions
    from assistant.ingest.runner import fingerprint

    data = REVIEW.encode()
    assert fingerprint(data, ReadOptions(sentences=True)) != fingerprint(data, ReadOptions())
