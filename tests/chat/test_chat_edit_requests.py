"""Natural-language edit requests: the fake model's MapEdits become a checked Proposal, or are refused."""

from __future__ import annotations

import pytest

from assistant import api
from assistant.errors import EditRefusedError, StructuredOutputError
from assistant.refine import SlashUsageError, parse_slash
from assistant.refine.requests import is_edit_request, map_outline, propose_from_request
from tests.draft.draft_helpers import schema_handle


def _edit(target: str, text: str = "New name"):
    return {"MapEdits": lambda m: {"edits": [{"op": "rename", "target_ids": [target], "text": text, "destination": None}]}}


def test_is_edit_request():
    assert is_edit_request("add \"Promo codes fail\" to purchase.pain_points from u_1a2b3c4d")
    assert not is_edit_request("add up what people say about delivery")
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


def test_a_request_naming_ids_is_parsed_without_the_model(ws_settings, saved_map):
    refiner = api.refiner(ws_settings, saved_map.id)
    first, second = [c for s in refiner.current().stages for c in s.pain_points][:2]
    # a model that would copy the prompt's example, as the default small model did
    handle, chat = schema_handle({"MapEdits": lambda m: {"edits": [
        {"op": "merge", "target_ids": [first.id, first.id], "text": "Slow delivery", "destination": None}]}})
    proposal = propose_from_request(refiner, f"rename {first.id} to Parcels arrive late", ws_settings, handle=handle)
    assert chat.schemas() == []
    assert proposal.edits == parse_slash(f"/rename {first.id} Parcels arrive late").edits
    assert "→ 'Parcels arrive late'" in proposal.diff_text

    merged = propose_from_request(refiner, f"merge {first.id} and {second.id} as Checkout fails", ws_settings, handle=handle)
    assert chat.schemas() == []
    assert merged.edits == parse_slash(f"/merge {first.id} {second.id} as Checkout fails").edits
    # nothing is saved until accepted
    assert api.load_map(ws_settings, saved_map.id).version == refiner.current().version
    assert next(c for _, c in refiner.current().all_claims() if c.id == first.id).text == first.text


def test_a_request_naming_ids_in_the_wrong_form_shows_the_syntax(ws_settings, saved_map):
    refiner = api.refiner(ws_settings, saved_map.id)
    first, second = [c for s in refiner.current().stages for c in s.pain_points][:2]
    handle, chat = schema_handle({})
    with pytest.raises(SlashUsageError, match="put 'as' before the merged claim's text; write: merge <id> and <id>"):
        propose_from_request(refiner, f"merge {first.id} and {second.id} Payment fails", ws_settings, handle=handle)
    with pytest.raises(EditRefusedError, match=f"no claim 'pp-nowhere-9' in the map"):
        propose_from_request(refiner, f"merge {first.id} and pp-nowhere-9", ws_settings, handle=handle)
    assert chat.schemas() == []


def test_a_request_in_words_goes_to_the_model(ws_settings, saved_map):
    refiner = api.refiner(ws_settings, saved_map.id)
    stage = next(s for s in refiner.current().stages if s.pain_points)
    claim = stage.pain_points[0]
    handle, chat = schema_handle(_edit(claim.id))
    proposal = propose_from_request(refiner, f"rename the first {stage.name} pain point to New name", ws_settings, handle=handle)
    assert chat.schemas() == ["MapEdits"]
    assert proposal.map_id == saved_map.id and not proposal.diff.empty
    renamed = next(c for _, c in proposal.preview_map.all_claims() if c.id == claim.id)
    assert renamed.text == "New name"


def test_a_model_copying_the_prompts_example_is_refused(ws_settings, saved_map):
    refiner = api.refiner(ws_settings, saved_map.id)
    touchpoint = next(c for s in refiner.current().stages for c in s.touchpoints)
    handle, _ = schema_handle({"MapEdits": lambda m: {"edits": [
        {"op": "merge", "target_ids": [touchpoint.id, touchpoint.id], "text": "Slow delivery", "destination": None}]}})
    with pytest.raises(EditRefusedError, match="the model repeated the prompt's worked example \\(merge_claims as 'slow "
                                               "delivery'\\) instead of answering the request; name the items by id.*/merge"):
        propose_from_request(refiner, "merge the two late parcel complaints", ws_settings, handle=handle)


def test_a_model_editing_items_the_request_does_not_point_at_is_refused(ws_settings, saved_map):
    refiner = api.refiner(ws_settings, saved_map.id)
    persona = refiner.current().personas[0]
    handle, _ = schema_handle(_edit(persona.id, "Quux"))
    request = "rename the zebra item to Quux"
    assert not {"zebra", "item", "rename"} & set(persona.name.lower().split())
    with pytest.raises(EditRefusedError, match=f"LLM edit 1 \\(rename\\) targets {persona.id} .*which the request does "
                                               "not mention; name the items by id"):
        propose_from_request(refiner, request, ws_settings, handle=handle)
    assert api.load_map(ws_settings, saved_map.id).version == refiner.current().version


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
