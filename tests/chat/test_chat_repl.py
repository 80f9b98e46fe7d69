"""`journey chat` end to end through its real entry point, with scripted stdin and the scripted fake model:
a cited answer, an honest refusal, a slash edit and an edit in words saved as v2 and v3, /undo back
to v2, /history and /diff, and the version files on disk."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.mapstore import MapStore
from tests.draft.draft_helpers import VALID, schema_handle

ANSWERABLE = "What do customers say about the free delivery threshold?"
OFF_TOPIC = "What is the capital of Peru?"


@pytest.fixture
def fake_model(monkeypatch):
    """Every model the chat asks for is the scripted one; MapEdits renames whatever the test puts in `edit`."""
    edit: dict = {}
    responders = {**VALID, "MapEdits": lambda messages: {"edits": [edit]}}
    handle, chat = schema_handle(responders)
    monkeypatch.setattr("assistant.llm.providers.model_handle", lambda settings: handle)
    return edit, chat


def claim_text(journey_map, claim_id: str) -> str:
    return next(c.text for _, c in journey_map.all_claims() if c.id == claim_id)


def test_chat_answers_refuses_edits_and_undoes(ws_settings, saved_map, fake_model):
    edit, chat = fake_model
    first, second = [c for s in saved_map.stages for c in s.pain_points][:2]
    # were the model asked, it would copy its prompt's example, as the default small model did
    edit.update({"op": "merge", "target_ids": [first.id, first.id], "text": "Slow delivery", "destination": None})
    script = [
        ANSWERABLE,
        OFF_TOPIC,
        f"/rename {first.id} Delivery costs put new customers off",
        "/accept",
        f"rename {second.id} to Checkout crashes empty the basket",
        "/accept",
        "/undo",
        "/history",
        "/diff v2 v3",
        "/quit",
    ]
    result = CliRunner().invoke(app, ["chat", "--session", "repl-test", "--workspace", str(ws_settings.home)],
                                input="\n".join(script) + "\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # one reply per input line, after each prompt; the console wraps long lines
    _help, answer, refusal, proposed, saved_v2, requested, saved_v3, undone, history, diff, _ = (
        " ".join(reply.split()) for reply in result.stdout.split("you>"))

    assert "/merge <id> <id> [...] [as <text>] e.g. /merge pp-purchase-1 pp-purchase-2 as Checkout fails" in _help

    # a cited answer from the corpus, then an honest refusal with no model call
    assert chat.schemas()[0] == "ChatAnswer" and chat.schemas().count("ChatAnswer") == 1
    assert re.search(r"^Customers said: .+ \[1\] \[1\] \".+\" \(threadline_survey_2026\.csv, TL-\d+, row \d+\)$", answer), answer
    assert refusal.startswith("The feedback doesn't cover this. Closest feedback found:"), refusal

    # two accepted edits, the second from a request in words; it names its id, so no model is asked; then /undo
    assert "Delivery costs put new customers off" in proposed and saved_v2 == "saved as v2"
    assert "MapEdits" not in chat.schemas()
    assert "Checkout crashes empty the basket" in requested and saved_v3 == "saved as v3"
    assert undone == f"undo: map '{saved_map.id}' is now at version 2"
    assert re.search(r"^v1 .* v2 ← v1 .*rename .*Delivery costs put new customers off' \[current\] v3 ← v2 .*rename ", history), history
    assert diff.startswith(f"--- {saved_map.id} v2 +++ {saved_map.id} v3") and "→ 'Checkout crashes empty the basket'" in diff

    # what is on disk: three immutable versions, HEAD at v2 with v3 to redo
    maps = MapStore(ws_settings.maps_dir)
    folder = ws_settings.maps_dir / saved_map.id
    assert sorted(p.name for p in folder.glob("v*.json")) == ["v1.json", "v2.json", "v3.json"]
    assert json.loads((folder / "HEAD.json").read_text()) == {"current": 2, "redo": [3]}
    v1, v2, v3 = (maps.load(saved_map.id, n) for n in (1, 2, 3))
    assert claim_text(v1, first.id) == first.text and claim_text(v1, second.id) == second.text
    assert claim_text(v2, first.id) == "Delivery costs put new customers off" and claim_text(v2, second.id) == second.text
    assert claim_text(v3, first.id) == "Delivery costs put new customers off"
    assert claim_text(v3, second.id) == "Checkout crashes empty the basket"
    assert maps.load(saved_map.id).version == 2

    # the conversation is kept in the session's history
    history = (ws_settings.home / "chats").glob("repl-test*")
    assert any(ANSWERABLE in p.read_text() for p in history)


def test_chat_warns_when_the_model_fails_and_quotes_instead(ws_settings, saved_map, monkeypatch):
    from tests.draft.draft_helpers import auth_error

    handle, _ = schema_handle({"ChatAnswer": lambda messages: auth_error()})
    monkeypatch.setattr("assistant.llm.providers.model_handle", lambda settings: handle)
    result = CliRunner().invoke(app, ["chat", "--session", "repl-fail", "--workspace", str(ws_settings.home)],
                                input=ANSWERABLE + "\n/quit\n", catch_exceptions=False)
    answer = " ".join(result.stdout.split("you>")[1].split())
    assert result.exit_code == 0 and answer.startswith("\u201c"), answer  # the customers' quotes
    assert "warning: the model call failed (" in answer and "AuthenticationError" in answer
    assert "the answer quotes the feedback instead (origin: extractive)" in answer


def test_ask_warns_on_stderr_when_the_model_fails(ws_settings, saved_map, monkeypatch):
    from tests.draft.draft_helpers import auth_error

    handle, _ = schema_handle({"ChatAnswer": lambda messages: auth_error()})
    monkeypatch.setattr("assistant.llm.providers.model_handle", lambda settings: handle)
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(app, ["ask", ANSWERABLE, "--session", "ask-fail", "--workspace", str(ws_settings.home), *extra],
                                    catch_exceptions=False)
        assert result.exit_code == 0
        warning = [line for line in result.stderr.splitlines() if line.startswith("warning: the model call failed")]
        assert len(warning) == 1 and warning[0].endswith("the answer quotes the feedback instead (origin: extractive)")
        assert "warning" not in result.stdout
    assert json.loads(result.stdout)["fallback_reason"].startswith("the model call failed")
