"""Claim and opportunity edits: each applied and re-validated, and the refusals that protect grounding."""

from __future__ import annotations

import pytest

from assistant.errors import EditRefusedError
from assistant.models import Claim, Evidence, JourneyMap
from assistant.refine import (
    AddClaimEdit, DeleteEdit, MergeClaimsEdit, MoveEdit, RegenerateEdit, RenameEdit, RewriteEdit, SplitClaimEdit,
    apply_edits, parse_edit,
)
from assistant.refine import lookup
from assistant.refine.lookup import find_claim


def claim(m: JourneyMap, cid: str) -> Claim:
    return find_claim(m, cid)[2]


def revalidate(m: JourneyMap, units) -> None:
    JourneyMap.model_validate(m.model_dump(), context={"units": units})


def test_rename_claim_keeps_everything_else_and_records_the_edit(jm, units):
    out = apply_edits(jm, [RenameEdit(target="pp-purchase-1", new="Card payment fails")], units, author="maya")
    revalidate(out, units)
    assert claim(out, "pp-purchase-1").text == "Card payment fails"
    assert claim(out, "pp-purchase-1").origin == "manual"
    assert claim(out, "pp-purchase-1").evidence == claim(jm, "pp-purchase-1").evidence
    assert (out.version, out.parent_version, out.author) == (2, 1, "maya")
    assert out.edits == [{"op": "rename", "target": "pp-purchase-1", "new": "Card payment fails",
                          "summary": "rename pp-purchase-1 to 'Card payment fails'"}]
    assert out.created_at > jm.created_at
    assert claim(jm, "pp-purchase-1").text == "Checkout fails at payment"  # input untouched


def test_rename_persona_by_id_and_by_name_and_stage(jm, units):
    out = apply_edits(jm, [RenameEdit(target="persona-1", new="Size-anxious shopper"),
                           RenameEdit(target="Fast mobile buyer", new="App loyalist"),
                           RenameEdit(target="delivery", new="shipping")], units)
    assert [p.name for p in out.personas] == ["Size-anxious shopper", "App loyalist"]
    assert [s.name for s in out.stages] == ["consideration", "purchase", "shipping"]
    assert [d.name for d in out.stage_set.stages] == ["consideration", "purchase", "shipping"]


def test_rewrite_claim_and_opportunity(jm, units):
    out = apply_edits(jm, [RewriteEdit(claim_id="dl-delivery-1", text="Next-day delivery delights"),
                           RewriteEdit(claim_id="op-purchase-1", text="How might we make payment reliable?")], units)
    assert claim(out, "dl-delivery-1").text == "Next-day delivery delights"
    assert out.stages[1].opportunities[0].text == "How might we make payment reliable?"


def test_merge_unions_evidence_and_units_and_recomputes_prevalence(jm, units):
    out = apply_edits(jm, [MergeClaimsEdit(claim_ids=["pp-purchase-1", "pp-delivery-1"], text="Orders go wrong")], units)
    revalidate(out, units)
    merged = claim(out, "pp-purchase-1")
    assert merged.text == "Orders go wrong"
    assert len(merged.evidence) == 4
    assert set(merged.unit_ids) == set(claim(jm, "pp-purchase-1").unit_ids) | set(claim(jm, "pp-delivery-1").unit_ids)
    # units r1, r2, r4 and r1 again: 4 units, 3 distinct respondents
    assert (merged.prevalence.units, merged.prevalence.respondents) == (4, 3)
    assert "pp-delivery-1" not in [c.id for _, c in out.all_claims()]


def test_merge_repoints_opportunities_to_the_kept_claim(jm, units):
    out = apply_edits(jm, [MergeClaimsEdit(claim_ids=["pp-delivery-1", "pp-purchase-1"])], units)
    assert out.stages[1].opportunities[0].addresses == ["pp-delivery-1"]
    assert claim(out, "pp-delivery-1").text == "Tracking does not reflect where the parcel is"


def test_split_claim_by_evidence_groups(jm, units):
    out = apply_edits(jm, [SplitClaimEdit(claim_id="pp-purchase-1", groups=[[0], [1]],
                                          texts=["Checkout crashes", "Promo codes do not apply"])], units)
    revalidate(out, units)
    lane = out.stages[1].pain_points
    assert [c.text for c in lane] == ["Checkout crashes", "Promo codes do not apply"]
    assert lane[0].id == "pp-purchase-1" and lane[1].id != "pp-purchase-1"
    assert [len(c.evidence) for c in lane] == [1, 1]
    assert [(c.prevalence.units, c.prevalence.respondents) for c in lane] == [(1, 1), (1, 1)]


def test_split_claim_refuses_groups_that_do_not_cover_the_evidence(jm, units):
    with pytest.raises(EditRefusedError, match="pp-purchase-1.*exactly once"):
        apply_edits(jm, [SplitClaimEdit(claim_id="pp-purchase-1", groups=[[0], [0]])], units)


