"""A model-written persona keeps only what its quotes show: one short phrase per point, each in one lane,
frustrations and motivations citing quotes of their sentiment, summaries about the customers, not by them."""

from __future__ import annotations

from assistant.draft.lanes import LaneCheck
from assistant.draft.synthesis import Synthesizer
from assistant.draft.tidy import is_phrase, speaks_as_customer, supported_share, unsupported_numbers
from assistant.llm.outputs import Point
from assistant.models import Evidence, FeedbackUnit, Locator, unit_id_for

TEXTS = {
    "happy": "The wrap dress fits beautifully and the fabric is soft.",
    "cross": "The zipper broke the first time I wore it.",
    "plain": "I buy two dresses every spring for work.",
}


def _units() -> dict[str, FeedbackUnit]:
    units = {}
    for n, (key, text) in enumerate(TEXTS.items()):
        unit = FeedbackUnit(id=unit_id_for("reviews.csv", f"row:{n}", text), text=text, source="reviews.csv",
                            locator=Locator(kind="row", index=n, char_start=0, char_end=len(text)), respondent=f"r{n}")
        units[key] = unit
    return units


def _evidence(lane: str, cited: list[FeedbackUnit]) -> dict[str, Evidence]:
    return {f"{lane}[{i}].source": Evidence(unit_id=u.id, quote=u.text, start=0, end=len(u.text)) for i, u in enumerate(cited)}


def _synth(units: dict[str, FeedbackUnit]) -> Synthesizer:
    return Synthesizer(units={u.id: u for u in units.values()}, embedder=None)  # no embedder: the fit check passes


def test_a_statement_goes_in_one_lane_only():
    units = _units()
    synth, seen = _synth(units), set()
    goals = synth._points([Point(text="Dresses that fit", source=1)], _evidence("goals", [units["happy"]]), "goals", "gl", seen)
    behaviours = synth._points([Point(text="dresses  that FIT", source=1), Point(text="Buys for work each spring", source=2)],
                               _evidence("behaviours", [units["happy"], units["plain"]]), "behaviours", "be", seen)
    assert [c.text for c in goals] == ["Dresses that fit"]
    assert [c.text for c in behaviours] == ["Buys for work each spring"]


def test_frustrations_and_motivations_cite_quotes_of_their_sentiment():
    units = _units()
    valence = {units["happy"].text: 0.8, units["cross"].text: -0.6, units["plain"].text: 0.0}
    synth = Synthesizer(units={u.id: u for u in units.values()}, embedder=None, lanes=LaneCheck(lambda texts: [0.0] * len(texts), valence))
    points = [Point(text="Soft fabric that fits", source=1), Point(text="Zippers that break", source=2)]
    frustrations = synth._points(points, _evidence("frustrations", [units["happy"], units["cross"]]), "frustrations", "fr", set())
    motivations = synth._points(points, _evidence("motivations", [units["happy"], units["cross"]]), "motivations", "mo", set())
    assert [c.text for c in frustrations] == ["Zippers that break"]
    assert [c.text for c in motivations] == ["Soft fabric that fits"]
    assert any("sentiment matches frustrations" in f for f in synth.fallbacks)


def test_a_persona_point_is_one_short_phrase_about_the_customer():
    units = _units()
    synth = _synth(units)
    evidence = _evidence("goals", [units["plain"]] * 3)
    points = [Point(text="I love this dress. I'm quite heartbroken it does not fit. I'm", source=1),
              Point(text="I love this wrap dress", source=1), Point(text="I need dresses for work", source=1)]
    goals = synth._points(points, evidence, "goals", "gl", set(), persona=True)
    assert [c.text for c in goals] == ["I need dresses for work"]  # a goal may say what they want in their words
    behaviours = synth._points(points[1:2], _evidence("behaviours", [units["plain"]]), "behaviours", "be", set(), persona=True)
    assert behaviours == []


def test_a_summary_keeps_the_sentences_its_quotes_show():
    quotes = list(TEXTS.values())
    synth = _synth(_units())
    summary = ("I love this skirt. Buys work dresses every spring and wants soft fabric. "
               "Wears a 152cm luxurious silk gown to galas.")
    assert synth._summary(summary, quotes) == "Buys work dresses every spring and wants soft fabric."
    reasons = " | ".join(synth.fallbacks)
    assert "speaks as a customer" in reasons and "152" in reasons
    assert synth._summary("Luxurious silk gowns for galas and yachts.", quotes) == ""
    assert "says things its quotes do not" in synth.fallbacks[-1]


def test_the_checks_themselves():
    assert is_phrase("Checks out on a phone") and not is_phrase("Shops often. Returns a lot.")
    assert not is_phrase(" ".join(["word"] * 16))
    assert speaks_as_customer("I\u2019m a fan of the fit") and not speaks_as_customer("Imagines a better fit")
    assert unsupported_numbers("Spends 40 minutes, 2.5 hours", ["took 40 minutes"]) == ["2.5 hours"]  # reported with its unit
    assert supported_share("Colours and dresses, nicely", ["the colour of the dress"]) == 2 / 3
    assert supported_share("It is", []) == 1.0  # nothing to check


def test_a_quoted_frustration_or_motivation_is_the_sentence_that_says_it():
    from assistant.draft.synthesis import telling_sentence

    review = "I ordered this in two colors, in my regular size. The zipper broke the first time I wore it. Love the print though!"
    assert telling_sentence(review, -1) == "The zipper broke the first time I wore it."
    assert telling_sentence(review, 1) == "Love the print though!"
    assert telling_sentence("Fits very strange.", -1) == "Fits very strange."
