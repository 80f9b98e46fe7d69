"""The one-click draft: analysis + synthesis into a verified JourneyMap."""

from assistant.draft.pipeline import PHASES, draft_map, verify

__all__ = ["PHASES", "draft_map", "verify"]
