"""Gold-data loaders. Formats are documented in evals/README.md; the kind of a file is read from its fields."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Union

import yaml
from pydantic import AliasChoices, Field, ValidationError, model_validator

from assistant.errors import ConfigError
from assistant.models import FeedbackUnit
from evals.core import Case, Dataset, Strict


class _Labelled(Strict):
    unit_id: Optional[str] = Field(default=None, description="Id of the labelled unit.")
    text: Optional[str] = Field(default=None, description="Text of the labelled unit, when the id is not known.")

    @model_validator(mode="after")
    def _has_key(self):
        if not self.unit_id and not self.text:
            raise ValueError("each label row needs unit_id or text")
        return self


class StageLabel(_Labelled):
    stage: str


class EmotionLabel(_Labelled):
    emotion: str


class ValenceLabel(_Labelled):
    valence: float = Field(ge=-1, le=1, description="Gold sentiment, -1..1.")


class ClusterLabel(_Labelled):
    cluster: str = Field(validation_alias=AliasChoices("cluster", "theme"))


class Qrel(Strict):
    query: str
    unit_id: str
    relevance: float = Field(ge=0, description="0 = not relevant; higher = more relevant (graded).")


class Question(Strict):
    question: str
    answerable: bool
    supporting_unit_ids: list[str] = Field(default_factory=list)
    id: Optional[str] = None


GoldRow = Union[StageLabel, EmotionLabel, ValenceLabel, ClusterLabel, Qrel, Question]
KINDS: dict[str, tuple[str, type]] = {  # kind -> (field that identifies it, row model)
    "stage": ("stage", StageLabel),
    "emotion": ("emotion", EmotionLabel),
    "valence": ("valence", ValenceLabel),
    "cluster": ("cluster", ClusterLabel),
    "qrels": ("relevance", Qrel),
    "questions": ("question", Question),
}


@dataclass
class GoldSet:
    """Typed rows of one gold file."""

    kind: str
    rows: list
    source: str = ""

    def to_dataset(self) -> Dataset:
        """The same gold as pydantic-evals-style cases (inputs / expected)."""
        field_name = KINDS[self.kind][0]
        cases = []
        for i, row in enumerate(self.rows):
            data = row.model_dump(exclude_none=True)
            if self.kind == "questions":
                expected = {"answerable": data.pop("answerable"), "supporting_unit_ids": data.pop("supporting_unit_ids")}
                cases.append(Case(name=data.pop("id", None) or f"q{i + 1}", inputs=data, expected=expected))
            else:
                cases.append(Case(name=f"{self.kind}-{i + 1}", inputs={k: v for k, v in data.items() if k != field_name}, expected=data[field_name]))
        return Dataset(name=Path(self.source).stem or self.kind, kind=self.kind, cases=cases)

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> "GoldSet":
        if dataset.kind not in KINDS:
            raise ConfigError(f"dataset kind '{dataset.kind}' is not a gold kind; use one of: {', '.join(KINDS)}")
        field_name, model = KINDS[dataset.kind]
        rows = []
        for case in dataset.cases:
            extra = case.expected if dataset.kind == "questions" else {field_name: case.expected}
            rows.append(model.model_validate({**case.inputs, **extra, **({"id": case.name} if dataset.kind == "questions" else {})}))
        return cls(dataset.kind, rows, dataset.name)


def detect_kind(row: Mapping) -> str:
    """The gold kind a row belongs to, from its fields."""
    for kind, (field_name, _) in KINDS.items():
        if field_name in row or (kind == "cluster" and "theme" in row):
            return kind
    raise ConfigError(f"cannot tell what gold row {dict(row)!r} labels; use one of the formats in evals/README.md "
                      f"(fields: {', '.join(f for f, _ in KINDS.values())})")


def parse_rows(raw: list[Mapping], source: str = "", kind: str | None = None) -> GoldSet:
    """Validate raw rows into a GoldSet; errors name the row."""
    if not raw:
        raise ConfigError(f"{source or 'gold data'} has no rows")
    kind = kind or detect_kind(raw[0])
    model = KINDS[kind][1]
    rows = []
    for i, item in enumerate(raw, start=1):
        try:
            rows.append(model.model_validate(item))
        except ValidationError as exc:
            raise ConfigError(f"{source} row {i}: {exc.errors()[0]['msg']} (expected a {kind} row; see evals/README.md)") from None
    return GoldSet(kind, rows, source)


def load_gold(path: Path | str, kind: str | None = None) -> GoldSet:
    """Read a gold file: JSONL (one row per line), JSON list, YAML list, or a Dataset in YAML/JSONL."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"gold file {path} does not exist; pass a path to a .jsonl/.yaml file (formats in evals/README.md)")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        raw = [json.loads(line) for line in text.splitlines() if line.strip()]
        if raw and "dataset" in raw[0]:
            return GoldSet.from_dataset(Dataset.from_jsonl(text))
    else:
        raw = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        if isinstance(raw, dict) and "cases" in raw:
            return GoldSet.from_dataset(Dataset.model_validate(raw))
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: expected a list of rows (or a dataset with 'cases')")
    return parse_rows(raw, str(path), kind)


def load_gold_dir(folder: Path | str) -> dict[str, GoldSet]:
    """Every gold file in a folder, keyed by kind (one file per kind)."""
    found: dict[str, GoldSet] = {}
    for path in sorted(Path(folder).iterdir()):
        if path.suffix in {".jsonl", ".json", ".yaml", ".yml"}:
            gold = load_gold(path)
            if gold.kind in found:
                raise ConfigError(f"two {gold.kind} gold files in {folder}: {found[gold.kind].source} and {path}; keep one")
            found[gold.kind] = gold
    return found


def resolve_units(rows: list, units: Mapping[str, FeedbackUnit]) -> list[Optional[str]]:
    """The unit id of each label row: its unit_id if known, else the unit with exactly that (stripped) text."""
    by_text: dict[str, str] = {}
    for unit in units.values():
        by_text.setdefault(unit.text.strip(), unit.id)
    out = []
    for row in rows:
        if row.unit_id and row.unit_id in units:
            out.append(row.unit_id)
        else:
            out.append(by_text.get((row.text or "").strip()))
    return out
