"""draft_map end to end on a real workspace, extractive only (no model)."""

from __future__ import annotations

import math

import pytest

from assistant import api
from assistant.draft import draft_map
from assistant.draft.pipeline import PHASES
from assistant.mapstore import MapStore
from assistant.models import Claim, JourneyMap


@pytest.fixture(scope="module")
def drafted(ws_settings):
    progress: list[tuple[str, float]] = []
    journey_map = draft_map(ws_settings, handle=None, progress=lambda phase, frac: progress.append((phase, frac)))
    return journey_map, api.units_by_id(ws_settings), progress


def test_draft_is_saved_as_version_one(ws_settings, drafted):
    journey_map, _, _ = drafted
    assert journey_map.version == 1
    loaded = MapStore(ws_settings.maps_dir).load(journey_map.id)
    assert loaded.id == journey_map.id and loaded.version == 1
    assert [s.name for s in loaded.stages] == [s.name for s in journey_map.stages]


def test_every_quote_is_verbatim_and_every_claim_evidenced(drafted):
    journey_map, units, _ = drafted
    JourneyMap.model_validate(journey_map.model_dump(), context={"units": units})
    evidence = list(journey_map.all_evidence())
    assert evidence
    for _, ev in evidence:
        assert units[ev.unit_id].text[ev.start:ev.end] == ev.quote
    claims = [c for _, c in journey_map.all_claims()]
    assert sum(len(s.pain_points) + len(s.delights) for s in journey_map.stages) > 5
    for claim in claims:
        assert claim.evidence, claim.id
        assert set(e.unit_id for e in claim.evidence) <= set(units)


def test_without_a_model_every_item_is_extractive(drafted):
    journey_map, _, _ = drafted
    assert {c.origin for _, c in journey_map.all_claims()} == {"extractive"}
    assert {o.origin for s in journey_map.stages for o in s.opportunities} <= {"extractive"}
    assert {p.origin for p in journey_map.personas} == {"extractive"}
    assert journey_map.model_info.model == "extractive"


def test_emotion_summaries_are_sane(drafted):
    journey_map, _, _ = drafted
    with_units = [s for s in journey_map.stages if s.unit_ids]
    assert with_units
    for stage in with_units:
        assert stage.emotion.n > 0
        assert -1.0 <= stage.emotion.mean_valence <= 1.0
        assert stage.emotion.ci_low <= stage.emotion.mean_valence <= stage.emotion.ci_high


def test_personas_shares_sum_to_one(drafted):
    journey_map, _, _ = drafted
    assert journey_map.personas
    assert math.isclose(sum(p.share for p in journey_map.personas), 1.0, abs_tol=0.02)
    for persona in journey_map.personas:
        assert persona.name and persona.respondents


def test_timings_and_progress_cover_every_phase(drafted):
    journey_map, _, progress = drafted
    assert set(journey_map.timings) == set(PHASES)
    assert all(t >= 0 for t in journey_map.timings.values())
    assert [p for p, _ in progress] == list(PHASES)
    assert all(0.0 <= f < 1.0 for _, f in progress)


def test_stage_labels_are_written_back_to_the_store(ws_settings, drafted):
    journey_map, _, _ = drafted
    store = api.open_store(ws_settings)
    checked = 0
    for stage in journey_map.stages:
        if not stage.unit_ids:
            continue
        hits = store.search("the order", k=5, where={"stage": stage.name})
        assert hits, stage.name
        assert {h.unit_id for h in hits} <= set(stage.unit_ids)
        checked += 1
    assert checked >= 3


def test_draft_of_an_empty_scope_names_the_fix(ws_settings):
    from assistant.errors import JourneyError

    with pytest.raises(JourneyError, match="ingest"):
        draft_map(ws_settings, handle=None, where={"source": "no-such-file.csv"}, save=False)


def test_draft_run_log_records_phases(ws_settings, drafted):
    from tests.draft.draft_helpers import read_run_logs

    journey_map, _, _ = drafted
    records = read_run_logs(ws_settings.runs_dir)
    mine = [r for r in records if r.get("event") == "draft_done" and r.get("map_id") == journey_map.id]
    assert len(mine) == 1 and set(mine[0]["timings"]) == set(PHASES)
    assert isinstance(journey_map.stages[0].pain_points + journey_map.stages[0].delights, list)
    assert all(isinstance(c, Claim) for _, c in journey_map.all_claims())
