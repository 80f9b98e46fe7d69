"""A small, valid, hand-built corpus and JourneyMap for tests of exports, edits and evals."""

from __future__ import annotations

from assistant.models import (
    AttributeCount, Claim, EmotionCount, EmotionSummary, Evidence, FeedbackUnit, JourneyMap,
    Locator, ModelInfo, Opportunity, Persona, Prevalence, Stage, StageDefinition, StageSet,
    corpus_fingerprint, unit_id_for,
)

TEXTS = [
    ("survey.csv", "r1", "purchase", "The checkout kept crashing when I entered my card, I tried three times."),
    ("survey.csv", "r2", "purchase", "Promo code FREESHIP never applied at checkout, so annoying."),
    ("survey.csv", "r3", "purchase", "Paying with the app was quick and painless, loved it."),
    ("reviews.jsonl", "r4", "delivery", "My parcel took 11 days and the tracking page never updated."),
    ("reviews.jsonl", "r5", "delivery", "Delivery was next day and the box was recyclable. Brilliant!"),
    ("tickets.json", "r1", "delivery", "Where is my order? Tracking says delivered but nothing arrived."),
    ("interview_maya.txt", "Maya", "consideration", "The size guide is useless, I never know if a medium fits."),
    ("interview_maya.txt", "Maya", "consideration", "Reviews with photos from real customers helped me choose."),
]


def make_units() -> dict[str, FeedbackUnit]:
    units = {}
    for index, (source, respondent, stage, text) in enumerate(TEXTS):
        locator = Locator(kind="row", index=index, char_start=0, char_end=len(text))
        unit = FeedbackUnit(id=unit_id_for(source, locator.label(), text), text=text, source=source,
                            locator=locator, respondent=respondent, metadata={"stage_hint": stage})
        units[unit.id] = unit
    return units


def _claim(cid: str, text: str, units: list[FeedbackUnit], quotes: list[str], kind="observed") -> Claim:
    evidence = [Evidence.from_unit(u, q) for u, q in zip(units, quotes)]
    return Claim(id=cid, text=text, kind=kind, evidence=evidence, unit_ids=[u.id for u in units],
                 prevalence=Prevalence(units=len(units), respondents=len({u.respondent for u in units})), confidence=0.8)


def make_map(units: dict[str, FeedbackUnit] | None = None) -> tuple[dict[str, FeedbackUnit], JourneyMap]:
    units = units or make_units()
    u = list(units.values())
    stage_set = StageSet(name="test", stages=[
        StageDefinition(name="consideration", description="browsing and choosing"),
        StageDefinition(name="purchase", description="checkout and payment"),
        StageDefinition(name="delivery", description="shipping and tracking"),
    ])
    crash = _claim("pp-purchase-1", "Checkout fails at payment", [u[0], u[1]], ["The checkout kept crashing", "Promo code FREESHIP never applied"])
    stages = [
        Stage(name="consideration", description="browsing and choosing", order=0, unit_ids=[u[6].id, u[7].id],
              pain_points=[_claim("pp-consideration-1", "The size guide does not help people pick a size", [u[6]], ["The size guide is useless"])],
              delights=[_claim("dl-consideration-1", "Customer photos in reviews help choosing", [u[7]], ["Reviews with photos from real customers helped me choose"])],
              emotion=EmotionSummary(mean_valence=0.0, ci_low=-0.5, ci_high=0.5, n=2,
                                     dominant=[EmotionCount(label="neutral", count=2, evidence=[Evidence.from_unit(u[6], "I never know if a medium fits")])])),
        Stage(name="purchase", description="checkout and payment", order=1, unit_ids=[u[0].id, u[1].id, u[2].id],
              touchpoints=[_claim("tp-purchase-1", "Checkout page", [u[0]], ["checkout"], kind="inferred")],
              goals=[_claim("gl-purchase-1", "Pay quickly without errors", [u[2]], ["quick and painless"], kind="inferred")],
              pain_points=[crash],
              delights=[_claim("dl-purchase-1", "App payment is quick", [u[2]], ["Paying with the app was quick and painless"])],
              opportunities=[Opportunity(id="op-purchase-1", text="How might we make card payment never fail at checkout?",
                                         addresses=[crash.id], evidence=crash.evidence[:1], impact_hint="high")],
              emotion=EmotionSummary(mean_valence=-0.2, ci_low=-0.8, ci_high=0.4, n=3)),
        Stage(name="delivery", description="shipping and tracking", order=2, unit_ids=[u[3].id, u[4].id, u[5].id],
              pain_points=[_claim("pp-delivery-1", "Tracking does not reflect where the parcel is", [u[3], u[5]],
                                  ["the tracking page never updated", "Tracking says delivered but nothing arrived"])],
              delights=[_claim("dl-delivery-1", "Fast delivery in recyclable packaging", [u[4]], ["Delivery was next day"])],
              emotion=EmotionSummary(mean_valence=-0.1, ci_low=-0.9, ci_high=0.7, n=3)),
    ]
    personas = [
        Persona(id="persona-1", name="Careful shopper", summary="Checks sizes and reviews before buying.", share=0.4,
                respondents=["Maya", "r1"], attributes=[AttributeCount(key="channel", value="web", count=2)],
                frustrations=[_claim("fr-persona-1", "Unsure about sizes", [u[6]], ["I never know if a medium fits"])],
                representative_quotes=[Evidence.from_unit(u[7])]),
        Persona(id="persona-2", name="Fast mobile buyer", summary="Buys on the app and wants speed.", share=0.6,
                respondents=["r2", "r3", "r4", "r5"], attributes=[AttributeCount(key="channel", value="app", count=3)],
                goals=[_claim("gl-persona-2", "Quick app checkout", [u[2]], ["quick and painless"], kind="inferred")],
                representative_quotes=[Evidence.from_unit(u[4])]),
    ]
    journey_map = JourneyMap(id="map-test", title="Test map", corpus_fingerprint=corpus_fingerprint(list(units)),
                             stage_set=stage_set, personas=personas, stages=stages,
                             model_info=ModelInfo(provider="local", model="test", embedder="toy"), run_id="run-test")
    JourneyMap.model_validate(journey_map.model_dump(), context={"units": units})
    return units, journey_map
