from types import SimpleNamespace

import pytest

from evals.chat import run_chat_suite
from evals.gold import Question
from tests.evals.evals_helpers import ToyEmbedder
from tests.mapfixtures import make_units

UNITS = make_units()
U = list(UNITS.values())


def _answer_from(table):
    def answer(question):
        return table[question]
    return answer


def _sentence(text, *cites):
    return SimpleNamespace(text=text, citations=[SimpleNamespace(unit_id=u, quote=q) for u, q in cites])


QUESTIONS = [
    Question(id="checkout", question="Why does checkout fail?", answerable=True, supporting_unit_ids=[U[0].id]),
    Question(id="delivery", question="How is delivery?", answerable=True, supporting_unit_ids=[U[3].id]),
    Question(id="store", question="What about the physical store?", answerable=False),
    Question(id="loyalty", question="Do people like the loyalty scheme?", answerable=False),
]
TABLE = {
    "Why does checkout fail?": SimpleNamespace(refused=False, latency=1.0, sentences=[
        _sentence("The checkout kept crashing on card entry.", (U[0].id, "The checkout kept crashing")),
        _sentence("A promo code never applied.", (U[1].id, "Promo code FREESHIP never applied"), ("u_fake", "invented")),
    ]),
    "How is delivery?": {"refused": True, "latency": 2.0, "sentences": []},
    "What about the physical store?": SimpleNamespace(refused=True, latency=3.0, sentences=[]),
    "Do people like the loyalty scheme?": SimpleNamespace(refused=False, latency=10.0, sentences=[
        _sentence("Loyalty points are popular.", (U[4].id, "not in the text"))]),
}


def test_chat_metrics_on_a_fake_answer_function():
    report = run_chat_suite(QUESTIONS, _answer_from(TABLE), UNITS, embedder=ToyEmbedder())
    validity = report.metric("chat_citation_validity")
    assert validity.score == 0.5 and not validity.passed
    assert {i.location for i in validity.items} == {"questions[0] (checkout).sentences[1].citations[1]",
                                                    "questions[3] (loyalty).sentences[0].citations[0]"}
    assert report.metric("refusal_accuracy").score == 0.5
    assert report.metric("refusal_accuracy").locations() == ["questions[3] (loyalty)"]
    false_refusals = report.metric("false_refusal_rate")
    assert false_refusals.score == 0.5 and not false_refusals.passed and not false_refusals.higher_is_better
    assert report.metric("supporting_unit_recall").score == 0.5
    assert report.metric("latency_p50_s").score == pytest.approx(2.5)
    assert report.metric("latency_p95_s").score == pytest.approx(8.95)
    support = report.metric("answer_support")
    assert support.n == 3 and "questions[3] (loyalty).sentences[0]" in support.locations()
    assert report.info == {"questions": 4, "answerable": 2}


def test_good_answers_pass_and_latency_is_measured_when_missing():
    def answer(question):
        if question.startswith("Why"):
            return {"refused": False, "sentences": [{"text": "The checkout kept crashing", "citations": [{"unit_id": U[0].id, "quote": "The checkout kept crashing"}]}]}
        return {"refused": True, "sentences": []}

    questions = [QUESTIONS[0], QUESTIONS[2]]
    report = run_chat_suite(questions, answer, UNITS, embedder=ToyEmbedder())
    assert report.passed, [(m.name, m.reason) for m in report.metrics if m.passed is False]
    assert report.metric("answer_support").score == 1.0
    assert report.metric("latency_p95_s").score < 1.0


def test_without_embedder_support_is_skipped():
    report = run_chat_suite(QUESTIONS[:1], _answer_from(TABLE), UNITS)
    assert report.metric("answer_support").passed is None
    assert report.metric("refusal_accuracy").passed is None
