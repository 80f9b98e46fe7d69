"""Load a stage set by preset name (b2c, saas, support, education) or from a YAML/JSON file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from assistant.errors import ConfigError
from assistant.models import StageSet

PRESET_DIR = Path(__file__).resolve().parent / "presets"
PRESETS = ("b2c", "saas", "support", "education")
MAX_EXAMPLES = 5


def list_presets() -> list[str]:
    """Names of the shipped presets."""
    return list(PRESETS)


def load_stage_set(name_or_path: str | Path) -> StageSet:
    """A preset by name, or a custom stage set from a .yaml/.yml/.json file."""
    if isinstance(name_or_path, str) and name_or_path in PRESETS:
        return _from_file(PRESET_DIR / f"{name_or_path}.yaml")
    path = Path(name_or_path)
    if not path.is_file():
        raise ConfigError(
            f"stage set '{name_or_path}' is neither a preset ({', '.join(PRESETS)}) nor a file; "
            "pass a preset name or the path of a YAML/JSON file with name and stages"
        )
    return _from_file(path)


def _from_file(path: Path) -> StageSet:
    data = _read(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level must be a mapping with 'stages' (and 'name'); fix the file")
    # the BANKING77-style map carries extra keys (intent_to_stage); only name and stages matter
    payload = {"name": data.get("name") or path.stem, "stages": data.get("stages")}
    if payload["stages"] is None:
        raise ConfigError(f"{path}: field 'stages' is missing; add a list of {{name, description, examples}}")
    try:
        stage_set = StageSet.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: field '{where}': {first['msg']}; fix that field in the file") from exc
    _check(path, stage_set)
    return stage_set


def _read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: not valid {path.suffix.lstrip('.').upper() or 'YAML'} ({exc}); fix the syntax") from exc


def _check(path: Path, stage_set: StageSet) -> None:
    seen: set[str] = set()
    for i, stage in enumerate(stage_set.stages):
        if stage.name in seen:
            raise ConfigError(f"{path}: field 'stages.{i}.name': duplicate stage name '{stage.name}'; names must be unique")
        seen.add(stage.name)
        if len(stage.examples) > MAX_EXAMPLES:
            raise ConfigError(
                f"{path}: field 'stages.{i}.examples': {len(stage.examples)} examples for '{stage.name}'; keep at most {MAX_EXAMPLES}"
            )
