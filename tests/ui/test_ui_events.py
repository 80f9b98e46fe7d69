"""Every event handler of the app, called over HTTP with gradio_client against a real server."""

from __future__ import annotations

from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from tests.ui.conftest import SAMPLES

MAP = "map-test"


def _rows(table: dict) -> list[list]:
    return table["data"]


def _choices(dropdown_update: dict) -> list[str]:
    return [value for _, value in dropdown_update["choices"]]


def test_stats_show_the_seeded_corpus(client):
    text, columns, picker = client.predict(api_name="/stats")
    assert "**8** units" in text and "**4** sources" in text
    assert ["m.stage_hint", 3] in _rows(columns)
    assert picker["value"] == [] and len(_choices(picker)) == 4  # nothing picked; every stored source offered


def test_ingest_uploads_reports_per_file_and_rejects_unsupported_types(client, tmp_path):
    bad = tmp_path / "notes.exe"
    bad.write_bytes(b"MZ")
    sample = SAMPLES / "interviews" / "interview_02_dean.txt"
    with pytest.raises(AppError, match="Invalid file type"):  # the file picker only takes supported types
        client.predict([handle_file(str(sample)), handle_file(str(bad))], None, api_name="/ingest")
    # a folder may hold anything: unsupported files are listed as rejected, the rest is ingested
    summary, table, stats_text, _, _ = client.predict(None, [handle_file(str(sample)), handle_file(str(bad))],
                                                   api_name="/ingest")
    rows = {row[0]: row for row in _rows(table)}
    assert rows["interview_02_dean.txt"][1] == "ok" and rows["interview_02_dean.txt"][2] > 10
    assert rows["notes.exe"][1] == "rejected" and ".csv" in rows["notes.exe"][3]
    assert "Ingested 1 of 1 file**" in summary and "**1 file not ingested**" in summary
    assert "`interview_02_dean.txt`" in stats_text


def test_ingest_with_nothing_usable_is_a_clear_error(client, tmp_path):
    bad = tmp_path / "photo.gif"
    bad.write_bytes(b"GIF89a")
    with pytest.raises(AppError, match="none of the files can be ingested.*supported types"):
        client.predict(None, [handle_file(str(bad))], api_name="/ingest")
    with pytest.raises(AppError, match="upload files or a folder first"):
        client.predict(None, None, api_name="/ingest")


def test_ingest_can_make_one_unit_per_sentence(client, tmp_path):
    reviews = tmp_path / "long-reviews.csv"
    reviews.write_text('review\n"The wrap dress is gorgeous. Sadly the zipper broke after one wear."\n', encoding="utf-8")
    _, _, stats_text, _, _ = client.predict([handle_file(str(reviews))], None, True, api_name="/ingest")
    assert "`long-reviews.csv` (2)" in stats_text  # two sentences, two units
    client.predict(["long-reviews.csv"], api_name="/remove_sources")


def test_remove_sources_takes_the_picked_sources_out_of_the_corpus(client, tmp_path):
    note = tmp_path / "superseded-export.txt"
    note.write_text("The courier left the parcel in the rain.\n\nTracking never updated after dispatch.\n", encoding="utf-8")
    _, _, stats_text, _, _ = client.predict([handle_file(str(note))], None, api_name="/ingest")
    assert "`superseded-export.txt` (2)" in stats_text
    summary, stats_text, _, picker = client.predict(["superseded-export.txt"], api_name="/remove_sources")
    assert "**Removed** `superseded-export.txt` (2 units)" in summary and "superseded-export.txt" not in stats_text
    assert "superseded-export.txt" not in _choices(picker) and "survey.csv" in _choices(picker)
    with pytest.raises(AppError, match="pick one or more sources"):
        client.predict([], api_name="/remove_sources")


def test_search_applies_key_value_filters(client):
    table = client.predict("checkout card payment", "source=survey.csv", "hybrid", 10, api_name="/search")
    rows = _rows(table)
    assert rows and {row[3] for row in rows} == {"survey.csv"}
    assert any("checkout kept crashing" in row[2] for row in rows)
    listing = client.predict("", "respondent=Maya", "hybrid", 50, api_name="/search")
    assert {row[4] for row in _rows(listing)} == {"Maya"}
    with pytest.raises(AppError, match="not key=value"):
        client.predict("checkout", "segment", "hybrid", 10, api_name="/search")


def test_map_renders_and_a_claim_opens_its_evidence_in_context(client):
    html, versions, claims, _, history = client.predict(MAP, api_name="/show_map")
    assert "Test map" in html and 'class="jm"' in html and "jm-claim" in html
    assert "pp-purchase-1" in [value for _, value in claims["choices"]]
    assert _rows(history)[0][0] == "v1"
    panel = client.predict(MAP, "current", "pp-delivery-1", api_name="/evidence")
    assert "<mark>the tracking page never updated</mark>" in panel
    assert "My parcel took 11 days and " in panel  # the text around the quote
    assert "reviews.jsonl" in panel and "respondent r4" in panel and "row 4" in panel