def test_delete_claim_drops_opportunities_that_address_only_it(jm, units):
    out = apply_edits(jm, [DeleteEdit(target="pp-purchase-1")], units)
    revalidate(out, units)
    assert "pp-purchase-1" not in [c.id for _, c in out.all_claims()]
    assert out.stages[1].opportunities == []


def test_delete_opportunity_and_persona(jm, units):
    out = apply_edits(jm, [DeleteEdit(target="op-purchase-1"), DeleteEdit(target="persona-1")], units)
    assert out.stages[1].opportunities == []
    assert [p.id for p in out.personas] == ["persona-2"]


def test_delete_one_quote_recomputes_prevalence(jm, units):
    out = apply_edits(jm, [DeleteEdit(target="pp-delivery-1", evidence_index=1)], units)
    pain = claim(out, "pp-delivery-1")
    assert [e.quote for e in pain.evidence] == ["the tracking page never updated"]
    assert (pain.prevalence.units, pain.prevalence.respondents) == (1, 1)


def test_deleting_the_only_evidence_of_an_observed_claim_is_refused(jm, units):
    with pytest.raises(EditRefusedError, match="claim 'pp-consideration-1' \\(observed\\) would be left without evidence"):
        apply_edits(jm, [DeleteEdit(target="pp-consideration-1", evidence_index=0)], units)


def test_made_up_ids_are_refused_with_the_closest_ids(jm, units):
    with pytest.raises(EditRefusedError, match="no claim 'pp-purchase-9' in the map; closest: pp-purchase-1"):
        apply_edits(jm, [MergeClaimsEdit(claim_ids=["pp-delivery-1", "pp-purchase-9"])], units)
    with pytest.raises(EditRefusedError, match="no id or stage name 'ghost' in the map and none is spelled like it; the map has"):
        apply_edits(jm, [RenameEdit(target="ghost", new="x")], units)
    with pytest.raises(EditRefusedError, match="no claim, opportunity or persona 'ghost'"):
        apply_edits(jm, [DeleteEdit(target="ghost")], units)
    with pytest.raises(EditRefusedError, match="cannot move the quote: no claim 'pp-delivery-7' in the map; closest: pp-delivery-1"):
        apply_edits(jm, [MoveEdit(target="pp-purchase-1", destination="pp-delivery-7", evidence_index=0)], units)


def test_an_unknown_id_in_a_large_map_lists_the_closest_ids_not_all_of_them():
    ids = [f"{lane}-{stage}-{n}" for lane in ("tp", "pp", "dl") for stage in ("awareness", "purchase", "delivery")
           for n in range(1, 40)]
    message = lookup.unknown("claim", "pp-purchase-40", ids)
    assert message.startswith("no claim 'pp-purchase-40' in the map; closest: pp-purchase-4")
    assert len(message.split(", ")) <= 5 and "tp-awareness-1" not in message
    assert "Payment" in lookup.unknown("claim", "Payment", ids) and "e.g. tp-awareness-1" in lookup.unknown("claim", "Payment", ids)


def test_move_claim_to_another_stage_and_to_a_persona_lane(jm, units):
    out = apply_edits(jm, [MoveEdit(target="pp-purchase-1", destination="delivery.pain_points"),
                           MoveEdit(target="dl-purchase-1", destination="persona-2.motivations")], units)
    revalidate(out, units)
    assert [c.id for c in out.stages[2].pain_points] == ["pp-delivery-1", "pp-purchase-1"]
    assert out.stages[1].pain_points == [] and out.stages[1].delights == []
    assert [c.id for c in out.personas[1].motivations] == ["dl-purchase-1"]


def test_move_to_a_stage_that_does_not_exist_is_refused(jm, units):
    with pytest.raises(EditRefusedError, match="no lane 'checkout.pain_points'.*purchase.pain_points"):
        apply_edits(jm, [MoveEdit(target="pp-purchase-1", destination="checkout.pain_points")], units)
    with pytest.raises(EditRefusedError, match="no lane 'purchase.frustrations'"):
        apply_edits(jm, [MoveEdit(target="pp-purchase-1", destination="purchase.frustrations")], units)


def test_move_one_quote_to_another_claim(jm, units):
    out = apply_edits(jm, [MoveEdit(target="pp-purchase-1", evidence_index=1, destination="pp-delivery-1")], units)
    revalidate(out, units)
    source, dest = claim(out, "pp-purchase-1"), claim(out, "pp-delivery-1")
    assert [e.quote for e in source.evidence] == ["The checkout kept crashing"]
    assert dest.evidence[-1].quote == "Promo code FREESHIP never applied"
    assert (source.prevalence.units, dest.prevalence.units, dest.prevalence.respondents) == (1, 3, 3)


def test_moving_the_last_quote_away_is_refused(jm, units):
    with pytest.raises(EditRefusedError, match="'dl-delivery-1'.*without evidence"):
        apply_edits(jm, [MoveEdit(target="dl-delivery-1", evidence_index=0, destination="pp-delivery-1")], units)


