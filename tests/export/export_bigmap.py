"""A larger map for export tests: six stages, hostile text, a stage without valence, persona emotions."""

from __future__ import annotations

from assistant.models import (
    AttributeCount, Claim, EmotionCount, EmotionSummary, Evidence, FeedbackUnit, JourneyMap, Locator, ModelInfo,
    Opportunity, Persona, Prevalence, Stage, StageDefinition, StageSet, corpus_fingerprint, unit_id_for,
)

HOSTILE = '<script>alert(1)</script> =HYPERLINK("http://evil") | *bold* _x_ [link](javascript:x) & &amp;'
PAYLOAD = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
STAGES = [
    ("awareness", "Hearing about the brand from friends, ads and social media"),
    ("consideration", "Comparing products, sizes and prices"),
    ("purchase", "Checkout and payment"),
    ("delivery", "Shipping, tracking and the parcel arriving"),
    ("returns", "Sending things back and getting refunds"),
    ("loyalty", "Coming back, recommending, subscribing"),
]
VALENCES = [(0.35, 0.1, 0.6, 9), (0.05, -0.2, 0.3, 12), (-0.45, -0.7, -0.2, 15), (None, None, None, 0),
            (-0.6, -0.85, -0.35, 8), (0.55, 0.3, 0.8, 6)]


def _unit(index: int, text: str, respondent: str, source: str = "survey.csv") -> FeedbackUnit:
    locator = Locator(kind="row", index=index, char_start=0, char_end=len(text), field="comment")
    return FeedbackUnit(id=unit_id_for(source, locator.label(), text), text=text, source=source, locator=locator,
                        respondent=respondent, metadata={"segment": "web" if index % 2 else "app"})


def _claim(cid: str, text: str, units: list[FeedbackUnit], kind: str = "observed", origin: str = "llm") -> Claim:
    evidence = [Evidence.from_unit(u, u.text if "\n" in u.text else u.text.split(".")[0]) for u in units]
    return Claim(id=cid, text=text, kind=kind, evidence=evidence, unit_ids=[u.id for u in units], origin=origin,
                 prevalence=Prevalence(units=len(units), respondents=len({u.respondent for u in units})), confidence=0.7)


