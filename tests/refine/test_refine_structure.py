"""Stage and persona edits: add, remove, reorder stages; merge and split personas."""

from __future__ import annotations

import pytest

from assistant.errors import EditRefusedError
from assistant.models import EmotionSummary, JourneyMap
from assistant.refine import (
    AddStageEdit, MergePersonasEdit, MoveEdit, RemoveStageEdit, RenameEdit, ReorderStagesEdit, SplitPersonaEdit,
    apply_edits,
)
from assistant.refine.structure import combine_emotions


def names(m: JourneyMap) -> list[str]:
    return [s.name for s in m.stages]


def test_add_stage_at_a_position_then_fill_it(jm, units):
    out = apply_edits(jm, [AddStageEdit(name="returns", description="sending items back"),
                           AddStageEdit(name="awareness", position=0),
                           MoveEdit(target="pp-delivery-1", destination="returns.pain_points")], units)
    JourneyMap.model_validate(out.model_dump(), context={"units": units})
    assert names(out) == ["awareness", "consideration", "purchase", "delivery", "returns"]
    assert [s.order for s in out.stages] == [0, 1, 2, 3, 4]
    assert [d.name for d in out.stage_set.stages] == names(out)
    assert [c.id for c in out.stages[4].pain_points] == ["pp-delivery-1"]


def test_add_stage_refuses_a_duplicate_name(jm, units):
    with pytest.raises(EditRefusedError, match="a stage named 'Purchase' already exists"):
        apply_edits(jm, [AddStageEdit(name="Purchase")], units)


def test_remove_stage_moving_its_claims(jm, units):
    out = apply_edits(jm, [RemoveStageEdit(name="purchase", move_claims_to="delivery")], units)
    assert names(out) == ["consideration", "delivery"]
    delivery = out.stages[1]
    assert [c.id for c in delivery.pain_points] == ["pp-delivery-1", "pp-purchase-1"]
    assert [o.id for o in delivery.opportunities] == ["op-purchase-1"]
    assert [s.order for s in out.stages] == [0, 1]


def test_remove_stage_without_destination_deletes_its_content(jm, units):
    out = apply_edits(jm, [RemoveStageEdit(name="purchase")], units)
    ids = [c.id for _, c in out.all_claims()]
    assert "pp-purchase-1" not in ids and "tp-purchase-1" not in ids
    assert [d.name for d in out.stage_set.stages] == ["consideration", "delivery"]


def test_remove_stage_refusals(jm, units):
    with pytest.raises(EditRefusedError, match="no stage 'checkout'"):
        apply_edits(jm, [RemoveStageEdit(name="checkout")], units)
    with pytest.raises(EditRefusedError, match="only stage"):
        apply_edits(jm, [RemoveStageEdit(name="purchase"), RemoveStageEdit(name="delivery"),
                         RemoveStageEdit(name="consideration")], units)


def test_reorder_stages(jm, units):
    out = apply_edits(jm, [ReorderStagesEdit(order=["purchase", "consideration", "delivery"])], units)
    assert names(out) == ["purchase", "consideration", "delivery"]
    assert [s.order for s in out.stages] == [0, 1, 2]
    with pytest.raises(EditRefusedError, match="every stage exactly once"):
        apply_edits(jm, [ReorderStagesEdit(order=["purchase", "delivery"])], units)


def test_renaming_a_stage_renames_persona_stage_emotions(jm, units):
    jm = jm.model_copy(deep=True)
    jm.personas[0].stage_emotions = {"delivery": EmotionSummary(mean_valence=-0.5, n=2)}
    out = apply_edits(jm, [RenameEdit(target="delivery", new="shipping")], units)
    assert list(out.personas[0].stage_emotions) == ["shipping"]
    with pytest.raises(EditRefusedError, match="a stage named 'purchase' already exists"):
        apply_edits(jm, [RenameEdit(target="delivery", new="purchase")], units)


def test_merge_personas_combines_respondents_claims_and_attributes(jm, units):
    out = apply_edits(jm, [MergePersonasEdit(persona_ids=["persona-1", "persona-2"], name="All shoppers")], units)
    JourneyMap.model_validate(out.model_dump(), context={"units": units})
    assert len(out.personas) == 1
    merged = out.personas[0]
    assert (merged.id, merged.name, merged.share) == ("persona-1", "All shoppers", 1.0)
    assert merged.respondents == ["Maya", "r1", "r2", "r3", "r4", "r5"]
    assert [(a.key, a.value, a.count) for a in merged.attributes] == [("channel", "web", 2), ("channel", "app", 3)]
    assert [c.id for c in merged.frustrations] == ["fr-persona-1"] and [c.id for c in merged.goals] == ["gl-persona-2"]
    assert len(merged.representative_quotes) == 2


def test_pooled_emotion_is_n_weighted():
    pooled = combine_emotions([EmotionSummary(mean_valence=0.5, n=1), EmotionSummary(mean_valence=-0.5, n=3)])
    assert (pooled.mean_valence, pooled.n, pooled.ci_low) == (-0.25, 4, None)


def test_split_persona_by_a_respondent_attribute(jm, units):
    out = apply_edits(jm, [SplitPersonaEdit(persona_id="persona-2", attribute="age_band")], units)
    JourneyMap.model_validate(out.model_dump(), context={"units": units})
    assert [p.id for p in out.personas] == ["persona-1", "persona-2-25-34", "persona-2-35-44"]
    young, older = out.personas[1], out.personas[2]
    assert (young.respondents, older.respondents) == (["r2", "r3"], ["r4", "r5"])
    assert young.name == "Fast mobile buyer (age_band 25-34)"
    assert (young.share, older.share) == (0.3, 0.3)
    assert [(a.key, a.value, a.count) for a in young.attributes] == [("age_band", "25-34", 2)]
    # the goal is quoted from r3 only, so only the 25-34 part keeps it
    assert [c.text for c in young.goals] == ["Quick app checkout"] and older.goals == []
    assert young.goals[0].id != "gl-persona-2"
    assert [units[e.unit_id].respondent for e in older.representative_quotes] == ["r5"]


def test_split_persona_refusals(jm, units):
    with pytest.raises(EditRefusedError, match="no unit of persona 'persona-2' has metadata 'income'.*age_band"):
        apply_edits(jm, [SplitPersonaEdit(persona_id="persona-2", attribute="income")], units)
    with pytest.raises(EditRefusedError, match="every respondent of persona 'persona-1' has age_band = '18-24'"):
        apply_edits(jm, [SplitPersonaEdit(persona_id="persona-1", attribute="age_band")], units)
    with pytest.raises(EditRefusedError, match="no persona 'persona-7'"):
        apply_edits(jm, [SplitPersonaEdit(persona_id="persona-7", attribute="age_band")], units)
