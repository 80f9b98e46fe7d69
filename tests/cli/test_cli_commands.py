"""The `journey` CLI on a real workspace: ingest, stats, search, schema, map versions, export, eval, ask."""

from __future__ import annotations

import json
import re

import pytest

from assistant.cli import app
from tests.draft.draft_helpers import SAMPLES

SUMMARY = re.compile(r"(\d+) files? · (\d+) units? added · \d+ removed · \d+ unchanged · (\d+) failed")


def run(runner, *args):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_ingest_prints_a_summary(runner, tmp_path):
    ws = tmp_path / "ws"
    result = run(runner, "ingest", SAMPLES / "interviews" / "interview_01_priya.txt", "--workspace", ws)
    assert result.exit_code == 0, result.output
    files, added, failed = map(int, SUMMARY.search(result.stdout).groups())
    assert (files, failed) == (1, 0) and added > 10
    assert result.stdout.startswith("1 file · ")  # counts of one are singular
    again = run(runner, "ingest", SAMPLES / "interviews" / "interview_01_priya.txt", "--workspace", ws)
    assert again.exit_code == 0 and " 0 units added" in again.stdout


def test_ingest_with_a_bad_file_exits_1_and_names_it(runner, tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"this is not a spreadsheet \x00\x01\x02")
    good = tmp_path / "good.txt"
    good.write_text("The parcel arrived late and the box was crushed.\n\nCheckout was quick on my phone.\n", encoding="utf-8")
    result = run(runner, "ingest", bad, good, "--workspace", tmp_path / "ws")
    assert result.exit_code == 1, result.output
    assert re.search(r"failed:.*broken\.xlsx", result.stderr.replace("\n", " "))
    files, added, failed = map(int, SUMMARY.search(result.stdout).groups())
    assert failed == 1 and added >= 1


