"""Deterministic pieces of the draft: evidence builders, fit gate and the cost estimate."""

from __future__ import annotations

import pytest

from assistant.draft import cost
from assistant.draft.assemble import LLM_THEMES_PER_LANE, OPPORTUNITY_PAIN_POINTS
from assistant.draft.evidence import MAX_QUOTE_CHARS, best_sentence, make_claim, prevalence, quote_unit, sentences
from assistant.draft.fit import example_texts, fits
from assistant.llm.providers import ModelHandle
from assistant.models import FeedbackUnit, Locator, unit_id_for
from tests.vectorstore.conftest import ToyEmbedder


def unit(text: str, respondent: str | None = "r1", index: int = 0) -> FeedbackUnit:
    locator = Locator(kind="row", index=index, char_start=0, char_end=len(text))
    return FeedbackUnit(id=unit_id_for("s.csv", locator.label(), text), text=text, source="s.csv", locator=locator, respondent=respondent)


def test_sentences_and_best_sentence():
    text = "Delivery was fine. The checkout crashed twice at payment! Would buy again?"
    assert sentences(text) == ["Delivery was fine.", "The checkout crashed twice at payment!", "Would buy again?"]
    assert best_sentence(text, ["checkout", "payment"]) == "The checkout crashed twice at payment!"
    assert best_sentence(text) == "Delivery was fine."  # ties go to the earlier sentence
    assert best_sentence(text, ["nowhere"]) == "Delivery was fine."


def test_best_sentence_clips_long_sentences_at_a_word():
    text = "word " * 100
    clipped = best_sentence(text)
    assert len(clipped) <= MAX_QUOTE_CHARS and text.startswith(clipped) and not clipped.endswith(" ")


def test_quote_unit_is_verbatim_or_falls_back_to_the_best_sentence():
    u = unit("Returns cost me money. The label printer at the library saved me.")
    ev = quote_unit(u, quote="label printer")
    assert (ev.quote, u.text[ev.start:ev.end]) == ("label printer", "label printer")
    fallback = quote_unit(u, keywords=["library"], quote="not in the text")
    assert fallback.quote == "The label printer at the library saved me."
    assert u.text[fallback.start:fallback.end] == fallback.quote


def test_make_claim_quotes_each_evidence_unit_and_counts_prevalence():
    a = unit("The app crashed at payment. I tried again.", "r1", 0)
    b = unit("Payment failed on the app.", "r2", 1)
    c = unit("Payment failed again, second order.", "r2", 2)
    units = {u.id: u for u in (a, b, c)}
    claim = make_claim("pp-x-1", "  App payment fails ", "observed", [a.id, b.id, c.id, a.id], [a, b], units,
                       keywords=["payment"], origin="extractive", confidence=0.12345, total_respondents=4)
    assert claim.text == "App payment fails" and claim.origin == "extractive" and claim.confidence == 0.123
    assert [e.quote for e in claim.evidence] == ["The app crashed at payment.", "Payment failed on the app."]
    assert claim.unit_ids == [a.id, b.id, c.id]
    assert (claim.prevalence.units, claim.prevalence.respondents, claim.prevalence.share) == (3, 2, 0.5)
    assert prevalence([a.id], units, None).share is None


def test_fit_rejects_prompt_examples_banned_words_and_unrelated_text():
    embedder = ToyEmbedder()
    quotes = ["the parcel arrived late and the tracking never updated"]
    assert "late or lost parcels" in example_texts()
    assert not fits(embedder, "Late or lost parcels", quotes)
    assert not fits(embedder, "purchase", quotes, banned=("purchase",))
    assert not fits(embedder, "", quotes)
    assert fits(embedder, "parcel arrived late tracking never updated", quotes)
    assert not fits(embedder, "quantum chromodynamics lattice", quotes)
    assert fits(None, "anything that is not an example", quotes)  # no embedder: only the copy check


def test_cost_estimate():
    free = ModelHandle("local", "smol", None, capable=False)
    paid = ModelHandle("openai", "gpt", None, capable=True, price_in_per_m=1.0, price_out_per_m=4.0)
    calls = cost.planned_calls(8)
    assert calls == 8 * (2 * LLM_THEMES_PER_LANE["small"] + 1 + OPPORTUNITY_PAIN_POINTS) + cost.MAX_PERSONAS
    est = cost.estimate(8, paid)
    assert est["calls"] == calls
    assert est["input_tokens"] == calls * cost.TOKENS_IN_PER_CALL and est["output_tokens"] == calls * cost.TOKENS_OUT_PER_CALL
    assert est["usd"] == pytest.approx((est["input_tokens"] * 1.0 + est["output_tokens"] * 4.0) / 1e6, abs=1e-4)
    assert cost.estimate(8, free)["usd"] == 0.0
    assert cost.estimate(2, paid)["usd"] < est["usd"]
