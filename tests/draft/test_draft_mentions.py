"""The draft keeps no model-written text that names or counts what its evidence does not (what `journey eval`
flags as unsupported_numbers): a theme label falls back to its extractive wording, an opportunity to one naming
its pain point."""

from __future__ import annotations

from assistant.draft.evidence import make_claim
from assistant.draft.synthesis import Synthesizer, ThemeInput
from assistant.llm.outputs import OpportunityStatements, ThemeLabel
from assistant.models import Evidence, FeedbackUnit, Locator, unit_id_for

TEXTS = ["The checkout crashed on the payment page, really annoying.", "Checkout crashed twice when I tried to pay with my card."]


def _units() -> dict[str, FeedbackUnit]:
    units = [FeedbackUnit(id=unit_id_for("fb.csv", f"row:{n}", t), text=t, source="fb.csv", respondent=f"r{n}",
                          locator=Locator(kind="row", index=n, char_start=0, char_end=len(t))) for n, t in enumerate(TEXTS)]
    return {u.id: u for u in units}


class CannedSynth(Synthesizer):
    """Answers each chain with a fixed output citing the first quote it was shown."""

    answers: dict = {}

    def chain(self, name, variables, output_model, sources):
        first = self.units[sources[0].unit_id]
        return self.answers[name], {"sources[0]": Evidence.from_unit(first, sources[0].quote)}


def test_a_label_naming_a_brand_no_quote_names_falls_back_to_the_extractive_title():
    units = _units()
    synth = CannedSynth(units=units, embedder=None)
    synth.answers = {"theme_label": ThemeLabel(title="Paypal error", description="Payments fail.", sources=[1], insufficient_evidence=False)}
    (claim, _), = synth.lane_claims("purchase", "pain_points", [ThemeInput("pp-p-1", list(units), list(units), ["checkout"], 0.8)], 2)
    assert claim.origin == "extractive" and "aypal" not in claim.text.lower()
    assert any("names ['Paypal']" in f for f in synth.fallbacks)
    synth.answers = {"theme_label": ThemeLabel(title="Checkout crashes at payment", description="Payments fail.", sources=[1],
                                               insufficient_evidence=False)}
    (claim, _), = synth.lane_claims("purchase", "pain_points", [ThemeInput("pp-p-1", list(units), list(units), ["checkout"], 0.8)], 2)
    assert claim.origin == "llm" and claim.text == "Checkout crashes at payment"


def test_an_opportunity_naming_what_its_quotes_do_not_falls_back():
    units = _units()
    synth = CannedSynth(units=units, embedder=None)
    pain = make_claim("pp-p-1", "Checkout crashes at payment", "observed", list(units), list(units.values()), units, origin="llm")
    synth.answers = {"opportunity": OpportunityStatements(statements=["How might we make returns free for customers who paid with PayPal?"])}
    (opportunity,) = synth.opportunities(pain, "op-p-1", "high")
    assert opportunity.origin == "extractive" and "PayPal" not in opportunity.text
    (written,) = synth.opportunities(pain, "op-p-1", "high", written="How might we refund within 14 days?")
    assert written.origin == "extractive"
    (kept,) = synth.opportunities(pain, "op-p-1", "high", written="How might we keep the payment page from crashing?")
    assert kept.origin == "llm"
