"""Eval building blocks: results, suite reports, cases and datasets that round-trip to YAML/JSONL."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Literal, Optional, Protocol, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import ConfigError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FailingItem(Strict):
    """One thing that failed a metric, and where it sits."""

    location: str = Field(description="Dotted path in the map (e.g. 'stages.purchase.pain_points.pp-1.evidence[0]') or an id.")
    reason: str = Field(description="Why it failed, in words a researcher can act on.")
    value: Optional[float] = Field(default=None, description="The per-item measurement, when there is one.")


class EvalResult(Strict):
    """One metric: its value, its threshold, pass/fail and the failing items."""

    name: str
    score: Union[bool, float, None] = Field(description="The metric value; None when the metric could not be computed (see reason).")
    threshold: Optional[float] = Field(default=None, description="Floor (or ceiling when higher_is_better is false) the score is held to.")
    higher_is_better: bool = True
    passed: Optional[bool] = Field(default=None, description="None = skipped / not applicable.")
    reason: str = ""
    n: int = Field(default=0, ge=0, description="How many things were checked.")
    items: list[FailingItem] = Field(default_factory=list)

    @classmethod
    def measure(cls, name: str, score: float, threshold: float, *, higher_is_better: bool = True,
                reason: str = "", n: int = 0, items: list[FailingItem] | None = None) -> "EvalResult":
        """A result whose pass/fail is the score held against the threshold."""
        passed = score >= threshold if higher_is_better else score <= threshold
        return cls(name=name, score=score, threshold=threshold, higher_is_better=higher_is_better,
                   passed=bool(passed), reason=reason, n=n, items=items or [])

    @classmethod
    def skip(cls, name: str, reason: str) -> "EvalResult":
        return cls(name=name, score=None, passed=None, reason=reason)

    @property
    def value(self) -> float | None:
        """The score as a float (bools become 1.0/0.0)."""
        return None if self.score is None else float(self.score)

    def locations(self) -> list[str]:
        return [item.location for item in self.items]


class SuiteReport(Strict):
    """The outcome of one suite run over one map (or one data set)."""

    suite: str
    run_id: str = Field(default_factory=lambda: time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 1_000_000:06d}")
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    map_id: Optional[str] = None
    map_version: Optional[int] = None
    metrics: list[EvalResult] = Field(default_factory=list)
    skipped: Optional[str] = Field(default=None, description="Why the whole suite did not run (e.g. data folder absent).")
    duration_s: float = 0.0
    info: dict[str, Any] = Field(default_factory=dict, description="Counts and settings behind the numbers.")

    @property
    def passed(self) -> bool:
        """True when no metric failed (skipped metrics do not fail a report)."""
        return all(m.passed is not False for m in self.metrics)

    def metric(self, name: str) -> EvalResult:
        for result in self.metrics:
            if result.name == name:
                return result
        raise KeyError(f"no metric '{name}' in suite '{self.suite}'; have: {', '.join(self.names())}")

    def names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def values(self) -> dict[str, float | None]:
        return {m.name: m.value for m in self.metrics}


class Evaluator(Protocol):
    """A small check: one name, a default threshold, one evaluate(ctx) method."""

    name: str
    threshold: float

    def evaluate(self, ctx: Any) -> EvalResult: ...


def run_evaluators(evaluators: list[Evaluator], ctx: Any) -> list[EvalResult]:
    """Run each evaluator on ctx in order."""
    return [evaluator.evaluate(ctx) for evaluator in evaluators]


def timed(fn: Callable[[], SuiteReport]) -> SuiteReport:
    """Run fn and store its wall time on the report."""
    start = time.perf_counter()
    report = fn()
    report.duration_s = round(time.perf_counter() - start, 3)
    return report


class Case(Strict):
    """One eval case: inputs, the expected output and free metadata."""

    name: Optional[str] = None
    inputs: dict[str, Any]
    expected: Any = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class Dataset(Strict):
    """A named list of cases that round-trips to YAML and JSONL."""

    name: str = "dataset"
    kind: Literal["stage", "emotion", "valence", "cluster", "qrels", "questions", "other"] = "other"
    cases: list[Case] = Field(default_factory=list)

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json"), sort_keys=False, allow_unicode=True)

    @classmethod
    def from_yaml(cls, text: str) -> "Dataset":
        return cls.model_validate(yaml.safe_load(text))

    def to_jsonl(self) -> str:
        """One case per line; the first line is a header with name and kind."""
        header = json.dumps({"dataset": self.name, "kind": self.kind})
        return "\n".join([header] + [c.model_dump_json() for c in self.cases]) + "\n"

    @classmethod
    def from_jsonl(cls, text: str) -> "Dataset":
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        if not lines or "dataset" not in lines[0]:
            raise ConfigError("a dataset JSONL starts with a header line {\"dataset\": NAME, \"kind\": KIND}")
        header = lines[0]
        return cls(name=header["dataset"], kind=header.get("kind", "other"), cases=[Case.model_validate(r) for r in lines[1:]])

    def save(self, path: Path) -> None:
        path.write_text(self.to_jsonl() if path.suffix == ".jsonl" else self.to_yaml(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Dataset":
        text = path.read_text(encoding="utf-8")
        return cls.from_jsonl(text) if path.suffix == ".jsonl" else cls.from_yaml(text)
