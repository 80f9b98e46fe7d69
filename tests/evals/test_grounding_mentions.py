"""Names and numbers a model-written text mentions must be in its evidence: the check the draft and `journey eval` share."""

from __future__ import annotations

import csv
import json

import pytest

from assistant.grounding import _WORD, Vocabulary, mention_problem, unsupported_names, unsupported_numbers
from tests.draft.draft_helpers import SAMPLES

QUOTES = "The checkout crashed on the payment page, really annoying.\nCheckout crashed twice when I tried to pay with my card."


@pytest.fixture(scope="module")
def vocabulary():
    return Vocabulary([QUOTES, "The returns process was painless, refund in 2 days."])


@pytest.mark.parametrize("text", ["Paypal error", "paypal error at checkout", "Checkout fails with PayPal", "Pay with klarna"])
def test_brand_names_in_any_case_are_caught(vocabulary, text):
    assert unsupported_names(text, QUOTES, vocabulary)


@pytest.mark.parametrize("text", ["Checkout crashes at payment", "Payment page crashes", "How might we make checkout reliable?",
                                  "Customers lose their basket when the payment page fails", "Crashes are REALLY annoying"])
def test_ordinary_words_are_not_names(vocabulary, text):
    assert unsupported_names(text, QUOTES, vocabulary) == []


def test_a_name_in_the_evidence_is_supported_whatever_its_case(vocabulary):
    assert unsupported_names("Paypal checkout crashes", QUOTES + "\nI paid with PayPal.", vocabulary) == []


def test_numbers_are_bound_to_their_units():
    support = "The returns process was painless, refund in 2 days. I bought 8 items."
    assert unsupported_numbers("Refunds arrive within 2 days", support) == []
    assert unsupported_numbers("It cost \u00a38 more", support) == ["\u00a38"]  # 8 items are not \u00a38
    assert unsupported_numbers("Refund in 2 weeks", support) == ["2 weeks"]
    assert unsupported_numbers("Orders of 8 arrive", support) == []  # no unit: the number is enough
    assert unsupported_numbers("Refund in 5 days", support, allowed=["5"]) == []
    assert mention_problem("Paypal refunds take 3 weeks", support, Vocabulary([support])) == \
        "numbers ['3 weeks'] and names ['Paypal'] appear in none of its evidence (possible hallucination)"


def test_customers_own_words_are_rarely_taken_for_names():
    """Sample corpus: with the vocabulary of one half, few lowercase words of the other half look like names."""
    texts = [row["answer"] for row in csv.DictReader((SAMPLES / "survey" / "threadline_survey_2026.csv").open(encoding="utf-8"))]
    texts += [json.loads(line)["body"] for line in (SAMPLES / "reviews" / "threadline_reviews.jsonl").open(encoding="utf-8")]
    known, held_out = Vocabulary(texts[::2]), texts[1::2]
    words = [w for t in held_out for w in _WORD.findall(t) if w[0].islower() and len(w) > 1]
    flagged = [w for t in held_out for w in known.names_in(t) if w[0].islower()]
    assert len(words) > 2000 and len(flagged) / len(words) < 0.03
    names = set().union(*(known.names_in(t) for t in held_out))
    assert {"Klarna", "Instagram", "Trustpilot"} <= names  # brands the customers mention are still names
