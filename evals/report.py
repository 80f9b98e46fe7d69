"""Report writers (markdown, html, json), the run history (runs/evals.jsonl), compare and the CI gate."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Collection, Iterable, Mapping, Optional, Sequence, Union

from assistant.errors import ConfigError
from evals.core import EvalResult, Strict, SuiteReport

FORMATS = ("markdown", "html", "json")
MAX_ITEMS_SHOWN = 20


def _fmt(value: float | bool | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:.4g}"


def _status(result: EvalResult, gated: Optional[Collection[str]] = None) -> str:
    status = {True: "pass", False: "FAIL", None: "skip"}[result.passed]
    return status + " (not gated)" if gated is not None and result.passed is False and result.name not in gated else status


def suite_status(report: SuiteReport, gated: Optional[Collection[str]] = None) -> str:
    """The verdict line of one suite, agreeing with the gate: over every metric, or over the gated ones only.

    gated: the metrics named with --fail-under (None: no --fail-under, every metric's default threshold gates)."""
    if gated is None:
        return "PASSED" if report.passed else "FAILED"
    mine = [m for m in report.metrics if m.name in gated]
    status = ("gated metrics PASSED" if all(m.passed for m in mine) else "gated metrics FAILED") if mine else "no gated metric"
    below = [m.name for m in report.metrics if m.name not in gated and m.passed is False]
    return status + (f" · not gated, below the default threshold: {', '.join(below)}" if below else "")


def _bound(result: EvalResult) -> str:
    if result.threshold is None:
        return "–"
    return ("≥ " if result.higher_is_better else "≤ ") + _fmt(result.threshold)


def to_markdown(reports: Sequence[SuiteReport], gated: Optional[Collection[str]] = None) -> str:
    """A markdown report: one table per suite, then the failing items of each failed metric (see suite_status for gated)."""
    lines: list[str] = []
    for report in reports:
        title = f"## {report.suite}" + (f" · {report.map_id} v{report.map_version}" if report.map_id else "")
        lines += [title, ""]
        if report.skipped:
            lines += [f"Skipped: {report.skipped}", ""]
            continue
        lines += [f"Run `{report.run_id}` · {report.duration_s:.2f} s · {suite_status(report, gated)}", "",
                  "| metric | value | threshold | status | detail |", "|---|---|---|---|---|"]
        for m in report.metrics:
            detail = m.reason.replace("|", "\\|")
            lines.append(f"| {m.name} | {_fmt(m.score)} | {_bound(m)} | {_status(m, gated)} | {detail} |")
        for m in report.metrics:
            if m.passed is False and m.items:
                lines += ["", f"### {m.name}: failing items ({len(m.items)})", ""]
                lines += [f"- `{i.location}`: {i.reason}" for i in m.items[:MAX_ITEMS_SHOWN]]
                if len(m.items) > MAX_ITEMS_SHOWN:
                    lines.append(f"- … {len(m.items) - MAX_ITEMS_SHOWN} more (see the json report)")
        lines.append("")
    return "\n".join(lines)


_CSS = ("body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}.FAIL{color:#b00020;font-weight:600}"
        ".pass{color:#1b5e20}.skip{color:#777}code{background:#f4f4f4}")


def to_html(reports: Sequence[SuiteReport], gated: Optional[Collection[str]] = None) -> str:
    """A self-contained HTML page (inline CSS, no scripts); every value from the map is escaped."""
    e = html.escape
    body = []
    for report in reports:
        heading = report.suite + (f" · {report.map_id} v{report.map_version}" if report.map_id else "")
        body.append(f"<h2>{e(heading)}</h2>")
        if report.skipped:
            body.append(f"<p class=skip>Skipped: {e(report.skipped)}</p>")
            continue
        status = suite_status(report, gated)
        body.append(f"<p>Run <code>{e(report.run_id)}</code> · {report.duration_s:.2f} s · "
                    f"<span class={'FAIL' if 'FAILED' in status else 'pass'}>{e(status)}</span></p>")
        rows = "".join(f"<tr><td>{e(m.name)}</td><td>{e(_fmt(m.score))}</td><td>{e(_bound(m))}</td>"
                       f"<td class={_status(m)}>{e(_status(m, gated))}</td><td>{e(m.reason)}</td></tr>" for m in report.metrics)
        body.append(f"<table><tr><th>metric</th><th>value</th><th>threshold</th><th>status</th><th>detail</th></tr>{rows}</table>")
        for m in report.metrics:
            if m.passed is False and m.items:
                items = "".join(f"<li><code>{e(i.location)}</code>: {e(i.reason)}</li>" for i in m.items[:MAX_ITEMS_SHOWN])
                more = f"<li>… {len(m.items) - MAX_ITEMS_SHOWN} more</li>" if len(m.items) > MAX_ITEMS_SHOWN else ""
                body.append(f"<h3>{e(m.name)}: failing items ({len(m.items)})</h3><ul>{items}{more}</ul>")
    return ("<!doctype html><html><head><meta charset=utf-8><title>Journey eval report</title>"
            f"<style>{_CSS}</style></head><body><h1>Eval report</h1>{''.join(body)}</body></html>")


def to_json(reports: Sequence[SuiteReport]) -> str:
    return json.dumps({"passed": all(r.passed for r in reports), "reports": [r.model_dump(mode="json") for r in reports]},
                      ensure_ascii=False, indent=2)


def render(reports: Sequence[SuiteReport], fmt: str = "markdown", gated: Optional[Collection[str]] = None) -> str:
    """The report in `fmt`; `gated` names the --fail-under metrics, so verdicts match the gate."""
    writers = {"markdown": to_markdown, "md": to_markdown, "html": to_html}
    if fmt == "json":
        return to_json(list(reports))
    if fmt not in writers:
        raise ConfigError(f"unknown report format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    return writers[fmt](list(reports), gated)


class HistoryRecord(Strict):
    """One line of runs/evals.jsonl."""

    run_id: str
    created_at: str
    map_id: str | None = None
    map_version: int | None = None
    suite: str
    passed: bool
    skipped: str | None = None
    metrics: dict[str, float | None]


def history_record(report: SuiteReport) -> HistoryRecord:
    return HistoryRecord(run_id=report.run_id, created_at=report.created_at.isoformat(), map_id=report.map_id,
                         map_version=report.map_version, suite=report.suite, passed=report.passed,
                         skipped=report.skipped, metrics=report.values())


def append_history(path: Path, reports: Iterable[SuiteReport]) -> list[HistoryRecord]:
    """Append one record per report to the history file (e.g. $JOURNEY_HOME/runs/evals.jsonl)."""
    records = [history_record(r) for r in reports]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        for record in records:
            handle.write(record.model_dump_json() + "\n")
    return records


def load_history(path: Path) -> list[HistoryRecord]:
    if not path.is_file():
        return []
    return [HistoryRecord.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class MetricDelta(Strict):
    suite: str
    metric: str
    a: float | None
    b: float | None
    delta: float | None


RunRef = Union[str, SuiteReport, HistoryRecord]


def _records(ref: RunRef, history: Sequence[HistoryRecord]) -> list[HistoryRecord]:
    if isinstance(ref, SuiteReport):
        return [history_record(ref)]
    if isinstance(ref, HistoryRecord):
        return [ref]
    found = [r for r in history if r.run_id == ref]
    if not found:
        raise ConfigError(f"no eval run '{ref}' in the history; list the recorded runs with `journey eval --history`")
    return found


def compare(run_a: RunRef, run_b: RunRef, history_path: Path | None = None) -> list[MetricDelta]:
    """Metric deltas (b - a) for every (suite, metric) in either run; runs are ids, reports or records."""
    history = load_history(history_path) if history_path else []
    a = {(r.suite, k): v for r in _records(run_a, history) for k, v in r.metrics.items()}
    b = {(r.suite, k): v for r in _records(run_b, history) for k, v in r.metrics.items()}
    out = []
    for key in list(dict.fromkeys([*a, *b])):
        va, vb = a.get(key), b.get(key)
        delta = None if va is None or vb is None else round(vb - va, 6)
        out.append(MetricDelta(suite=key[0], metric=key[1], a=va, b=vb, delta=delta))
    return out


def compare_markdown(deltas: Sequence[MetricDelta], run_a: str, run_b: str) -> str:
    """The deltas of `compare` as a markdown table, one row per (suite, metric)."""
    lines = [f"Compare `{run_a}` (A) with `{run_b}` (B)", "", "| suite | metric | A | B | B − A |", "|---|---|---|---|---|"]
    for d in deltas:
        delta = "–" if d.delta is None else ("0" if d.delta == 0 else f"{d.delta:+.4g}")
        lines.append(f"| {d.suite} | {d.metric} | {_fmt(d.a)} | {_fmt(d.b)} | {delta} |")
    return "\n".join(lines)


def history_markdown(records: Sequence[HistoryRecord], last: int = 20) -> str:
    """The most recent `last` runs of the history as a markdown table, oldest first."""
    if not records:
        return "No eval runs recorded yet; `journey eval` records each run."
    shown = list(records)[-last:]
    lines = ([f"Last {len(shown)} of {len(records)} eval runs (compare two with --compare RUN_A --compare RUN_B)", ""]
             if len(records) > len(shown) else [f"{len(records)} eval run(s) (compare two with --compare RUN_A --compare RUN_B)", ""])
    lines += ["| run | created | suite | map | result (default thresholds) |", "|---|---|---|---|---|"]
    for r in shown:
        where = f"{r.map_id} v{r.map_version}" if r.map_id else "–"
        result = f"skipped: {r.skipped}" if r.skipped else ("passed" if r.passed else "failed")
        lines.append(f"| {r.run_id} | {r.created_at[:19].replace('T', ' ')} | {r.suite} | {where} | {result} |")
    return "\n".join(lines)


def parse_fail_under(specs: Iterable[str] | str | None) -> dict[str, float]:
    """{'metric': value} from ['metric=value', ...] or 'a=0.9,b=1'; bad specs raise ConfigError naming the fix."""
    if not specs:
        return {}
    if isinstance(specs, str):
        specs = [specs]
    out: dict[str, float] = {}
    for spec in (part.strip() for chunk in specs for part in chunk.split(",")):
        if not spec:
            continue
        name, sep, value = spec.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise ConfigError(f"bad --fail-under '{spec}'; write METRIC=VALUE, e.g. --fail-under quote_verbatim_rate=1.0") from None
    return out


def gate(report: SuiteReport | Sequence[SuiteReport], thresholds: Mapping[str, float]) -> tuple[bool, list[str]]:
    """(passed, failures). With thresholds: each named metric must reach its value (a ceiling for
    lower-is-better metrics); without: every metric must pass its own default threshold."""
    reports = [report] if isinstance(report, SuiteReport) else list(report)
    metrics = {m.name: (r, m) for r in reports for m in r.metrics}
    failures = []
    if not thresholds:
        failures = [f"{r.suite}.{m.name} = {_fmt(m.score)} (needs {_bound(m)})" for r, m in metrics.values() if m.passed is False]
        return not failures, failures
    for name, bound in thresholds.items():
        if name not in metrics:
            skipped = "; ".join(f"{r.suite} skipped: {r.skipped}" for r in reports if r.skipped)
            failures.append(f"{name}: not in the report (have: {', '.join(metrics) or 'none'})" + (f"; {skipped}" if skipped else ""))
            continue
        suite, m = metrics[name]
        if m.value is None:
            failures.append(f"{name}: skipped ({m.reason})")
        elif (m.value < bound) if m.higher_is_better else (m.value > bound):
            failures.append(f"{name} = {_fmt(m.value)} ({'<' if m.higher_is_better else '>'} {_fmt(bound)})")
    return not failures, failures


def gate_basis(reports: Sequence[SuiteReport], thresholds: Mapping[str, float]) -> tuple[str, list[str]]:
    """(which checks decide the exit code, metrics below their default threshold that the gate ignores)."""
    if not thresholds:
        return "every metric against its default threshold (gate on chosen metrics with --fail-under METRIC=VALUE)", []
    lower_better = {m.name for r in reports for m in r.metrics if not m.higher_is_better}
    bounds = ", ".join(f"{name} {'≤' if name in lower_better else '≥'} {_fmt(value)}" for name, value in thresholds.items())
    ignored = [f"{r.suite}.{m.name} = {_fmt(m.score)} (default needs {_bound(m)})"
               for r in reports for m in r.metrics if m.name not in thresholds and m.passed is False]
    return f"--fail-under {bounds} only; the other metrics are reported, not gated", ignored