def test_unknown_map_is_a_typed_error_not_a_trace(client):
    with pytest.raises(AppError) as caught:
        client.predict("no-such-map", api_name="/show_map")
    assert "no map 'no-such-map'" in str(caught.value) and "Traceback" not in str(caught.value)


def test_slash_edit_is_proposed_accepted_undone_and_redone(client, ui_settings):
    from assistant import api

    before = api.load_map(ui_settings, MAP).version
    reply = client.predict("/rename pp-purchase-1 Card payment keeps failing", "", MAP, api_name="/chat")
    _, messages, _, diff = reply
    assert "renamed pain point 'Checkout fails at payment' → 'Card payment keeps failing'" in diff["value"]
    assert diff["visible"] is True and "Accept" in messages[-1]["content"][0]["text"]
    status, _ = client.predict(api_name="/accept")
    saved = int(status.split("version ")[1].split("*")[0])
    html = client.predict(MAP, api_name="/show_map")[0]
    assert "Card payment keeps failing" in html
    assert f"version {before}**" in client.predict(MAP, api_name="/undo")
    assert "Checkout fails at payment" in client.predict(MAP, api_name="/show_map")[0]
    assert f"version {saved}" in client.predict(MAP, api_name="/redo")
    diff_text = client.predict(MAP, f"v{before}", f"v{saved}", api_name="/diff")
    assert "Card payment keeps failing" in diff_text
    history = client.predict("/history", "", MAP, api_name="/chat")[1][-1]["content"][0]["text"]
    assert f"v{saved}" in history and "[current]" in history


def test_rejected_edit_cannot_be_accepted(client):
    client.predict("/delete dl-delivery-1", "", MAP, api_name="/chat")
    status, _ = client.predict(api_name="/reject")
    assert "rejected" in status
    with pytest.raises(AppError, match="no proposed edit to accept"):
        client.predict(api_name="/accept")


def test_bad_slash_command_shows_its_usage(client):
    with pytest.raises(AppError, match="usage: /merge"):
        client.predict("/merge pp-purchase-1", "", MAP, api_name="/chat")


def test_browser_sessions_do_not_share_pending_edits(server):
    alice, bob = Client(server, verbose=False), Client(server, verbose=False)
    alice.predict("/rename dl-purchase-1 Paying in the app is quick", "", MAP, api_name="/chat")
    with pytest.raises(AppError, match="no proposed edit to accept"):
        bob.predict(api_name="/accept")
    bob_messages = bob.predict("/help", "", MAP, api_name="/chat")[1]
    assert all("Paying in the app" not in str(m) for m in bob_messages)
    alice.predict(api_name="/reject")


def test_grounding_suite_scores_the_current_map(client):
    summary, scores, items = client.predict(MAP, api_name="/evals")
    assert "Grounding suite on `map-test`" in summary
    by_metric = {row[0]: row for row in _rows(scores)}
    assert by_metric["quote_verbatim_rate"][1] == 1.0 and by_metric["quote_verbatim_rate"][3] == "pass"
    assert by_metric["evidence_per_claim"][3] == "pass"
    assert all(len(row) == 4 for row in _rows(items))


@pytest.mark.parametrize("fmt", ["json", "md", "csv", "html", "png"])
def test_export_downloads_each_format(client, fmt):
    path = Path(client.predict(MAP, fmt, "v1", api_name="/export"))
    assert path.suffix == f".{fmt}" and path.name.startswith("map-test-v1")
    data = path.read_bytes()
    if fmt == "png":
        assert data.startswith(b"\x89PNG")
    else:
        assert "Checkout fails at payment" in data.decode("utf-8-sig")


def test_custom_stage_set_file_is_validated(client, tmp_path):
    good = tmp_path / "stages.yaml"
    good.write_text("name: returns\nstages:\n  - name: request\n    description: asking for a return\n"
                    "  - name: refund\n    description: getting the money back\n", encoding="utf-8")
    preview = client.predict("custom file…", handle_file(str(good)), api_name="/stage_set_preview")[1]
    assert "request → refund" in preview
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nstages: 3\n", encoding="utf-8")
    with pytest.raises(AppError):
        client.predict("custom file…", handle_file(str(broken)), api_name="/stage_set_preview")


def test_question_the_corpus_does_not_cover_is_refused_with_closest_feedback(client):
    question = "How do astronauts train for spacewalks on the space station?"
    _, messages, sources, _ = client.predict(question, "", MAP, api_name="/chat")
    assert messages[-2]["content"][0]["text"] == question
    assert "The feedback doesn't cover this." in messages[-1]["content"][0]["text"]
    assert "Closest feedback" in sources and "<blockquote>" in sources


def test_empty_question_is_an_error(client):
    with pytest.raises(AppError, match="type a question"):
        client.predict("   ", "", MAP, api_name="/chat")