def test_add_claim_builds_verbatim_evidence_from_units(jm, units, unit_list):
    crash, promo = unit_list[0], unit_list[1]
    out = apply_edits(jm, [AddClaimEdit(location="purchase.pain_points", text="Payment errors at checkout",
                                        unit_ids=[crash.id, promo.id], quotes=["kept crashing", None])], units)
    revalidate(out, units)
    added = out.stages[1].pain_points[-1]
    assert added.id == "pp-purchase-2" and added.origin == "manual" and added.kind == "observed"
    assert [e.quote for e in added.evidence] == ["kept crashing", promo.text]
    assert added.evidence[0] == Evidence.from_unit(crash, "kept crashing")
    assert (added.prevalence.units, added.prevalence.respondents) == (2, 2)


def test_add_claim_refuses_unknown_units_and_non_verbatim_quotes(jm, units, unit_list):
    with pytest.raises(EditRefusedError, match="unit 'u_doesnotexist' does not exist"):
        apply_edits(jm, [AddClaimEdit(location="purchase.pain_points", text="x", unit_ids=["u_doesnotexist"])], units)
    with pytest.raises(EditRefusedError, match=f"not verbatim in unit '{unit_list[0].id}'"):
        apply_edits(jm, [AddClaimEdit(location="purchase.pain_points", text="x", unit_ids=[unit_list[0].id],
                                      quotes=["the checkout exploded"])], units)


def test_add_claim_refuses_interviewer_turns(jm, units, unit_list):
    asked = unit_list[6].model_copy(update={"speaker_role": "interviewer"})
    with pytest.raises(EditRefusedError, match="interviewer turn"):
        apply_edits(jm, [AddClaimEdit(location="consideration.goals", text="x", unit_ids=[asked.id])],
                    {**units, asked.id: asked})


def test_a_claim_citing_a_unit_missing_from_the_corpus_is_refused(jm, units):
    bad = jm.model_copy(deep=True)
    bad.stages[0].pain_points[0].unit_ids.append("u_ghost")
    with pytest.raises(EditRefusedError, match="'pp-consideration-1'.*u_ghost"):
        apply_edits(bad, [RenameEdit(target="purchase", new="checkout")], units)


def test_regenerate_uses_the_callers_callback(jm, units, unit_list):
    asked = []

    def regenerate(location: str) -> list[Claim]:
        asked.append(location)
        return [Claim(id="pp-delivery-9", text="Parcels go missing", kind="observed",
                      evidence=[Evidence.from_unit(unit_list[5], "nothing arrived")], unit_ids=[unit_list[5].id])]

    out = apply_edits(jm, [RegenerateEdit(location="delivery.pain_points")], units, regenerate=regenerate)
    assert asked == ["stages.delivery.pain_points"]
    assert [c.id for c in out.stages[2].pain_points] == ["pp-delivery-9"]
    assert out.stages[2].pain_points[0].prevalence.units == 1
    with pytest.raises(EditRefusedError, match="needs a regenerate"):
        apply_edits(jm, [RegenerateEdit(location="delivery.pain_points")], units)


def test_regenerated_claims_with_made_up_quotes_are_refused(jm, units, unit_list):
    def liar(location: str) -> list[dict]:
        return [{"id": "pp-x", "text": "x", "kind": "observed", "unit_ids": [unit_list[5].id],
                 "evidence": [{"unit_id": unit_list[5].id, "quote": "it was stolen", "start": 0, "end": 13}]}]

    with pytest.raises(EditRefusedError, match="not verbatim"):
        apply_edits(jm, [RegenerateEdit(location="delivery.pain_points")], units, regenerate=liar)


def test_batch_is_all_or_nothing_and_names_the_failing_edit(jm, units):
    with pytest.raises(EditRefusedError, match="edit 2 \\(delete ghost\\) refused"):
        apply_edits(jm, [RenameEdit(target="pp-purchase-1", new="x"), DeleteEdit(target="ghost")], units)
    assert claim(jm, "pp-purchase-1").text == "Checkout fails at payment"


def test_edits_parse_from_dicts_and_reject_unknown_fields(jm, units):
    out = apply_edits(jm, [{"op": "rewrite", "claim_id": "gl-purchase-1", "text": "Pay fast"}], units)
    assert claim(out, "gl-purchase-1").text == "Pay fast"
    with pytest.raises(EditRefusedError, match="valid ops"):
        parse_edit({"op": "rewrite", "claim_id": "gl-purchase-1", "text": "x", "colour": "red"})
    with pytest.raises(EditRefusedError, match="valid ops"):
        parse_edit({"op": "explode"})


def test_prevalence_is_recomputed_from_unit_ids(jm, units, unit_list):
    stale = jm.model_copy(deep=True)
    stale.stages[2].pain_points[0].prevalence.units = 99
    out = apply_edits(stale, [RenameEdit(target="persona-1", new="x")], units)
    assert (claim(out, "pp-delivery-1").prevalence.units, claim(out, "pp-delivery-1").prevalence.respondents) == (2, 2)
