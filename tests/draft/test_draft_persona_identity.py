"""A persona is named for what its customers share and lists who they are: never a respondent id as its name,
never a unit id among its respondents."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from assistant.draft.assemble import build_personas
from assistant.draft.synthesis import Synthesizer
from assistant.models import FeedbackUnit, Locator, StageDefinition, StageSet, unit_id_for

TEXTS = [("r1", "The checkout crashed on the payment page."), ("r1", "Checkout crashed again when I paid."),
         (None, "My parcel was late and tracking never updated."), ("r7", "Returns were easy and the refund was quick.")]


def _units() -> dict[str, FeedbackUnit]:
    units = {}
    for n, (respondent, text) in enumerate(TEXTS):
        unit = FeedbackUnit(id=unit_id_for("fb.csv", f"row:{n}", text), text=text, source="fb.csv",
                            locator=Locator(kind="row", index=n, char_start=0, char_end=len(text)), respondent=respondent)
        units[unit.id] = unit
    return units


class NamingSynth(Synthesizer):
    """Answers every persona profile with the given name (as a small model naming a persona 'R1' would)."""

    name: str = ""

    def persona_profile(self, persona_id, attributes, representatives, negative, positive, valence=None):
        empty = {"goals": [], "frustrations": [], "motivations": [], "behaviours": []}
        return self.name, "Customers whose checkout failed.", empty, "llm"


def _personas(name: str):
    units = _units()
    ids = list(units)
    segment = SimpleNamespace(unit_ids=ids, respondents=sorted({u.respondent or u.id for u in units.values()}),
                              attributes=[], share=1.0)
    synth = NamingSynth(units=units, embedder=None)
    synth.name = name
    stage_set = StageSet(name="t", stages=[StageDefinition(name="purchase", description="paying")])
    vectors = {i: np.ones(4, dtype=np.float32) / 2 for i in ids}
    return build_personas([segment], stage_set, {}, {}, {}, synth, units, vectors), synth


def test_a_respondent_id_is_not_a_persona_name():
    for bare in ("R1", "r7", " r1 "):
        (persona,), synth = _personas(bare)
        assert persona.name.strip().casefold() not in {"r1", "r7"}
        assert any("is a respondent id" in f for f in synth.fallbacks)
    (persona,), _ = _personas("Checkout strugglers")
    assert persona.name == "Checkout strugglers"


def test_respondents_list_respondent_ids_only():
    (persona,), _ = _personas("Checkout strugglers")
    assert persona.respondents == ["r1", "r7"]  # the unit without a respondent is counted in the share, not listed
