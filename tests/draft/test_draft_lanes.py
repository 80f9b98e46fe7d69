"""A lane claim rests on evidence that says what its lane says: pain on negative quotes, delight on positive
ones (the quoted sentence, not its unit's mean), goals on a want, need or intent."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.draft.lanes import LaneCheck, is_goal_like
from assistant.draft.synthesis import Synthesizer, ThemeInput
from assistant.models import FeedbackUnit, Locator, unit_id_for

# valences as the draft's scorer would give them (the head reads the sizing complaint as mildly positive)
VALENCE = {
    "Sizes run small, I had to return the jeans.": 0.08,
    "Love the print.": 0.7,
    "The zipper broke on day one.": -0.5,
    "Returns were easy and the refund came in three days.": 0.3,
    "It was \u00a38 more than I expected.": -0.1,
    "I wanted to order a size 26.": -0.05,
    "The customer service was great.": 0.6,
}


def scorer(texts):
    return [VALENCE[t.strip()] for t in texts]


def _unit(n: int, text: str, respondent: str | None = None) -> FeedbackUnit:
    return FeedbackUnit(id=unit_id_for("fb.csv", f"row:{n}", text), text=text, source="fb.csv",
                        locator=Locator(kind="row", index=n, char_start=0, char_end=len(text)), respondent=respondent or f"r{n}")


@pytest.mark.parametrize("text, goal", [
    ("I wanted to order a size 26.", True), ("I need this outfit for tomorrow morning.", True),
    ("When I do buy, I want to know where it came from.", True), ("I'd like a size guide.", True),
    ("It was \u00a38 more than I expected.", False), ("For \u00a335 I expected better.", False),
    ("Good shape but thinner than I hoped.", False), ("The cardigan is just what I wanted.", False),
    ("Everything I want sells out in an hour.", False), ("I phoned, and a man sorted the order that I needed to return.", False),
])
def test_goal_like_sentences_say_what_the_customer_wants(text, goal):
    assert is_goal_like(text) is goal


def test_a_claim_keeps_only_the_quotes_of_its_lane():
    from assistant.draft.evidence import make_claim

    units = [_unit(0, "Sizes run small, I had to return the jeans."), _unit(1, "Returns were easy and the refund came in three days.")]
    by_id = {u.id: u for u in units}
    lanes = LaneCheck(scorer)
    claim = make_claim("dl-1", "Easy returns", "observed", list(by_id), units, by_id, origin="extractive")
    kept = lanes.claim("delights", claim)
    assert [e.unit_id for e in kept.evidence] == [units[1].id] and kept.unit_ids == claim.unit_ids
    assert lanes.claim("pain_points", claim) is None  # neither quote reads as pain
    only_sizes = make_claim("dl-2", "Sizes", "observed", [units[0].id], [units[0]], by_id, origin="extractive")
    assert lanes.claim("delights", only_sizes) is None


def test_a_unit_is_quoted_by_its_sentence_that_leans_the_lane_way():
    lanes = LaneCheck(scorer)
    review = "Love the print. The zipper broke on day one."
    assert lanes.sentence("pain_points", review) == "The zipper broke on day one."
    assert lanes.sentence("delights", review) == "Love the print."


def test_themes_whose_quotes_contradict_their_lane_are_dropped_and_mixed_units_quote_the_lane_sentence():
    sizes, mixed, easy = (_unit(0, "Sizes run small, I had to return the jeans."), _unit(1, "Love the print. The zipper broke on day one."),
                          _unit(2, "Returns were easy and the refund came in three days."))
    units = {u.id: u for u in (sizes, mixed, easy)}
    synth = Synthesizer(units=units, embedder=None, lanes=LaneCheck(scorer))
    delights = synth.lane_claims("consideration", "delights", [
        ThemeInput("dl-c-1", [sizes.id], [sizes.id], ["sizes"], 0.5), ThemeInput("dl-c-2", [easy.id], [easy.id], ["returns"], 0.5)], 3)
    assert [c.id for c, _ in delights] == ["dl-c-2"]
    assert any("sentiment matches delights" in f for f in synth.fallbacks)
    (pain, _), = synth.lane_claims("first_use", "pain_points", [ThemeInput("pp-f-1", [mixed.id], [mixed.id], ["print"], 0.5)], 3)
    assert pain.evidence[0].quote == "The zipper broke on day one." and pain.text == "The zipper broke on day one"


def test_persona_quotes_and_goals_fit_their_lanes():
    price, want, kind, broke = (_unit(0, "It was \u00a38 more than I expected."), _unit(1, "I wanted to order a size 26."),
                                _unit(2, "The customer service was great."), _unit(3, "The zipper broke on day one."))
    units = {u.id: u for u in (price, want, kind, broke)}
    synth = Synthesizer(units=units, embedder=None, lanes=LaneCheck(scorer))
    # the assembler offers the lowest-valence units as frustrations: one of them reads as praise to a customer
    name, summary, lanes, origin = synth.persona_profile("persona-1", "no metadata", [price.id, want.id], [kind.id, broke.id], [kind.id])
    assert [c.text for c in lanes["goals"]] == ["I wanted to order a size 26."]
    assert [c.evidence[0].unit_id for c in lanes["frustrations"]] == [broke.id]
    assert [c.evidence[0].unit_id for c in lanes["motivations"]] == [kind.id]
    assert origin == "extractive"


def test_a_positive_quote_with_no_sentiment_word_must_lean_further():
    lexical = {"Sizes run small, I had to return the jeans.": 0.0, "Exactly as pictured, lovely.": 0.6,
               "Refund arrived quickly after I returned the jeans.": 0.0, "The zipper broke on day one.": 0.0}
    valence = {**VALENCE, "Sizes run small, I had to return the jeans.": 0.103, "Exactly as pictured, lovely.": 0.15,
               "Refund arrived quickly after I returned the jeans.": 0.38}
    lanes = LaneCheck(lambda texts: [valence[t] for t in texts], lexical=lambda texts: [lexical[t] for t in texts])
    assert not lanes.leans("delights", "Sizes run small, I had to return the jeans.")  # only the head reads it as praise
    assert lanes.leans("delights", "Exactly as pictured, lovely.")  # a sentiment word backs a mild score
    assert lanes.leans("delights", "Refund arrived quickly after I returned the jeans.")  # the head alone, clearly
    assert lanes.leans("pain_points", "The zipper broke on day one.")  # negative lanes keep the plain bar


@pytest.mark.parametrize("question, side", [
    ("What did you love most?", 1), ("What was the best part?", 1), ("What did you like?", 1), ("What went well?", 1),
    ("What almost stopped you from ordering?", -1), ("What one thing should we improve?", -1), ("What did you like least?", -1),
    ("What would you like us to change?", -1), ("What went badly?", -1),
    ("What did you like and dislike?", 0), ("How was delivery?", 0), ("How well did the size guide work for you?", 0), ("Anything else?", 0), (None, 0),
])
def test_a_survey_question_asks_for_praise_complaints_or_either(question, side):
    from assistant.analysis.asked import asked_side

    assert asked_side(question) == side


def test_a_unit_answers_the_question_in_its_row_or_its_column_header():
    from assistant.analysis.asked import asked_question

    long_row = FeedbackUnit(id="u1", text="The locker by the school.", source="s.csv", respondent="r1",
                            locator=Locator(kind="row", index=0, char_start=0, char_end=25, field="answer"),
                            metadata={"question": "What did you love most?", "segment": "returning"})
    wide_row = long_row.model_copy(update={"metadata": {}, "locator": long_row.locator.model_copy(update={"field": "What frustrated you?"})})
    plain = long_row.model_copy(update={"metadata": {"segment": "new"}})
    assert asked_question(long_row) == "What did you love most?"
    assert asked_question(wide_row) == "What frustrated you?"
    assert asked_question(plain) is None


def test_an_answer_stands_against_its_question_only_when_clearly_so():
    praise = "The customer service lady on email sorted out my wrong item in a day and didn't make me send it back"
    nothing = "Nothing, the delivery was a disaster and nobody answered."
    qualm = "Honestly the price looked high, but I went for it."
    valence = {praise: -0.28, nothing: -0.7, qualm: 0.3}
    loved, stopped = _unit(0, praise), _unit(1, nothing)
    hesitated = _unit(2, qualm)
    lanes = LaneCheck(lambda texts: [valence[t] for t in texts], lexical=lambda texts: [0.4 for _ in texts],
                      asked={loved.id: 1, stopped.id: 1, hesitated.id: -1})
    assert lanes.leans("pain_points", praise)  # read alone, the scorer calls it negative
    assert not lanes.fits("pain_points", praise, unit_id=loved.id)  # it answers "What did you love most?"
    assert lanes.fits("frustrations", nothing, unit_id=stopped.id)  # a clear complaint, whatever the question
    assert not lanes.fits("delights", qualm, unit_id=hesitated.id)  # it answers "What almost stopped you?"
    request = "A gift receipt without prices would be nice so they can swap sizes."
    valence[request] = 0.9
    improve = _unit(3, request)
    asking = LaneCheck(lambda texts: [valence[t] for t in texts], asked={improve.id: -1})
    assert not asking.fits("delights", request, unit_id=improve.id)  # a request to "What should we improve?", however it scores
    assert lanes.fits("delights", qualm)  # with no question known, the plain bar


def test_an_answer_to_a_question_asking_for_praise_needs_no_sentiment_word():
    pictured = "Exactly as pictured."
    answer, review = _unit(0, pictured), _unit(1, pictured + " ")
    lanes = LaneCheck(lambda texts: [0.15 for _ in texts], lexical=lambda texts: [0.0 for _ in texts], asked={answer.id: 1})
    assert lanes.fits("delights", pictured, unit_id=answer.id)  # it answers "What did you love most?"
    assert not lanes.fits("delights", pictured, unit_id=review.id)  # a review with no sentiment word must lean further


@pytest.mark.parametrize("answer, dismissive", [
    ("Nothing, it was fine", True), ("N/A", True), ("Not really.", True), ("Honestly nothing, the free returns mean it's risk free", True),
    ("No guest checkout", False), ("Nothing fit me", False), ("None of the sizes were in stock", False), ("Guest checkout please.", False),
])
def test_an_answer_that_turns_its_question_down_is_told_apart(answer, dismissive):
    from assistant.analysis.asked import dismisses

    assert dismisses(answer) is dismissive


def test_a_one_sided_question_decides_its_answers_lane_unless_they_dismiss_it():
    from assistant.analysis.asked import answer_side

    def answer(n, text, question):
        return FeedbackUnit(id=f"a{n}", text=text, source="s.csv", respondent=f"r{n}", metadata={"question": question},
                            locator=Locator(kind="row", index=n, char_start=0, char_end=len(text), field="answer"))

    locker = answer(0, "Click and collect at the locker by the school.", "What did you love most?")
    guest = answer(1, "Guest checkout please.", "What one thing should we improve?")
    fine = answer(2, "Nothing, it was all fine.", "What one thing should we improve?")
    sides = {u.id: answer_side(u) for u in (locker, guest, fine)}
    assert sides == {"a0": 1, "a1": -1, "a2": 0}
    valence = {locker.text: 0.02, guest.text: 0.47, fine.text: 0.3}
    lanes = LaneCheck(lambda texts: [valence[t] for t in texts], asked=sides)
    assert lanes.fits("delights", locker.text, unit_id=locker.id)  # neutral words, but it is what they loved
    assert lanes.fits("pain_points", guest.text, unit_id=guest.id) and not lanes.fits("delights", guest.text, unit_id=guest.id)
    assert lanes.fits("delights", fine.text, unit_id=fine.id)  # read by its valence alone


def test_survey_answers_join_the_theme_of_their_questions_side():
    from assistant.analysis.themes import find_themes

    texts = ["Guest checkout please.", "Please add guest checkout.", "Love the fabric.", "The fabric is lovely."]
    units = [_unit(n, t) for n, t in enumerate(texts)]
    vectors = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0], [0.14, 0.99]], dtype=np.float32)
    valence = {u.id: v for u, v in zip(units, (0.45, 0.4, 0.7, 0.6))}
    plain = find_themes(units, vectors, {u.id: "purchase" for u in units}, valence)
    asked = find_themes(units, vectors, {u.id: "purchase" for u in units}, valence, side_of_unit={units[0].id: -1, units[1].id: -1})
    assert {t.polarity for t in plain} == {"delight"}
    assert sorted((t.polarity, sorted(t.unit_ids)) for t in asked) == [
        ("delight", sorted([units[2].id, units[3].id])), ("pain", sorted([units[0].id, units[1].id]))]