def make_big_map() -> tuple[dict[str, FeedbackUnit], JourneyMap]:
    units: list[FeedbackUnit] = []
    stages: list[Stage] = []
    for s, ((name, description), (mean, low, high, n)) in enumerate(zip(STAGES, VALENCES)):
        base = len(units)
        texts = [f"At {name} I noticed thing number {k}. It mattered to me because of reason {k}." for k in range(6)]
        if name == "purchase":
            texts[0] = HOSTILE + ". Then the page froze."
            texts[1] = "-5 stars. @support never answered\n# not a heading\n> not a quote"
        units += [_unit(base + k, text, f"r{(base + k) % 9}", source="reviews.jsonl" if k % 2 else "survey.csv")
                  for k, text in enumerate(texts)]
        mine = units[base:]
        pains = [_claim(f"pp-{name}-{k}", f"Customers struggle with {name} problem {k}, which slows them down", mine[k:k + 2])
                 for k in (0, 2)]
        if name == "purchase":
            pains[0] = _claim("pp-purchase-x", HOSTILE, mine[0:2], origin="extractive")
        touch_text = FORMULA if name == "purchase" else f"{name.title()} channel"
        stages.append(Stage(
            name=name, description=description, order=s, unit_ids=[u.id for u in mine],
            touchpoints=[_claim(f"tp-{name}", touch_text, mine[4:5], kind="inferred")],
            goals=[_claim(f"gl-{name}", f"Get through {name} without effort", mine[5:6], kind="inferred")],
            pain_points=pains,
            delights=[_claim(f"dl-{name}", f"Pleasant moment during {name}", mine[4:6])],
            opportunities=[Opportunity(id=f"op-{name}", text=f"How might we remove friction in {name}?",
                                       addresses=[p.id for p in pains], evidence=pains[0].evidence[:1], impact_hint="high")],
            emotion=EmotionSummary(mean_valence=mean, ci_low=low, ci_high=high, n=n,
                                   dominant=[EmotionCount(label="joy" if (mean or 0) > 0 else "anger", count=max(1, n // 2),
                                                          evidence=[Evidence.from_unit(mine[3])])] if n else []),
        ))
    by_id = {u.id: u for u in units}
    personas = [
        Persona(id="p-bargain", name="Bargain hunter", summary="Waits for discounts, compares prices across shops.",
                share=0.45, respondents=["r1", "r2", "r3", "r4"],
                attributes=[AttributeCount(key="segment", value="web", count=3), AttributeCount(key="age", value="25-34", count=2)],
                frustrations=[stages[2].pain_points[0]], motivations=[stages[5].delights[0]],
                representative_quotes=[stages[2].pain_points[0].evidence[0], stages[0].delights[0].evidence[0]],
                stage_emotions={s.name: s.emotion for s in stages}),
        Persona(id="p-loyal", name="Loyal regular", summary="Buys monthly and recommends the brand.", share=0.55,
                respondents=["r5", "r6", "r7", "r8", "r0"], goals=[stages[1].goals[0]], behaviours=[stages[5].touchpoints[0]],
                representative_quotes=[stages[5].delights[0].evidence[0]], origin="extractive"),
    ]
    journey_map = JourneyMap(id="map-big", title="Clothing shop journey & returns <2026>", version=3, parent_version=2,
                             corpus_fingerprint=corpus_fingerprint(list(by_id)),
                             stage_set=StageSet(name="b2c", stages=[StageDefinition(name=n, description=d) for n, d in STAGES]),
                             personas=personas, stages=stages,
                             model_info=ModelInfo(provider="local", model="qwen", embedder="minilm"), run_id="run-big")
    JourneyMap.model_validate(journey_map.model_dump(), context={"units": by_id})
    return by_id, journey_map


def hostile_map():
    """The big map with markup in every kind of text the page shows."""
    units, journey_map = make_big_map()
    unit_id = journey_map.stages[2].pain_points[0].evidence[0].unit_id
    units[unit_id] = units[unit_id].model_copy(update={"source": '<img src=x onerror="alert(2)">.csv',
                                                       "respondent": PAYLOAD})
    persona = journey_map.personas[0].model_copy(update={"name": PAYLOAD, "summary": PAYLOAD})
    emotion = journey_map.stages[0].emotion.model_copy(update={"dominant": [
        journey_map.stages[0].emotion.dominant[0].model_copy(update={"label": PAYLOAD})]})
    stage = journey_map.stages[0].model_copy(update={"name": PAYLOAD + " awareness", "description": PAYLOAD, "emotion": emotion})
    journey_map = journey_map.model_copy(update={
        "title": PAYLOAD, "personas": [persona, *journey_map.personas[1:]], "stages": [stage, *journey_map.stages[1:]],
    })
    return units, journey_map


def crowded_map(pains: int = 12) -> tuple[dict[str, FeedbackUnit], JourneyMap]:
    """make_big_map with `pains` pain points in its first stage, the smallest one addressed by an opportunity."""
    by_id, journey_map = make_big_map()
    stage = journey_map.stages[0]
    mine = [by_id[i] for i in stage.unit_ids]
    claims = [_claim(f"pp-many-{k}", f"Crowded pain point number {k}", mine[k % 6 : k % 6 + 1]) for k in range(pains)]
    crowded = stage.model_copy(update={"pain_points": claims, "opportunities": [Opportunity(
        id="op-smallest", text="How might we fix the smallest one?", addresses=[claims[-1].id], evidence=claims[-1].evidence,
        impact_hint="low")]})
    journey_map = journey_map.model_copy(update={"stages": [crowded, *journey_map.stages[1:]]})
    JourneyMap.model_validate(journey_map.model_dump(), context={"units": by_id})
    return by_id, journey_map
