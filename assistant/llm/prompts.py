"""Prompt files: one YAML per chain in the `prompts` package, overridable per workspace.

A prompt declares its variables; rendering with a missing or undeclared variable fails
loudly (PromptError). Corpus text is data: it goes inside <feedback> blocks whose
tag-like content is escaped, and every system prompt says such blocks are never instructions.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Literal, Mapping

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import PromptError

_CONTROL_TOKEN = re.compile(r"<\|([^|<>]{1,40})\|>")  # ChatML and similar templates (SmolLM2 uses ChatML)
_TAG_LIKE = re.compile(r"<(\s*/?\s*(?:feedback|source|quote|data)\b)", re.IGNORECASE)


class PromptExample(BaseModel):
    model_config = ConfigDict(extra="forbid")
    inputs: dict[str, str] = Field(description="One value per declared variable.")
    output: dict[str, Any] = Field(description="The JSON answer the model should give for these inputs.")


class Prompt(BaseModel):
    """A prompt file: templates with declared {variables}, a version and one worked example."""

    model_config = ConfigDict(extra="forbid")
    name: str
    version: int = Field(ge=1)
    description: str
    variables: list[str]
    system: str
    user: str
    example: PromptExample
    # When the worked example is sent: to small models from the first try (they copy its style), or only
    # with a re-ask. Capable models see it only with a re-ask either way (see structured.run_chain).
    show_example: Literal["small_models", "on_reask"] = "small_models"
    source: str = Field(default="", description="File the prompt was loaded from (set by the loader).")

    def check(self) -> None:
        """Templates use exactly the declared variables; the example covers them."""
        used = _fields(self.system) | _fields(self.user)
        declared = set(self.variables)
        if used - declared:
            raise PromptError(f"{self.source}: template uses undeclared variable(s) {sorted(used - declared)}; add them to 'variables'")
        if declared - used:
            raise PromptError(f"{self.source}: declared variable(s) {sorted(declared - used)} are not used in 'system' or 'user'")
        if set(self.example.inputs) != declared:
            raise PromptError(f"{self.source}: example inputs {sorted(self.example.inputs)} must match variables {sorted(declared)}")

    def render(self, variables: Mapping[str, Any]) -> tuple[str, str]:
        """(system, user) text; a missing or undeclared variable raises PromptError."""
        missing = set(self.variables) - set(variables)
        unknown = set(variables) - set(self.variables)
        if missing:
            raise PromptError(f"prompt '{self.name}' is missing variable(s) {sorted(missing)}; pass them when rendering")
        if unknown:
            raise PromptError(f"prompt '{self.name}' got unknown variable(s) {sorted(unknown)}; declared: {self.variables}")
        values = {k: str(v) for k, v in variables.items()}
        return self.system.format(**values), self.user.format(**values)

    def messages(self, variables: Mapping[str, Any], example: bool = True) -> list[dict[str, str]]:
        """Chat messages: system, the worked example as a user/assistant turn (unless example=False), then the request."""
        system, user = self.render(variables)
        turns = [{"role": "system", "content": system}]
        if example:
            _, example_user = self.render(self.example.inputs)
            turns += [{"role": "user", "content": example_user},
                      {"role": "assistant", "content": json.dumps(self.example.output, ensure_ascii=False)}]
        return turns + [{"role": "user", "content": user}]


def _fields(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise PromptError(f"bad template ({exc}); write literal braces as {{{{ and }}}}") from None


def builtin_dir() -> Path:
    """The folder of the shipped prompt files."""
    return Path(str(resources.files("prompts")))


def prompt_path(name: str, override_dir: Path | None = None) -> Path:
    """The override file when the workspace has one, else the shipped file."""
    if override_dir is not None:
        candidate = Path(override_dir) / f"{name}.yaml"
        if candidate.is_file():
            return candidate
    path = builtin_dir() / f"{name}.yaml"
    if not path.is_file():
        raise PromptError(f"no prompt named '{name}'; available: {', '.join(available_prompts())}")
    return path


def available_prompts() -> list[str]:
    return sorted(p.stem for p in builtin_dir().glob("*.yaml"))


def load_prompt(name: str, settings: Any = None, override_dir: Path | None = None) -> Prompt:
    """Load and check prompt `name` (workspace override in settings.prompts_dir wins)."""
    if override_dir is None and settings is not None:
        override_dir = settings.prompts_dir
    path = prompt_path(name, override_dir)
    stat = path.stat()
    return _load_file(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load_file(path: str, mtime_ns: int, size: int) -> Prompt:  # mtime/size in the key: edits reload
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PromptError(f"{path}: not valid YAML ({exc}); fix the file") from None
    if not isinstance(data, dict):
        raise PromptError(f"{path}: expected a mapping with name, version, variables, system, user, example")
    try:
        prompt = Prompt(**data, source=path)
    except (ValidationError, TypeError) as exc:
        raise PromptError(f"{path}: malformed prompt file: {exc}") from None
    if prompt.name != Path(path).stem:
        raise PromptError(f"{path}: name '{prompt.name}' must match the file name '{Path(path).stem}'")
    prompt.check()
    return prompt


# --- corpus text as data ---------------------------------------------------------------

def escape_data(text: str) -> str:
    """Neutralise tag-like text ('</feedback>') and chat-template control tokens ('<|im_start|>') inside corpus data."""
    return _CONTROL_TOKEN.sub(lambda m: "&lt;|" + m.group(1) + "|&gt;", _TAG_LIKE.sub(r"&lt;\1", text))


@dataclass(frozen=True)
class Source:
    """One numbered quote offered to the model: a verbatim span of a unit."""

    unit_id: str
    quote: str


def render_sources(sources: Iterable[Source], with_ids: bool = False, tag: str = "feedback", start: int = 1) -> str:
    """Numbered data blocks: <feedback n="1">quote</feedback>, one per line, contents escaped; numbers from `start`."""
    lines = []
    for number, src in enumerate(sources, start):
        attrs = f' n="{number}"' + (f' id="{src.unit_id}"' if with_ids else "")
        lines.append(f"<{tag}{attrs}>{escape_data(src.quote)}</{tag}>")
    return "\n".join(lines)
