"""Report writers (markdown, html, json), the run history (runs/evals.jsonl), compare and the CI gate."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Iterable, Mapping, Sequence, Union

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


def _status(result: EvalResult) -> str:
    return {True: "pass", False: "FAIL", None: "skip"}[result.passed]


def _bound(result: EvalResult) -> str:
    if result.threshold is None:
        return "–"
    return ("≥ " if result.higher_is_better else "≤ ") + _fmt(result.threshold)


def to_markdown(reports: Sequence[SuiteReport]) -> str:
    """A markdown report: one table per suite, then the failing items of each failed metric."""
    lines: list[str] = []
    for report in reports:
        title = f"## {report.suite}" + (f" · {report.map_id} v{report.map_version}" if report.map_id else "")
        lines += [title, ""]
        if report.skipped:
            lines += [f"Skipped: {report.skipped}", ""]
            continue
        lines += [f"Run `{report.run_id}` · {report.duration_s:.2f} s · {'PASSED' if report.passed else 'FAILED'}", "",
                  "| metric | value | threshold | status | detail |", "|---|---|---|---|---|"]
        for m in report.metrics:
            detail = m.reason.replace("|", "\\|")
            lines.append(f"| {m.name} | {_fmt(m.score)} | {_bound(m)} | {_status(m)} | {detail} |")
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


def to_html(reports: Sequence[SuiteReport]) -> str:
    """A self-contained HTML page (inline CSS, no scripts); every value from the map is escaped."""
    e = html.escape
    body = []
    for report in reports:
        heading = report.suite + (f" · {report.map_id} v{report.map_version}" if report.map_id else "")
        body.append(f"<h2>{e(heading)}</h2>")
        if report.skipped:
            body.append(f"<p class=skip>Skipped: {e(report.skipped)}</p>")
            continue
        body.append(f"<p>Run <code>{e(report.run_id)}</code> · {report.duration_s:.2f} s · "
                    f"<span class={'pass' if report.passed else 'FAIL'}>{'PASSED' if report.passed else 'FAILED'}</span></p>")
        rows = "".join(f"<tr><td>{e(m.name)}</td><td>{e(_fmt(m.score))}</td><td>{e(_bound(m))}</td>"
                       f"<td class={_status(m)}>{_status(m)}</td><td>{e(m.reason)}</td></tr>" for m in report.metrics)
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


def render(reports: Sequence[SuiteReport], fmt: str = "markdown") -> str:
    writers = {"markdown": to_markdown, "md": to_markdown, "html": to_html, "json": to_json}
    if fmt not in writers:
        raise ConfigError(f"unknown report format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    return writers[fmt](list(reports))


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
        raise ConfigError(f"no eval run '{ref}' in the history; list runs with `journey eval --history`")
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
