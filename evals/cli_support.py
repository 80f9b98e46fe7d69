"""The function behind `journey eval`: run suites, render the report, record history, gate on thresholds.

Exit codes: 0 = every gated metric passed (or the suite was skipped and nothing was gated),
1 = the gate failed, 2 = a usage problem (unknown suite, bad --fail-under, missing gold).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

from assistant.errors import ConfigError, JourneyError
from assistant.models import FeedbackUnit, JourneyMap
from evals.core import SuiteReport
from evals.report import append_history, gate, gate_basis, parse_fail_under, render

SUITES = ("grounding", "support-judge", "accuracy", "chat", "benchmarks")
_DEFAULT = object()


def _embedder(embedder: Any) -> Any:
    """The given embedder; by default the local MiniLM, or None (embedding metrics skip) when it is not installed."""
    if embedder is not _DEFAULT:
        return embedder
    try:
        from vectorstore.embedders import default_embedder

        return default_embedder()
    except JourneyError:
        return None


def _gold(gold: Path | str | None) -> dict:
    from evals.gold import load_gold, load_gold_dir

    if gold is None:
        return {}
    path = Path(gold)
    if path.is_dir():
        return load_gold_dir(path)
    found = load_gold(path)
    return {found.kind: found}


def _need_map(journey_map: Optional[JourneyMap], suite: str) -> JourneyMap:
    if journey_map is None:
        raise ConfigError(f"the {suite} suite scores a map: pass --map MAP_ID (list maps with `journey stats`)")
    return journey_map


def run_suites(journey_map: Optional[JourneyMap], units: Mapping[str, FeedbackUnit], suites: Sequence[str],
               gold: Path | str | None = None, *, embedder: Any = _DEFAULT, judge: Optional[Callable] = None,
               answer: Optional[Callable] = None, retrieve: Optional[Callable] = None,
               thresholds: Mapping[str, float] | None = None) -> list[SuiteReport]:
    """Run the named suites and return their reports."""
    unknown = [s for s in suites if s not in SUITES]
    if unknown:
        raise ConfigError(f"unknown eval suite(s) {', '.join(unknown)}; choose from: {', '.join(SUITES)}")
    gold_sets = _gold(gold)
    reports: list[SuiteReport] = []
    model = _embedder(embedder) if {"grounding", "chat"} & set(suites) else None
    for suite in suites:
        if suite == "grounding":
            from evals.grounding import run_grounding

            reports.append(run_grounding(_need_map(journey_map, suite), units, model, thresholds))
        elif suite == "support-judge":
            from evals.judge import run_support_judge

            reports.append(run_support_judge(_need_map(journey_map, suite), units, judge))
        elif suite == "accuracy":
            from evals.accuracy import run_accuracy

            labels = {k: v for k, v in gold_sets.items() if k != "questions"}
            if not labels:
                raise ConfigError("the accuracy suite needs gold labels: pass --gold FILE_OR_FOLDER (formats in evals/README.md)")
            reports.append(run_accuracy(journey_map, units, labels, retrieve=retrieve, thresholds=thresholds))
        elif suite == "chat":
            from evals.chat import run_chat_suite

            if "questions" not in gold_sets or answer is None:
                raise ConfigError("the chat suite needs a question set (--gold questions.yaml) and a chat engine to answer it")
            reports.append(run_chat_suite(gold_sets["questions"].rows, answer, units, model, thresholds))
        else:
            from evals.benchmarks import SHARED_SUITES

            reports += [runner() for runner in SHARED_SUITES.values()]
    return reports


def _with_gate(text: str, fmt: str, reports: Sequence[SuiteReport], thresholds: Mapping[str, float],
               passed: bool, failures: list[str]) -> str:
    """The report with the gate's verdict, the exit code, what decided it and what it ignored."""
    code = 0 if passed else 1
    verdict = f"Gate: {'PASSED' if passed else 'FAILED'} (exit code {code})"
    basis, ignored = gate_basis(reports, thresholds)
    if fmt == "json":
        data = json.loads(text)
        data["passed"] = passed  # the verdict the exit code gives, not "every metric at its default threshold"
        data["gate"] = {"passed": passed, "exit_code": code, "decided_by": dict(thresholds) or "default thresholds",
                        "failures": failures, "not_gated_below_default": ignored}
        return json.dumps(data, ensure_ascii=False, indent=2)
    if fmt == "html":
        e = html.escape
        items = "".join(f"<li>{e(f)}</li>" for f in failures)
        block = (f"<h2>{e(verdict)}</h2><p>Decided by {e(basis)}.</p>" + (f"<ul>{items}</ul>" if items else "")
                 + (f"<p>Not gated, below their default threshold: {e('; '.join(ignored))}</p>" if ignored else ""))
        return text.replace("</body>", block + "</body>")
    lines = [verdict, f"Decided by {basis}.", *(f"- {f}" for f in failures)]
    if ignored:
        lines.append("Not gated, below their default threshold: " + "; ".join(ignored))
    return text + "\n" + "\n".join(lines) + "\n"


def run_eval(
    journey_map: Optional[JourneyMap],
    units: Mapping[str, FeedbackUnit],
    suite: str | Sequence[str] = "grounding",
    gold: Path | str | None = None,
    fail_under: Sequence[str] | str | Mapping[str, float] | None = None,
    report_format: str = "markdown",
    history_path: Path | None = None,
    **options: Any,
) -> tuple[str, int]:
    """(report text, exit code) for `journey eval`; options go to run_suites (embedder, judge, answer, retrieve)."""
    try:
        suites = [s.strip() for s in suite.split(",")] if isinstance(suite, str) else list(suite)
        thresholds = dict(fail_under) if isinstance(fail_under, Mapping) else parse_fail_under(fail_under)
        render([], report_format)  # fail on a bad format before running anything
        reports = run_suites(journey_map, units, suites, gold, thresholds=thresholds, **options)
    except JourneyError as exc:
        return f"error: {exc}", exc.exit_code
    if history_path is not None:
        append_history(Path(history_path), reports)
    passed, failures = gate(reports, thresholds)
    text = render(reports, report_format, gated=set(thresholds) if thresholds else None)
    return _with_gate(text, report_format, reports, thresholds, passed, failures), 0 if passed else 1