def test_ingest_prints_the_repairs_it_made_as_warnings(runner, tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text('id,answer\n1,"Checkout crashed on PayPal"\n2,\n3,"Refund was quick",extra\n', encoding="utf-8")
    result = run(runner, "ingest", survey, "--text-column", "answer", "--workspace", tmp_path / "ws")
    assert result.exit_code == 0, result.output
    warnings = " ".join(result.stderr.split())  # rich wraps long lines
    assert re.search(r"warning: .*survey\.csv: 1 row\(s\) had more cells than the header; extra cells dropped", warnings)
    assert re.search(r"warning: .*survey\.csv: 1 record\(s\) with an empty 'answer' field skipped", warnings)
    assert int(SUMMARY.search(result.stdout).group(2)) == 2


def test_remove_checks_every_name_first_then_removes_the_sources(runner, tmp_path):
    ws = tmp_path / "ws"
    interview = SAMPLES / "interviews" / "interview_01_priya.txt"
    assert run(runner, "ingest", interview, "--workspace", ws).exit_code == 0
    typo = run(runner, "remove", "interview_01_priya.txt", "interview_1_priya.txt", "--workspace", ws)
    assert typo.exit_code == 1
    assert "nothing was removed" in typo.stderr and "did you mean 'interview_01_priya.txt'" in typo.stderr.replace("\n", "")
    removed = run(runner, "remove", "interview_01_priya.txt", "--workspace", ws)
    assert removed.exit_code == 0, removed.output
    units = int(re.search(r"removed interview_01_priya\.txt: (\d+) units", removed.stdout).group(1))
    assert units > 10 and json.loads(run(runner, "stats", "--json", "--workspace", ws).stdout)["units"] == 0
    again = run(runner, "ingest", interview, "--workspace", ws)  # its fingerprint went too: ingested afresh
    assert int(SUMMARY.search(again.stdout).group(2)) == units


def test_one_file_is_one_source_however_it_is_passed_and_remove_takes_paths(runner, tmp_path, monkeypatch):
    ws, folder = tmp_path / "ws", tmp_path / "mixed"
    folder.mkdir()
    (folder / "b.csv").write_text("answer\nThe parcel came torn.\nSizes ran small.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(runner, "ingest", "mixed", "--workspace", ws).exit_code == 0
    again = run(runner, "ingest", "./mixed/b.csv", "--workspace", ws)
    assert again.exit_code == 0 and "0 units added" in again.stdout and "1 unchanged" in again.stdout
    assert json.loads(run(runner, "stats", "--json", "--workspace", ws).stdout)["sources"] == {"mixed/b.csv": 2}
    removed = run(runner, "remove", str(folder / "b.csv"), "--workspace", ws)
    assert removed.exit_code == 0 and "removed mixed/b.csv: 2 units" in removed.stdout, removed.output


def test_stats_json(runner, ws_settings):
    result = run(runner, "stats", "--json", "--workspace", ws_settings.home)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["units"] == 192 and data["dimension"] == 384
    assert set(data["sources"]) == {"threadline_survey_2026.csv", "interview_01_priya.txt"}


def test_stats_lists_sources_and_columns_as_tables_capped_at_a_page(runner, ws_settings, monkeypatch):
    result = run(runner, "stats", "--workspace", ws_settings.home)
    assert result.exit_code == 0, result.output
    assert "units: 192" in result.stdout
    assert re.search(r"threadline_survey_2026\.csv\s+│\s+150 │", result.stdout)
    monkeypatch.setattr("assistant.cli.STATS_ROWS", 1)
    capped = run(runner, "stats", "--workspace", ws_settings.home).stdout
    assert "interview_01_priya.txt" in capped and "threadline_survey_2026.csv" not in capped
    assert "… 1 more: journey stats --json" in capped


def test_search_prints_a_table(runner, ws_settings):
    result = run(runner, "search", "the app crashed at payment", "-k", 3, "--workspace", ws_settings.home)
    assert result.exit_code == 0, result.output
    assert "score" in result.stdout and " id " in result.stdout and "u_" in result.stdout
    # long source names fold over lines in a narrow table; --json has them whole
    as_json = run(runner, "search", "the app crashed at payment", "-k", 3, "--json", "--workspace", ws_settings.home)
    assert any("threadline_survey_2026" in h["metadata"]["source"] for h in json.loads(as_json.stdout))
    filtered = run(runner, "search", "payment", "--where", "source=nothing.csv", "--workspace", ws_settings.home)
    assert filtered.exit_code == 1 and "no results" in filtered.stderr


def test_schema_is_json(runner):
    result = run(runner, "schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "JourneyMap" in json.dumps(schema)


def test_map_versions_edit_undo_redo(runner, ws_settings, saved_map):
    ws = ws_settings.home
    listed = run(runner, "map", "list", "--workspace", ws)
    assert listed.exit_code == 0 and f"{saved_map.id}  current v1" in listed.stdout
    claim = next(c for s in saved_map.stages for c in s.pain_points)
    edited = run(runner, "map", "edit", f"/rename {claim.id} Payment fails", "--workspace", ws)
    assert edited.exit_code == 0, edited.output
    history = run(runner, "map", "history", "--workspace", ws)
    assert history.exit_code == 0
    assert re.search(r"^\* v2 \(parent 1\)", history.stdout, re.M) and re.search(r"^  v1 ", history.stdout, re.M)
    diff = run(runner, "map", "diff", 1, 2, "--workspace", ws)
    assert diff.exit_code == 0 and "Payment fails" in diff.stdout
    undo = run(runner, "map", "undo", "--workspace", ws)
    assert undo.exit_code == 0 and "current: v1" in undo.stdout
    redo = run(runner, "map", "redo", "--workspace", ws)
    assert redo.exit_code == 0 and "current: v2" in redo.stdout
    bad = run(runner, "map", "edit", "/rename pp-nowhere-9 Nothing", "--workspace", ws)
    assert bad.exit_code != 0 and "error" in bad.stderr


def test_map_edit_in_words_usage_and_help(runner, ws_settings, saved_map):
    ws = ws_settings.home
    first, second = [c for s in saved_map.stages for c in s.pain_points][:2]
    no_as = run(runner, "map", "edit", f"/merge {first.id} {second.id} Payment fails at checkout", "--workspace", ws)
    message = " ".join(no_as.stderr.split())
    assert no_as.exit_code == 1
    assert f"put 'as' before its text: /merge {first.id} {second.id} as Payment fails at checkout" in message
    assert "usage: /merge <id> <id> [...] [as <text>]" in message  # not eaten as console markup
    typo = run(runner, "map", "edit", f"/rename {first.id}0 Payment fails", "--workspace", ws)
    assert typo.exit_code == 1 and f"closest: {first.id}" in " ".join(typo.stderr.split())
    words = run(runner, "map", "edit", f"merge {first.id} and {second.id} as Payment fails at checkout", "--workspace", ws)
    assert words.exit_code == 0, words.output
    assert "saved version" in words.stdout and "Payment fails at checkout" in words.stdout
    assert run(runner, "map", "undo", "--workspace", ws).exit_code == 0
    shown = " ".join(run(runner, "map", "edit", "--help").stdout.split())
    assert "/merge <id> <id> [...] [as <text>] e.g. /merge pp-purchase-1 pp-purchase-2 as Checkout fails" in shown
    assert "/move <claim-id> <stage-or-persona>.<lane>" in shown and "/add <stage>.<lane>" in shown


@pytest.mark.parametrize("fmt", ["json", "md", "csv", "html"])
def test_export(runner, ws_settings, saved_map, tmp_path, fmt):
    target = tmp_path / f"map.{fmt}"
    result = run(runner, "export", "--format", fmt, "-o", target, "--workspace", ws_settings.home)
    assert result.exit_code == 0, result.output
    assert target.exists() and target.stat().st_size > 100
    if fmt == "json":
        assert json.loads(target.read_text())["id"] == saved_map.id


def test_eval_grounding_gate(runner, ws_settings, saved_map):
    result = run(runner, "eval", "--suite", "grounding", "--fail-under", "quote_verbatim_rate=1.0", "--workspace", ws_settings.home)
    assert result.exit_code == 0, result.output
    assert "quote_verbatim_rate" in result.stdout
    assert "Gate: PASSED (exit code 0)\nDecided by --fail-under quote_verbatim_rate ≥ 1 only" in result.stdout


def test_eval_history_and_compare_are_readable(runner, ws_settings, saved_map):
    ws = ws_settings.home
    for _ in range(2):
        assert run(runner, "eval", "--suite", "grounding", "--workspace", ws).exit_code in (0, 1)
    listed = run(runner, "eval", "--history", "--workspace", ws)
    assert listed.exit_code == 0, listed.output
    run_ids = re.findall(r"^\| (\d{8}-\d{6}-\d{6}) \| .* \| grounding \|", listed.stdout, re.M)
    assert len(run_ids) >= 2
    compared = run(runner, "eval", "--compare", run_ids[-2], "--compare", run_ids[-1], "--workspace", ws)
    assert compared.exit_code == 0, compared.output
    assert "| suite | metric | A | B | B − A |" in compared.stdout
    assert re.search(r"^\| grounding \| quote_verbatim_rate \| 1 \| 1 \| 0 \|$", compared.stdout, re.M)
    assert "suite=" not in compared.stdout
    as_json = run(runner, "eval", "--compare", run_ids[-2], "--compare", run_ids[-1], "--report", "json", "--workspace", ws)
    assert json.loads(as_json.stdout)[0]["suite"] == "grounding"
    unknown = run(runner, "eval", "latest", "--compare", "a", "--compare", "b", "--workspace", ws)
    assert unknown.exit_code == 2 and "`journey eval --history`" in " ".join(unknown.stderr.split())


def test_ask_off_topic_exits_3_without_a_model(runner, ws_settings, saved_map):
    result = run(runner, "ask", "Who won the 1998 football world cup final?", "--session", "cli-test", "--workspace", ws_settings.home)
    assert result.exit_code == 3, result.output
    assert "The feedback doesn't cover this." in result.stdout
    as_json = run(runner, "ask", "Who won the 1998 football world cup final?", "--json", "--workspace", ws_settings.home)
    assert as_json.exit_code == 3 and json.loads(as_json.stdout)["refused"] is True


def test_missing_map_is_a_readable_error(runner, tmp_path):
    result = run(runner, "map", "history", "--workspace", tmp_path / "empty")
    assert result.exit_code != 0 and "error:" in result.stderr


def test_a_file_as_workspace_is_a_clear_error(runner, tmp_path):
    not_a_folder = tmp_path / "map.json"
    not_a_folder.write_text("{}")
    for args in (("stats",), ("ingest", SAMPLES / "interviews" / "interview_01_priya.txt")):
        result = run(runner, *args, "--workspace", not_a_folder)
        assert result.exit_code == 2, result.output
        assert f"the workspace {not_a_folder} is a file, not a folder" in " ".join(result.stderr.split())


@pytest.mark.parametrize("command", [("stats",), ("search", "checkout"), ("ask", "why?"), ("export", "latest", "-o", "x.html"),
                                     ("eval", "latest"), ("remove", "survey.csv"), ("map", "list")])
def test_commands_that_read_do_not_create_a_missing_workspace(runner, tmp_path, command):
    missing = tmp_path / "nonexistent_ws"
    result = run(runner, *command, "--workspace", missing)
    assert result.exit_code == 1, result.output
    assert f"no workspace at {missing}" in " ".join(result.stderr.split()) and not missing.exists()


def test_search_shows_unit_ids_and_filters_by_persona(runner, ws_settings, saved_map):
    persona = saved_map.personas[0]
    for value in (persona.id, persona.name):
        result = run(runner, "search", "refund", "--where", f"persona={value}", "--json", "--workspace", ws_settings.home)
        assert result.exit_code == 0, result.output
        hits = json.loads(result.stdout)
        assert hits and all(h["metadata"]["respondent"] in persona.respondents for h in hits)
    units = api_units(ws_settings)
    assert all(h["unit_id"] in units for h in hits)
    table = run(runner, "search", "refund", "-k", 2, "--workspace", ws_settings.home)
    assert hits[0]["unit_id"] in run(runner, "search", "refund", "--where", f"persona={persona.id}", "--workspace", ws_settings.home).stdout
    assert " id " in table.stdout


@pytest.mark.parametrize("args, message", [
    (["x", "--where", "foo=bar"], "unknown filter key 'foo'"),
    (["x", "--where", "persona=nobody"], "no persona 'nobody'"),
    ([""], "query is empty"),
    (["refund", "-k", "0"], "must be 1 or more"),
])
def test_search_requests_that_cannot_match_explain_why(runner, ws_settings, saved_map, args, message):
    result = run(runner, "search", *args, "--workspace", ws_settings.home)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


def api_units(settings):
    from assistant import api

    return api.units_by_id(settings)


def test_draft_estimate_follows_the_corpus_and_an_empty_one_gets_no_estimate(runner, tmp_path, monkeypatch):
    from assistant import api
    from assistant.draft import cost
    from assistant.errors import JourneyError

    def stop(*args, **kwargs):
        raise JourneyError("stopped after the estimate")

    monkeypatch.setattr(api, "draft", stop)
    (tmp_path / "empty").mkdir()
    empty = run(runner, "draft", "--workspace", tmp_path / "empty")
    assert empty.exit_code == 1 and "no feedback in scope" in empty.stderr
    assert "LLM calls" not in empty.stderr

    notes = tmp_path / "notes.txt"
    notes.write_text("The parcel arrived late.\n\nCheckout was quick.\n\nThe refund took weeks.\n", encoding="utf-8")
    assert run(runner, "ingest", notes, "--workspace", tmp_path / "ws").exit_code == 0
    small = run(runner, "draft", "--workspace", tmp_path / "ws")
    calls = int(re.search(r"up to (\d+) LLM calls", small.stderr).group(1))
    assert calls == cost.planned_calls(8, units=3, respondents=3, capable=False) < cost.planned_calls(8, capable=False)


def test_listing_units_without_a_query_resolves_filters_like_search(ws_settings, saved_map):
    from assistant import api
    from assistant.errors import SearchRequestError

    persona = saved_map.personas[0]
    units = api.list_units(ws_settings, {"persona": persona.name}, k=5)
    assert units and all(u.respondent in persona.respondents for u in units)
    with pytest.raises(SearchRequestError, match="unknown filter key 'foo'"):
        api.list_units(ws_settings, {"foo": "bar"})
