"""A model's edit proposal must answer the request: not the prompt's example, not items the request never points at."""

from __future__ import annotations

import pytest

from assistant.errors import EditRefusedError
from assistant.llm.prompts import load_prompt
from assistant.refine.proposal_checks import check_ids_fit, check_not_the_example

EXAMPLE = load_prompt("map_edit").example.output["edits"]


def _op(op: str, ids: list[str], text: str | None = None) -> dict:
    return {"op": op, "target_ids": ids, "text": text, "destination": None}


def test_the_prompts_example_on_other_ids_is_refused():
    copied = [_op("merge", ["tp-awareness-1", "tp-awareness-1"], "Slow delivery")]
    with pytest.raises(EditRefusedError, match="repeated the prompt's worked example \\(merge_claims as 'slow delivery'\\)"):
        check_not_the_example(copied, "rename pp-delivery-1 to Parcels arrive late", EXAMPLE)
    # asked for in so many words, it stands; a different edit always does
    check_not_the_example(copied, "merge the late parcel pain points as slow delivery", EXAMPLE)
    check_not_the_example([_op("merge", ["a", "b"], "Late parcels")], "merge the late parcel pain points", EXAMPLE)


def test_ids_must_be_those_the_request_names(jm):
    check_ids_fit([_op("split_persona", ["persona-2"], "age_band")], "split persona-2 by age_band", jm)
    with pytest.raises(EditRefusedError, match="LLM edit 1 \\(split_persona\\) targets persona-1 .*does not mention; "
                                               "name the items by id.*/merge <id> <id> as <text>"):
        check_ids_fit([_op("split_persona", ["persona-1"], "age_band")], "split persona-2 by age_band", jm)


def test_without_ids_a_target_must_share_a_word_with_the_request(jm):
    delivery_pain = jm.stages[2].pain_points[0]
    check_ids_fit([_op("rename", [delivery_pain.id], "Late")], "rename the delivery pain point to Late", jm)
    with pytest.raises(EditRefusedError, match=f"targets {jm.stages[1].touchpoints[0].id} \\[.*touchpoint \\(stage purchase\\)\\]"):
        check_ids_fit([_op("merge", [jm.stages[1].touchpoints[0].id, delivery_pain.id])], "merge the delivery complaints", jm)
