"""draft_map with a fake model: valid answers become llm claims; bad ones fall back; unfitting labels are rejected."""

from __future__ import annotations

import json

import pytest

from assistant import api
from assistant.analysis.touchpoints import CHANNELS
from assistant.draft import draft_map
from assistant.models import JourneyMap
from tests.draft.draft_helpers import VALID, auth_error, schema_handle, theme_groups, words_of

SCOPE = {"source": "threadline_survey_2026.csv"}  # the survey alone keeps each draft a few seconds
THEME_LANES = ("pain_points", "delights")


def _draft(settings, responders, capable: bool = False):
    handle, chat = schema_handle(responders, capable)
    # Every fake here answers differently under the same model id, so each draft bypasses the answer cache.
    journey_map = draft_map(settings, handle=handle, where=SCOPE, save=False, full=True)
    units = api.units_by_id(settings)
    JourneyMap.model_validate(journey_map.model_dump(), context={"units": units})
    return journey_map, chat, units


def _events(settings, journey_map, event):
    """Events of this draft's run only (the module's drafts share one runs folder)."""
    path = settings.runs_dir / f"{journey_map.run_id}.jsonl"
    assert path.exists(), path
    return [r for r in map(json.loads, path.read_text().splitlines()) if r.get("event") == event]


def _theme_claims(journey_map):
    return [c for s in journey_map.stages for lane in THEME_LANES for c in getattr(s, lane)]


@pytest.fixture(scope="module")
def valid_draft(ws_settings):
    return _draft(ws_settings, VALID)


def test_valid_answers_make_llm_claims_citing_the_offered_quotes(valid_draft):
    journey_map, chat, units = valid_draft
    assert "ThemeLabel" in chat.schemas()
    offered = {q for call in chat.calls if call["schema"] == "ThemeLabel" for q in call["quotes"].values()}
    llm_themes = [c for c in _theme_claims(journey_map) if c.origin == "llm"]
    assert llm_themes, "no theme kept its model-written label"
    for claim in llm_themes:
        assert claim.evidence
        for ev in claim.evidence:
            assert ev.quote in offered
            assert units[ev.unit_id].text[ev.start:ev.end] == ev.quote
    assert journey_map.model_info.provider == "fake"
    assert journey_map.usage.get("input_tokens", 0) > 0


def test_valid_answers_reach_every_chain_a_small_model_is_sent(valid_draft):
    journey_map, chat, _ = valid_draft
    assert {"ThemeLabel", "OpportunityStatements", "PersonaProfile"} <= set(chat.schemas())
    assert any(o.origin == "llm" for s in journey_map.stages for o in s.opportunities)
    assert any(p.origin == "llm" and p.name == "Test persona" for p in journey_map.personas)


def test_a_small_model_is_not_asked_for_touchpoints_and_goals(valid_draft):
    journey_map, chat, units = valid_draft
    assert "StageDetails" not in chat.schemas()
    details = [c for s in journey_map.stages for c in (*s.touchpoints, *s.goals)]
    assert details and {c.origin for c in details} == {"extractive"}
    assert any(c.text in CHANNELS for s in journey_map.stages for c in s.touchpoints)  # channels the units name
    for claim in details:  # extractive items still cite their units verbatim
        assert claim.evidence and all(units[ev.unit_id].text[ev.start:ev.end] == ev.quote for ev in claim.evidence)


def test_a_capable_model_writes_touchpoints_and_goals(ws_settings):
    journey_map, chat, _ = _draft(ws_settings, VALID, capable=True)
    assert chat.schemas().count("StageDetails") == sum(1 for s in journey_map.stages if s.unit_ids)
    assert any(c.origin == "llm" for s in journey_map.stages for c in s.touchpoints)
    assert any(c.origin == "llm" for s in journey_map.stages for c in s.goals)


