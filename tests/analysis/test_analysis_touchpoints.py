"""Extractive touchpoints: channels found by the lexicon, ranked by units, each cited by its own sentence."""

from __future__ import annotations

from assistant.analysis.touchpoints import CHANNELS, find_touchpoints, units_texts
from assistant.models import FeedbackUnit, Locator

TEXTS = {
    "u1": "I ordered on the app. The courier was two days late!",
    "u2": "Customer service never replied to my email. The tracking link broke.",
    "u3": "Great jeans, lovely fabric.",
    "u4": "Apps are fine for browsing. My friend recommended you",
    "u5": "The app crashed at checkout twice.",
}


def test_channels_are_ranked_by_the_units_that_mention_them():
    found = find_touchpoints(TEXTS, top=3)
    assert [t.label for t in found][0] == "Mobile app"
    assert found[0].unit_ids == ("u1", "u4", "u5")
    assert len(found) == 3 and all(t.label in CHANNELS for t in found)


def test_each_unit_is_cited_by_the_sentence_that_names_the_channel():
    for touchpoint in find_touchpoints(TEXTS, top=20):
        for unit_id, sentence in touchpoint.sentences.items():
            assert sentence in TEXTS[unit_id]  # verbatim
    by_label = {t.label: t for t in find_touchpoints(TEXTS, top=20)}
    assert by_label["Delivery"].sentences == {"u1": "The courier was two days late!"}
    assert by_label["Word of mouth"].sentences == {"u4": "My friend recommended you"}
    assert by_label["Order tracking"].sentences == {"u2": "The tracking link broke."}


def test_words_inside_other_words_and_unrelated_text_name_no_channel():
    assert find_touchpoints({"a": "Happy with the apple green colour", "b": "Friendly fit, no complaints."}) == []


def test_min_units_and_ties_keep_lexicon_order():
    found = find_touchpoints(TEXTS, top=20, min_units=2)
    assert [t.label for t in found] == ["Mobile app"]
    singles = [t.label for t in find_touchpoints(TEXTS, top=20)][1:]
    assert singles == [label for label in CHANNELS if label in singles]


def test_interviewer_turns_are_not_evidence():
    def unit(i, text, role):
        return FeedbackUnit(id=i, text=text, source="t.txt", locator=Locator(kind="turn", index=0, char_start=0, char_end=len(text)), speaker_role=role)

    units = {"q": unit("q", "Did you use the app?", "interviewer"), "a": unit("a", "Yes, on my phone.", "respondent")}
    assert units_texts(["q", "a", "missing"], units) == {"a": "Yes, on my phone."}
