"""Transcripts and plain text (.txt/.md): turns, roles, Q/A blocks, paragraphs, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import decode_bytes
from tests.ingest.ingest_helpers import assert_offsets, read

TRANSCRIPT = """Interview 3, March 2024

Interviewer: How did you first hear about the app?
Maya: A friend told me about it.
I signed up the same day.

Interviewer: What was hard?
**Maya:** The billing page. I could not find the invoice.
Support Agent (Tom): We moved it last month.
"""


def test_speaker_turns_roles_and_offsets(tmp_path: Path) -> None:
    path = tmp_path / "maya.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    units = read(path)
    turns = [u for u in units if u.locator.kind == "turn"]
    assert [(u.respondent, u.speaker_role) for u in turns] == [
        (None, "interviewer"),  # interviewers and agents are not respondents
        ("Maya", "respondent"),
        (None, "interviewer"),
        ("Maya", "respondent"),
        (None, "agent"),
    ]
    assert turns[1].text == "A friend told me about it.\nI signed up the same day."
    assert turns[3].text == "The billing page. I could not find the invoice."
    assert turns[4].metadata == {"speaker": "Support Agent", "speaker_tag": "Tom"}
    assert [u.locator.index for u in turns] == [0, 1, 2, 3, 4]
    preamble = [u for u in units if u.locator.kind == "paragraph"]
    assert [u.text for u in preamble] == ["Interview 3, March 2024"]
    assert preamble[0].speaker_role == "unknown"
    assert not turns[0].is_evidence and turns[1].is_evidence
    assert_offsets(units, TRANSCRIPT)


def test_qa_blocks_use_file_stem_as_respondent(tmp_path: Path) -> None:
    path = tmp_path / "p07.md"
    text = "# Survey answers\n\nQ: What did you like?\nA: The speed.\n\nQ: What would you change?\nA: Pricing, honestly.\n"
    path.write_text(text, encoding="utf-8")
    units = read(path)
    assert [(u.text, u.respondent, u.speaker_role) for u in units] == [
        ("What did you like?", None, "interviewer"),
        ("The speed.", "p07", "respondent"),
        ("What would you change?", None, "interviewer"),
        ("Pricing, honestly.", "p07", "respondent"),
    ]
    assert_offsets(units, text)


def test_generic_and_numbered_speakers(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    text = "Moderator: Hi both.\nSpeaker 1: Hello.\nSpeaker 2: Hi there.\nParticipant: Me too.\n"
    path.write_text(text, encoding="utf-8")
    units = read(path)
    assert [u.respondent for u in units] == [None, "call:Speaker 1", "call:Speaker 2", "call"]
    assert units[0].speaker_role == "interviewer"


def test_plain_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    text = "The app is great.\nI use it daily.\n\n\n  Shipping was slow: two weeks.  \n\nWould buy again."
    path.write_text(text, encoding="utf-8")
    units = read(path)
    assert [u.text for u in units] == ["The app is great.\nI use it daily.", "Shipping was slow: two weeks.", "Would buy again."]
    assert all(u.locator.kind == "paragraph" and u.speaker_role == "respondent" for u in units)
    assert [u.locator.index for u in units] == [0, 1, 2]
    assert_offsets(units, text)


def test_crlf_offsets_point_into_decoded_text(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    raw = "Interviewer: Why?\r\nMaya: Because.\r\nIt broke.\r\nInterviewer: Ok.\r\n".encode()
    path.write_bytes(raw)
    units = read(path)
    assert units[1].text == "Because.\nIt broke."
    assert_offsets(units, decode_bytes(raw, str(path)))


def test_ids_are_stable_and_unique(tmp_path: Path) -> None:
    path = tmp_path / "maya.txt"
    path.write_text(TRANSCRIPT + "Maya: Yes.\nMaya: Yes.\n", encoding="utf-8")
    first, second = read(path), read(path)
    assert [u.id for u in first] == [u.id for u in second]
    assert len({u.id for u in first}) == len(first)


def test_paths_with_spaces_and_unicode(tmp_path: Path) -> None:
    folder = tmp_path / "entrevistas año"
    folder.mkdir()
    path = folder / "Zoë interview 1.txt"
    path.write_text("Interviewer: ¿Qué tal?\nZoë: Très bien, merci.\n", encoding="utf-8")
    units = read(path)
    assert units[1].respondent == "Zoë"
    assert units[1].text == "Très bien, merci."


@pytest.mark.parametrize("content", [b"", b"   \n\n\t "])
def test_empty_file_is_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError, match="empty.txt: file is empty"):
        read(path)


def test_a_transcript_header_is_kept_but_is_no_ones_evidence(tmp_path: Path) -> None:
    path = tmp_path / "interview_05.md"
    path.write_text("# Interview 05\n\n- Date: 2026-02-24 - Interviewer: Jo Marsh\n\n"
                    "Interviewer: How did you find us?\nTasha: Through a friend.\nInterviewer: And checkout?\nTasha: Slow.\n",
                    encoding="utf-8")
    units = read(path)
    assert [(u.speaker_role, u.respondent, u.is_evidence) for u in units] == [
        ("unknown", None, False), ("interviewer", None, False), ("respondent", "Tasha", True),
        ("interviewer", None, False), ("respondent", "Tasha", True)]


def test_every_evidence_unit_of_the_sample_corpus_has_a_respondent() -> None:
    from assistant.ingest import ReadOptions, iter_files, read_file
    from assistant.samples import sample_corpus_path

    units = [u for path, source in iter_files([sample_corpus_path()]) for u in read_file(path, source, ReadOptions())]
    headers = [u.text for u in units if u.speaker_role == "unknown"]
    assert "Threadline customer interview 04" in headers and any(h.startswith("Interview with Helen") for h in headers)
    assert all(u.respondent for u in units if u.is_evidence)  # persona lists name people or rows, never unit ids
    assert not {u.respondent for u in units if u.speaker_role in ("interviewer", "agent")} - {None}
