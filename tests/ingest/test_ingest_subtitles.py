"""WebVTT and SRT: voice tags and name prefixes merge into turns; broken timestamps are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest.options import ReadContext, ReadOptions
from assistant.ingest.subtitle_reader import _cues, subtitle_text
from tests.ingest.ingest_helpers import assert_offsets, read

VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>How do you book trips?

00:00:04.000 --> 00:00:07.000
<v Maya>Mostly on my phone.

00:00:07.000 --> 00:00:09.500
<v Maya>The app keeps logging me out.

00:00:09.500 --> 00:00:11.000
[laughter]
"""

SRT = """1
00:00:01,000 --> 00:00:03,000
Agent: Thanks for calling, how can I help?

2
00:00:03,000 --> 00:00:05,000
Caller: My card was charged twice.

3
00:00:05,000 --> 00:00:07,000
Caller: <i>Twice!</i>
"""


def _text(raw: str, fmt: str) -> str:
    ctx = ReadContext(path="x", source="x", stem="x", options=ReadOptions())
    return subtitle_text(_cues(raw, fmt, ctx))


def test_vtt_voice_tags_merge_consecutive_cues(tmp_path: Path) -> None:
    path = tmp_path / "trip.vtt"
    path.write_text(VTT, encoding="utf-8")
    units = read(path)
    assert [(u.locator.kind, u.respondent, u.speaker_role, u.text) for u in units] == [
        ("turn", None, "interviewer", "How do you book trips?"),
        ("turn", "Maya", "respondent", "Mostly on my phone.\nThe app keeps logging me out."),
        ("cue", "trip.vtt cue 1", "respondent", "[laughter]"),
    ]
    assert units[1].metadata == {"speaker": "Maya", "start": "00:00:04.000", "end": "00:00:09.500"}
    assert_offsets(units, _text(VTT, "vtt"))


def test_srt_name_prefixes(tmp_path: Path) -> None:
    path = tmp_path / "call.srt"
    path.write_text(SRT, encoding="utf-8-sig")
    units = read(path)
    assert [(u.respondent, u.speaker_role, u.text) for u in units] == [
        (None, "agent", "Thanks for calling, how can I help?"),
        ("call", "respondent", "My card was charged twice.\nTwice!"),
    ]
    assert_offsets(units, _text(SRT, "srt"))


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("bad.vtt", "WEBVTT\n\n00:00:xx --> 00:00:02.000\nhi\n", "not a valid .vtt file"),
        ("noheader.vtt", "00:00:01.000 --> 00:00:02.000\nhi\n", "not a valid .vtt file"),
        ("bad.srt", "1\n00:00:01,000 --> 00:0x:02,000\nhi\n\n2\n00:00:03,000 --> 00:00:04,000\nok\n",
         r"1 of 2 cue\(s\) have broken timestamps"),
        ("prose.srt", "just some words\nnot subtitles\n", "not a valid .srt file"),
    ],
)
def test_broken_subtitles(tmp_path: Path, name: str, content: str, reason: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError, match=f"{name}: {reason}"):
        read(path)
