"""Natural-language edit requests: the fake model's MapEdits become a checked Proposal, or are refused."""

from __future__ import annotations

import pytest

from assistant import api
from assistant.errors import EditRefusedError, StructuredOutputError
from assistant.refine.requests import is_edit_request, map_outline, propose_from_request
from tests.draft.draft_helpers import schema_handle


def _edit(target: str, text: str = "New name"):
    return {"MapEdits": lambda m: {"edits": [{"op": "rename", "target_ids": [target], "text": text, "destination": None}]}}


def test_is_edit_request():
    assert is_edit_request("rename the first pain point to Payment fails")
    assert is_edit_request("Please merge the two checkout pain points")
    assert not is_edit_request("What are the top pain points in purchase?")
    assert not is_edit_request("why do people rename their orders?")


def test_map_outline_lists_claims_by_id(saved_map):
    outline = map_outline(saved_map)
    for stage in saved_map.stages:
        assert f"Stage {stage.name}:" in outline
        for claim in stage.pain_points:
            assert f"[{claim.id}] {claim.text}" in outline
    for persona in saved_map.personas:
        assert f"Persona [{persona.id}]" in outline


def test_rename_request_gives_a_proposal_with_a_diff(ws_settings, saved_map):
    refiner = api.refiner(ws_settings, saved_map.id)
    claim = next(c for s in refiner.current().stages for c in s.pain_points)
    handle, chat = schema_handle(_edit(claim.id))
    proposal = propose_from_request(refiner, f"rename {claim.id} to New name", ws_settings, handle=handle)
    assert chat.schemas() == ["MapEdits"]
    assert proposal.map_id == saved_map.id and not proposal.diff.empty
    assert "New name" in proposal.diff_text
    renamed = next(c for _, c in proposal.preview_map.all_claims() if c.id == claim.id)
    assert renamed.text == "New name"
    # nothing is saved until accepted
    assert api.load_map(ws_settings, saved_map.id).version == refiner.current().version
    assert next(c for _, c in refiner.current().all_claims() if c.id == claim.id).text == claim.text


def test_a_made_up_id_is_refused_and_not_applied(ws_settings, saved_map):
    refiner = api.refiner(ws_settings, saved_map.id)
    before = refiner.current()
    handle, _ = schema_handle(_edit("pp-nowhere-99"))
    with pytest.raises((EditRefusedError, StructuredOutputError)):
        propose_from_request(refiner, "rename the nowhere pain point to New name", ws_settings, handle=handle)
    after = api.load_map(ws_settings, saved_map.id)
    assert after.version == before.version and after.model_dump() == before.model_dump()


def test_no_edits_is_refused(ws_settings, saved_map):
    refiner = api.refiner(ws_settings, saved_map.id)
    handle, _ = schema_handle({"MapEdits": lambda m: {"edits": []}})
    with pytest.raises(EditRefusedError, match="slash command"):
        propose_from_request(refiner, "rename something", ws_settings, handle=handle)
