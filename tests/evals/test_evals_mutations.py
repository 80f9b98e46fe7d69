"""Each mutation of a valid map must be caught by the named grounding metric, at the named location."""

import pytest

from evals.grounding import run_grounding
from evals import mutations as mut
from tests.mapfixtures import make_map


def _caught(mutate, embedder=None):
    units, journey_map = make_map()
    mutation = mutate(units, journey_map)
    report = run_grounding(mutation.journey_map, units, embedder=embedder)
    metric = report.metric(mutation.metric)
    return mutation, metric, report


def test_original_map_is_untouched_by_mutations():
    units, journey_map = make_map()
    before = journey_map.model_dump_json()
    for mutate in mut.MUTATIONS:
        mutate(units, journey_map)
    assert journey_map.model_dump_json() == before
    assert run_grounding(journey_map, units).passed


def test_paraphrased_quote_fails_verbatim_rate():
    mutation, metric, _ = _caught(mut.paraphrase_quote)
    assert metric.passed is False and metric.score < 1
    assert metric.locations() == [mutation.location] == ["stages.consideration.pain_points.pp-consideration-1.evidence[0]"]
    assert "not verbatim" in metric.items[0].reason


def test_shifted_offset_fails_verbatim_rate_and_says_where_the_quote_is():
    mutation, metric, _ = _caught(mut.shift_offset)
    assert metric.passed is False
    assert metric.locations() == [mutation.location]
    assert "at 0-25, not at 1-26" in metric.items[0].reason


def test_evidence_pointing_at_a_wrong_unit_fails_verbatim_and_citation_validity():
    mutation, metric, report = _caught(mut.wrong_unit)
    assert metric.passed is False and metric.locations() == [mutation.location]
    citations = report.metric("citation_validity")
    assert citations.passed is False
    assert mutation.location in citations.locations()
    assert "not among the claim's unit_ids" in citations.items[0].reason


def test_invented_number_fails_unsupported_numbers():
    mutation, metric, _ = _caught(mut.invent_number)
    assert metric.passed is False
    assert metric.locations() == [mutation.location] == ["stages.consideration.pain_points.pp-consideration-1.text"]
    assert "['73%']" in metric.items[0].reason  # numbers are reported with their unit


def test_dropped_evidence_fails_evidence_per_claim():
    mutation, metric, _ = _caught(mut.drop_evidence)
    assert metric.passed is False
    assert metric.locations() == [mutation.location]
    assert "observed" in metric.items[0].reason and "observed claims must have evidence" in metric.reason


def test_duplicated_persona_fails_duplicate_personas():
    mutation, metric, _ = _caught(mut.duplicate_persona)
    assert metric.passed is False and metric.score == 1.0
    assert metric.locations() == [mutation.location] == ["personas.persona-1-copy"]
    assert "near-duplicate of personas.persona-1" in metric.items[0].reason


def test_duplicated_persona_also_collapses_distinctness_with_the_real_embedder():
    from vectorstore.embedders import default_embedder

    mutation, metric, report = _caught(mut.duplicate_persona, default_embedder())
    distinct = report.metric("persona_distinctness")
    assert "personas.persona-1~personas.persona-1-copy" in distinct.locations()
    assert distinct.items[0].value == pytest.approx(0.0, abs=1e-5)
