"""Degenerate model answers: repetition loops and sentences cut off mid-way."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.chat.answer_checks import cut_off, degenerate, repeats_itself, text_limit

LOOP = ("I'm not sure why returns are so expensive, but it's because of the return fee. I'm not sure why returns are so "
        "expensive, but it's because of the return fee. I'm not sure why returns are so expensive, but it's because of ")


def test_the_observed_loop_is_caught():
    assert repeats_itself(LOOP) and cut_off(LOOP)
    assert degenerate([SimpleNamespace(text="Refunds take about two weeks."), SimpleNamespace(text=LOOP)]) == "it repeats itself"


def test_prose_passes():
    for text in ("Refunds take about two weeks after the warehouse receives the parcel.",
                 "Customers find the £2.50 fee on returns under £30 unfair, especially when the size was wrong",
                 "Some like the app; others say it crashes at payment [1]", "They call it \u201crisk free\u201d"):
        assert not repeats_itself(text) and not cut_off(text), text
    assert degenerate([SimpleNamespace(text="Refunds are slow.")]) is None


def test_cut_off_at_the_length_cap_or_on_a_dangling_word():
    limit = text_limit()
    assert limit == 300  # AnswerSentence.text's max_length, which the grammar enforces
    capped = ("word " * 80)[: limit - 1].strip()
    assert cut_off(capped) and not cut_off(capped + ".")
    assert cut_off("Customers said returns were slow because of the") and cut_off("Delivery was late and")
