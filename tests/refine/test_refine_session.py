"""Refiner: proposals as diffs, accepted versions, undo/redo, history and diffs between versions."""

from __future__ import annotations

import pytest

from assistant.errors import EditRefusedError, MapNotFoundError
from assistant.refine import (
    AddClaimEdit, DeleteEdit, MergeClaimsEdit, MoveEdit, Refiner, RenameEdit, ReorderStagesEdit, diff_maps,
)


def test_propose_saves_nothing_and_shows_the_diff(refiner, store):
    proposal = refiner.propose([RenameEdit(target="pp-purchase-1", new="Card payment fails")])
    assert store.versions("map-test") == [1]
    assert proposal.base_version == 1 and proposal.preview_map.version == 2
    assert "~ renamed pain point 'Checkout fails at payment' → 'Card payment fails'" in proposal.diff_text
    assert [c.kind for c in proposal.diff.changes] == ["renamed"]


def test_v1_v2_v3_with_undo_redo_and_history(refiner, store):
    v2 = refiner.accept(refiner.propose([RenameEdit(target="pp-purchase-1", new="Card payment fails")]), author="maya")
    v3 = refiner.accept(refiner.propose([MergeClaimsEdit(claim_ids=["pp-delivery-1", "dl-delivery-1"])]), author="li")
    assert (v2.version, v2.parent_version, v3.version, v3.parent_version) == (2, 1, 3, 2)
    assert store.load("map-test").version == 3

    assert refiner.undo().version == 2
    assert store.load("map-test").version == 2
    assert refiner.undo().version == 1
    with pytest.raises(MapNotFoundError, match="nothing to undo"):
        refiner.undo()
    assert refiner.redo().version == 2
    assert refiner.redo().version == 3
    with pytest.raises(MapNotFoundError, match="nothing to redo"):
        refiner.redo()

    rows = refiner.history()
    assert [(r["version"], r["parent"], r["author"], r["current"]) for r in rows] == [
        (1, None, "journey draft", False), (2, 1, "maya", False), (3, 2, "li", True)]
    assert rows[1]["edits"] == ["rename pp-purchase-1 to 'Card payment fails'"]
    assert rows[2]["edits"] == ["merge pp-delivery-1, dl-delivery-1"]


def test_an_edit_after_undo_branches_from_the_parent_and_clears_redo(refiner, store):
    refiner.apply([RenameEdit(target="persona-1", new="A")])
    refiner.undo()
    v3 = refiner.apply([RenameEdit(target="persona-1", new="B")])
    assert (v3.version, v3.parent_version) == (3, 1)
    assert store.head("map-test") == {"current": 3, "redo": []}
    assert refiner.undo().version == 1


def test_diff_between_v1_and_v3(refiner, unit_list):
    refiner.apply([RenameEdit(target="pp-purchase-1", new="Card payment fails"),
                   AddClaimEdit(location="delivery.pain_points", text="Parcels reported delivered never arrive",
                                unit_ids=[unit_list[5].id], quotes=["Tracking says delivered but nothing arrived"])])
    refiner.apply([DeleteEdit(target="dl-consideration-1"), MoveEdit(target="dl-purchase-1", destination="delivery.delights"),
                   DeleteEdit(target="pp-delivery-1", evidence_index=1),
                   ReorderStagesEdit(order=["purchase", "consideration", "delivery"]),
                   RenameEdit(target="persona-2", new="App loyalist")])
    text = refiner.diff(1, 3).text()
    assert text.splitlines()[:2] == ["--- map-test v1", "+++ map-test v3"]
    for line in [
        "~ stage order: consideration, purchase, delivery → purchase, consideration, delivery",
        "~ renamed persona 'Fast mobile buyer' → 'App loyalist'",
        "- deleted delight 'Customer photos in reviews help choosing' (stage consideration)",
        "+ pain point 'Parcels reported delivered never arrive' (stage delivery)",
        "~ renamed pain point 'Checkout fails at payment' → 'Card payment fails'",
        "> moved delight 'App payment is quick': delight (stage purchase) → delight (stage delivery)",
        f"- evidence on 'Tracking does not reflect where the parcel is': \"Tracking says delivered but nothing arrived\" (unit {unit_list[5].id})",
        "~ pain point 'Tracking does not reflect where the parcel is': prevalence 2 units/2 respondents → 1 units/1 respondents",
    ]:
        assert line in text, f"missing {line!r} in\n{text}"
    structured = refiner.diff(1, 3).changes
    assert {c.kind for c in structured} >= {"reordered", "renamed", "removed", "added", "moved", "evidence_removed", "changed"}
    assert refiner.diff(3, 3).text().endswith("(no changes)")


def test_stage_rename_is_a_rename_in_the_diff_not_delete_and_add(jm, units):
    from assistant.refine import apply_edits
    out = apply_edits(jm, [RenameEdit(target="delivery", new="shipping")], units)
    assert [c.line() for c in diff_maps(jm, out).changes] == ["~ renamed stage 'delivery' → 'shipping'"]


def test_reject_and_stale_proposals_cannot_be_accepted(refiner):
    first = refiner.propose([RenameEdit(target="persona-1", new="A")])
    refiner.reject(first)
    with pytest.raises(EditRefusedError, match="already accepted or rejected"):
        refiner.accept(first)
    older = refiner.propose([RenameEdit(target="persona-1", new="B")])
    refiner.apply([RenameEdit(target="persona-2", new="C")])
    with pytest.raises(EditRefusedError, match="is at version 2.*made on version 1; propose the edits again"):
        refiner.accept(older)


def test_new_claim_ids_never_reuse_ids_of_earlier_versions(refiner, unit_list):
    refiner.apply([DeleteEdit(target="pp-purchase-1")])
    v3 = refiner.apply([AddClaimEdit(location="purchase.pain_points", text="Card payments crash",
                                     unit_ids=[unit_list[0].id])])
    added = v3.stages[1].pain_points[-1]
    assert added.id == "pp-purchase-2"
    assert "+ pain point 'Card payments crash' (stage purchase)" in refiner.diff(1, 3).text()


def test_refiner_on_unknown_map(store, units):
    with pytest.raises(MapNotFoundError, match="no map 'nope'"):
        Refiner(store, "nope", units)
