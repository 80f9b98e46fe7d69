"""Refining a JourneyMap by typed edits: propose as a diff, accept as a new version, undo, redo.

    refiner = Refiner(MapStore(home / "maps"), map_id, units)
    proposal = refiner.propose([RenameEdit(target="pp-purchase-1", new="Card payment fails")])
    print(proposal.diff_text)
    refiner.accept(proposal, author="maya")
"""

from assistant.refine.apply import apply_edits, prevalence_of
from assistant.refine.diff import Change, MapDiff, diff_maps
from assistant.refine.edits import (
    EDIT_OPS, AddClaimEdit, AddStageEdit, DeleteEdit, MapEdit, MergeClaimsEdit, MergePersonasEdit, MoveEdit,
    RegenerateEdit, RemoveStageEdit, RenameEdit, ReorderStagesEdit, RewriteEdit, SplitClaimEdit, SplitPersonaEdit,
    parse_edit,
)
from assistant.refine.llm_ops import edits_from_llm_ops
from assistant.refine.session import Proposal, Refiner
from assistant.refine.slash import SlashCommand, SlashResult, SlashUsageError, parse_slash, run_slash

__all__ = [
    "EDIT_OPS", "AddClaimEdit", "AddStageEdit", "Change", "DeleteEdit", "MapDiff", "MapEdit", "MergeClaimsEdit",
    "MergePersonasEdit", "MoveEdit", "Proposal", "Refiner", "RegenerateEdit", "RemoveStageEdit", "RenameEdit",
    "ReorderStagesEdit", "RewriteEdit", "SlashCommand", "SlashResult", "SlashUsageError", "SplitClaimEdit",
    "SplitPersonaEdit", "apply_edits", "diff_maps", "edits_from_llm_ops", "parse_edit", "parse_slash",
    "prevalence_of", "run_slash",
]
