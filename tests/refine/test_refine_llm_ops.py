"""The LLM's generic edit form {op, target_ids, text, destination} becomes typed edits, or a refusal."""

from __future__ import annotations

import pytest

from assistant.errors import EditRefusedError
from assistant.refine import (
    AddClaimEdit, DeleteEdit, MergeClaimsEdit, MoveEdit, RenameEdit, SplitPersonaEdit, apply_edits, edits_from_llm_ops,
)


def test_generic_ops_become_typed_edits(jm, units, unit_list):
    ops = [
        {"op": "rename", "target_ids": ["pp-purchase-1"], "text": "Card payment fails", "destination": None},
        {"op": "merge", "target_ids": ["pp-delivery-1", "dl-delivery-1"], "text": "", "destination": None},
        {"op": "move", "target_ids": ["dl-purchase-1"], "text": None, "destination": "stages.delivery.delights"},
        {"op": "add", "target_ids": [unit_list[1].id], "text": "Promo codes fail", "destination": "purchase.pain_points"},
        {"op": "delete", "target_ids": ["op-purchase-1", "tp-purchase-1"]},
        {"op": "split_persona", "target_ids": ["persona-2"], "text": "age_band"},
    ]
    edits = edits_from_llm_ops(ops, jm, units)
    assert edits == [
        RenameEdit(target="pp-purchase-1", new="Card payment fails"),
        MergeClaimsEdit(claim_ids=["pp-delivery-1", "dl-delivery-1"]),
        MoveEdit(target="dl-purchase-1", destination="delivery.delights"),
        AddClaimEdit(location="purchase.pain_points", unit_ids=[unit_list[1].id], text="Promo codes fail"),
        DeleteEdit(target="op-purchase-1"), DeleteEdit(target="tp-purchase-1"),
        SplitPersonaEdit(persona_id="persona-2", attribute="age_band"),
    ]
    out = apply_edits(jm, edits, units, author="llm")
    assert len(out.edits) == 7


def test_made_up_ids_are_refused_listing_the_valid_ones(jm, units):
    with pytest.raises(EditRefusedError, match="LLM edit 1 \\(rewrite\\): unknown claim or opportunity id\\(s\\) pp-checkout-7; "
                                               "valid claim or opportunity ids: .*pp-purchase-1"):
        edits_from_llm_ops([{"op": "rewrite", "target_ids": ["pp-checkout-7"], "text": "x"}], jm)
    with pytest.raises(EditRefusedError, match="LLM edit 2 \\(merge_claims\\): unknown claim id\\(s\\) invented-1"):
        edits_from_llm_ops([{"op": "delete", "target_ids": ["tp-purchase-1"]},
                            {"op": "merge", "target_ids": ["pp-purchase-1", "invented-1"]}], jm)
    with pytest.raises(EditRefusedError, match="unknown unit id\\(s\\) u_fake"):
        edits_from_llm_ops([{"op": "add", "target_ids": ["u_fake"], "text": "x", "destination": "purchase.goals"}], jm, units)


def test_invalid_ops_are_refused(jm):
    with pytest.raises(EditRefusedError, match="unknown op; valid ops: rename, rewrite"):
        edits_from_llm_ops([{"op": "teleport", "target_ids": ["pp-purchase-1"]}], jm)
    with pytest.raises(EditRefusedError, match="no lane 'checkout.pain_points'"):
        edits_from_llm_ops([{"op": "move", "target_ids": ["pp-purchase-1"], "destination": "checkout.pain_points"}], jm)
    with pytest.raises(EditRefusedError, match="needs text"):
        edits_from_llm_ops([{"op": "rename", "target_ids": ["persona-1"], "text": " "}], jm)
    with pytest.raises(EditRefusedError, match="at least 2 claim id"):
        edits_from_llm_ops([{"op": "merge", "target_ids": ["pp-purchase-1"]}], jm)
    with pytest.raises(EditRefusedError, match="proposed no edits"):
        edits_from_llm_ops([], jm)