@pytest.mark.parametrize("bad", [
    pytest.param(lambda m: {"title": "Made up source", "description": "x", "sources": [99], "insufficient_evidence": False}, id="made-up-number"),
    pytest.param(lambda m: "this is not json {", id="invalid-json"),
    pytest.param(lambda m: auth_error(), id="provider-refuses"),
])
def test_a_model_that_never_validates_falls_back_and_the_draft_completes(ws_settings, bad, request):
    responders = {name: bad for name in ("ThemeLabel", "StageDetails", "OpportunityStatements", "PersonaProfile")}
    journey_map, chat, _ = _draft(ws_settings, responders)
    assert chat.calls, "the model was never asked"
    assert _theme_claims(journey_map)
    assert {c.origin for _, c in journey_map.all_claims()} == {"extractive"}
    assert {o.origin for s in journey_map.stages for o in s.opportunities} <= {"extractive"}
    assert {p.origin for p in journey_map.personas} == {"extractive"}
    fallbacks = [r for r in _events(ws_settings, journey_map, "fallback")]
    assert any(r["chain"] == "theme_label" for r in fallbacks)
    theme_fallbacks = sum(r["chain"] == "theme_label" for r in fallbacks)
    attempts = 1 if request.node.callspec.id == "provider-refuses" else ws_settings.max_reasks + 1  # bad answers are re-asked
    assert chat.schemas().count("ThemeLabel") == attempts * theme_fallbacks


@pytest.mark.parametrize("title", ["Late or lost parcels", "Quantum chromodynamics lattice gauge theory"])
def test_a_label_that_does_not_fit_its_quotes_is_rejected(ws_settings, title):
    def theme(messages):
        return {"title": title, "description": "Parcels arrive late.", "sources": [1], "insufficient_evidence": False}

    journey_map, chat, _ = _draft(ws_settings, {**VALID, "ThemeLabel": theme})
    assert "ThemeLabel" in chat.schemas()
    themes = _theme_claims(journey_map)
    assert themes and {c.origin for c in themes} == {"extractive"}
    assert title not in {c.text for c in themes}
    rejected = [r for r in _events(ws_settings, journey_map, "label_rejected") if r.get("text") == title]
    assert rejected and rejected[0]["chain"] == "theme_label"


def test_a_capable_model_labels_each_lane_in_one_request_with_its_opportunities(ws_settings):
    journey_map, chat, units = _draft(ws_settings, VALID, capable=True)
    assert "ThemeLabels" in chat.schemas()
    lanes = [(s, lane) for s in journey_map.stages for lane in THEME_LANES]
    assert chat.schemas().count("ThemeLabels") + chat.schemas().count("ThemeLabel") <= len(lanes)
    llm = [c for c in _theme_claims(journey_map) if c.origin == "llm"]
    assert len(llm) > chat.schemas().count("ThemeLabels") + chat.schemas().count("ThemeLabel")  # several labels per request
    for claim in llm:  # each label cites its own theme's quotes, verbatim
        assert claim.evidence and all(units[ev.unit_id].text[ev.start:ev.end] == ev.quote for ev in claim.evidence)
        assert {ev.unit_id for ev in claim.evidence} <= set(claim.unit_ids)
    written = [o for s in journey_map.stages for o in s.opportunities if o.origin == "llm"]
    from_labels = [o for o in written if o.text.startswith("How might we improve")]  # the lane answers' wording
    assert from_labels and chat.schemas().count("OpportunityStatements") == len(written) - len(from_labels)


def test_a_batched_label_citing_another_themes_quotes_falls_back(ws_settings):
    def swapped(messages):  # every label cites the first theme's quotes
        groups = theme_groups(messages)
        first = sorted(groups[0])[:1]
        return {"themes": [{"title": words_of(groups[0][first[0]]), "description": "x", "opportunity": "", "sources": first,
                            "insufficient_evidence": False} for _ in groups]}

    journey_map, chat, _ = _draft(ws_settings, {**VALID, "ThemeLabels": swapped}, capable=True)
    assert "ThemeLabels" in chat.schemas()
    rejected = [r for r in _events(ws_settings, journey_map, "label_rejected") if r["chain"] == "theme_labels"]
    assert rejected and all(r["reason"] == "cites quotes of another theme" for r in rejected)
