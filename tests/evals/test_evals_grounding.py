import pytest

from assistant.models import Claim, FeedbackUnit, Locator, Prevalence
from evals.grounding import evidence_sites, run_grounding
from evals.grounding_checks import named_entities_in, numbers_in
from tests.evals.evals_helpers import ToyEmbedder
from tests.mapfixtures import make_map

GROUNDING_METRICS = ["quote_verbatim_rate", "citation_validity", "evidence_per_claim", "prevalence_consistency",
                     "unsupported_numbers", "corpus_coverage", "persona_distinctness", "persona_balance",
                     "duplicate_personas", "claim_support_embedding"]


@pytest.fixture(scope="module")
def minilm():
    from vectorstore.embedders import default_embedder

    return default_embedder()


def test_valid_fixture_map_passes_every_metric_with_the_real_embedder(minilm):
    units, journey_map = make_map()
    report = run_grounding(journey_map, units, embedder=minilm)
    assert report.names() == GROUNDING_METRICS
    assert report.passed, [(m.name, m.reason) for m in report.metrics if not m.passed]
    assert all(m.passed is True for m in report.metrics)
    assert report.metric("quote_verbatim_rate").n == 16
    assert report.metric("persona_distinctness").score > 0.5  # sizes/reviews vs fast app buyer
    assert report.map_id == "map-test" and report.info["embedder"] == minilm.name


def test_without_embedder_embedding_metrics_are_skipped_with_the_fix():
    units, journey_map = make_map()
    report = run_grounding(journey_map, units)
    for name in ("persona_distinctness", "claim_support_embedding"):
        metric = report.metric(name)
        assert metric.passed is None and metric.score is None
        assert "default_embedder" in metric.reason
    assert report.passed


def test_evidence_sites_cover_every_quote_with_indexed_locations():
    _, journey_map = make_map()
    locations = [s.location for s in evidence_sites(journey_map)]
    assert len(locations) == len(journey_map.all_evidence())
    assert "stages.purchase.pain_points.pp-purchase-1.evidence[1]" in locations
    assert "stages.purchase.opportunities.op-purchase-1.evidence[0]" in locations
    assert "stages.consideration.emotion.neutral.evidence[0]" in locations
    assert "personas.persona-2.representative_quotes[0]" in locations


def test_thresholds_can_be_overridden_by_name():
    units, journey_map = make_map()
    report = run_grounding(journey_map, units, thresholds={"persona_balance": 0.99})
    assert report.metric("persona_balance").threshold == 0.99
    assert report.metric("persona_balance").passed is False
    assert report.metric("persona_balance").locations() == ["personas.persona-2.share"]


def test_prevalence_mismatch_names_the_claim():
    units, journey_map = make_map()
    claim = journey_map.stages[2].pain_points[0]
    claim.prevalence = Prevalence(units=5, respondents=5)
    metric = run_grounding(journey_map, units).metric("prevalence_consistency")
    assert not metric.passed
    assert metric.items[0].location == "stages.delivery.pain_points.pp-delivery-1.prevalence"
    assert "stored 5 units / 5 respondents, recomputed 2 / 2" in metric.items[0].reason


def test_citing_an_interviewer_turn_or_unknown_unit_is_invalid():
    units, journey_map = make_map()
    cited = journey_map.stages[0].pain_points[0].evidence[0].unit_id
    units[cited] = units[cited].model_copy(update={"speaker_role": "interviewer"})
    journey_map.stages[1].unit_ids.append("u_missing")
    metric = run_grounding(journey_map, units).metric("citation_validity")
    assert not metric.passed
    reasons = {i.location: i.reason for i in metric.items}
    assert "interviewer turn" in reasons["stages.consideration.pain_points.pp-consideration-1.evidence[0]"]
    assert "does not exist" in reasons["stages.purchase.unit_ids[3]"]


def test_corpus_coverage_lists_unused_units_and_notes_fingerprint():
    units, journey_map = make_map()
    extra = [FeedbackUnit(id=f"u_extra{i}", text=f"Unrelated remark number {i}.", source="extra.csv",
                          locator=Locator(kind="row", index=i, char_start=0, char_end=10)) for i in range(12)]
    units.update({u.id: u for u in extra})
    report = run_grounding(journey_map, units)
    coverage = report.metric("corpus_coverage")
    assert coverage.score == pytest.approx(8 / 20) and not coverage.passed
    assert "units.u_extra0" in coverage.locations()
    assert "fingerprint differs" in report.metric("citation_validity").reason


def test_numbers_and_entities_extraction():
    assert numbers_in("Took 11 days, cost $1,200.50 and 3.") == {"11", "1200.50", "3"}
    assert named_entities_in("Checkout fails on Safari. Users on iOS and Apple Pay: Fine. I tried") == {"Safari", "Pay"} | {"Apple"}


def test_unsupported_entity_is_flagged_but_supported_ones_are_not():
    units, journey_map = make_map()
    claim = journey_map.stages[1].pain_points[0]
    claim.text = "Checkout fails when FREESHIP is used on Safari"
    metric = run_grounding(journey_map, units).metric("unsupported_numbers")
    assert metric.locations() == ["stages.purchase.pain_points.pp-purchase-1.text"]
    assert "Safari" in metric.items[0].reason and "FREESHIP" not in metric.items[0].reason


def test_number_equal_to_prevalence_is_allowed():
    units, journey_map = make_map()
    claim = journey_map.stages[1].pain_points[0]
    claim.text = "2 respondents say checkout fails at payment"
    assert run_grounding(journey_map, units).metric("unsupported_numbers").passed


def test_claim_support_embedding_flags_an_unrelated_claim(minilm):
    units, journey_map = make_map()
    journey_map.stages[2].delights[0].text = "Customers enjoy the loyalty points programme"
    metric = run_grounding(journey_map, units, embedder=minilm).metric("claim_support_embedding")
    assert "stages.delivery.delights.dl-delivery-1" in metric.locations()


def test_embeddings_are_computed_once_per_distinct_text():
    units, journey_map = make_map()
    toy = ToyEmbedder()
    run_grounding(journey_map, units, embedder=toy)
    embedded = [t for call in toy.calls for t in call]
    assert len(embedded) == len(set(embedded))


def test_claim_without_evidence_built_unvalidated_is_counted():
    units, journey_map = make_map()
    inferred = journey_map.stages[1].goals[0]
    journey_map.stages[1].goals[0] = Claim.model_construct(**{**dict(inferred), "evidence": []})
    metric = run_grounding(journey_map, units).metric("evidence_per_claim")
    assert metric.locations() == ["stages.purchase.goals.gl-purchase-1"]
    assert metric.items[0].reason == "inferred claim has no evidence"


def test_a_brand_written_at_a_sentence_start_or_in_lower_case_is_flagged():
    units, journey_map = make_map()
    claim = journey_map.stages[1].pain_points[0]
    for text in ("Paypal error at checkout", "checkout fails with paypal"):
        claim.text = text
        metric = run_grounding(journey_map, units).metric("unsupported_numbers")
        assert metric.locations() == ["stages.purchase.pain_points.pp-purchase-1.text"]
        assert "aypal" in metric.items[0].reason
