"""The evidence gate's signals on a real workspace: unknown terms, their salience, and the pass rule."""

from __future__ import annotations

from assistant.chat import gate
from assistant.chat.engine import ChatEngine
from vectorstore.base import Hit


def hits_with_top(score: float) -> list[Hit]:
    return [Hit(unit_id="u1", text="", score=score, vector_score=score), Hit(unit_id="u2", text="", score=score / 2, vector_score=score / 2)]


def test_respondent_names_count_as_known_words(ws_settings, store):
    engine = ChatEngine(ws_settings, session="gate-names", store=store, use_llm=False)
    evidence = " ".join(u.text.lower() for u in store.all_units() if u.is_evidence)
    assert "priya" not in evidence  # she is named only as the speaker of her turns
    assert gate.unknown_terms("What does Priya say about the school trousers?", engine.vocabulary()) == []
    assert gate.unknown_terms("What does Priya say about the cashmere collection?", engine.vocabulary()) == ["cashmere"]


def test_salience_tells_a_topic_word_from_a_passing_one(store):
    topic = gate.unknown_salience("What do customers think of the cashmere collection?", ["cashmere"], store.embedder)
    passing = gate.unknown_salience("What accessibility problems do blind and partially sighted customers report?",
                                    ["partially"], store.embedder)
    assert passing < gate.SALIENT_UNKNOWN <= topic
    assert gate.unknown_salience("What do customers say about returns?", [], store.embedder) == 0.0


def test_pass_rule():
    below_strict = hits_with_top((gate.REFUSE_BELOW + gate.UNKNOWN_TERMS_BELOW) / 2)
    assert gate.passes(below_strict)
    assert not gate.passes(below_strict, ["cashmere"], gate.SALIENT_UNKNOWN + 0.1)
    assert gate.passes(below_strict, ["partially"], gate.SALIENT_UNKNOWN / 2)
    assert not gate.passes(below_strict, ["partially"])  # no salience given: every unknown word counts
    assert gate.passes(hits_with_top(gate.UNKNOWN_TERMS_BELOW + 0.01), ["cashmere"], 0.9)
    assert not gate.passes(hits_with_top(gate.REFUSE_BELOW - 0.01))
    assert not gate.passes([])


def test_feeling_words_are_never_unknown_terms():
    """The asker's feeling words ask for an attitude; the feedback need not use them (survey-only corpora don't)."""
    vocabulary = gate.vocabulary_prefixes(["The returns fee of £2.50 is a joke.", "Returns took ages, the portal kept crashing."])
    for question in ("what do customers dislike about the returns fee?", "what irritates people about the returns fee?",
                     "what frustrates people about returns?", "Which complaints do people have about returns?",
                     "what did they hate, love or worry about with returns?", "were people annoyed by the returns fee?"):
        assert gate.unknown_terms(question, vocabulary) == [], question
    # a topic the corpus never mentions stays unknown next to a feeling word; "hats" is not an inflection of "hate"
    assert gate.unknown_terms("what do customers dislike about the cashmere hats?", vocabulary) == ["cashmere", "hats"]


def test_feeling_word_inflections():
    from assistant.chat.stance import is_feeling_word

    for word in ("dislikes", "disliked", "frustration", "frustrating", "complaints", "annoyance", "worried", "upsetting", "struggling"):
        assert is_feeling_word(word), word
    for word in ("hats", "returns", "refund", "careers", "delivery", "station"):
        assert not is_feeling_word(word), word
