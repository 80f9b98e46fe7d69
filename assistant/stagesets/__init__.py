"""Stage sets: presets shipped as YAML and a loader for custom YAML/JSON files."""

from assistant.stagesets.loader import PRESETS, list_presets, load_stage_set

__all__ = ["PRESETS", "list_presets", "load_stage_set"]
