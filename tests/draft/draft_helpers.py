"""Shared by tests/draft, tests/chat and tests/cli: a small real workspace and a schema-aware fake model."""

from __future__ import annotations

import atexit
import html
import json
import os
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import pytest

from assistant import api
from assistant.draft import draft_map
from assistant.llm.providers import ModelHandle
from tests.llm.conftest import ScriptedChatModel

SAMPLES = Path(__file__).resolve().parents[2] / "assistant" / "samples" / "clothing"
SAMPLE_FILES = (SAMPLES / "survey" / "threadline_survey_2026.csv", SAMPLES / "interviews" / "interview_01_priya.txt")
INTERVIEW = "interview_01_priya.txt"
ENV_VARS = ("OPENAI_API_KEY", "JOURNEY_PROVIDER", "JOURNEY_LLM_BASE_URL", "JOURNEY_LLM_MODEL", "JOURNEY_LLM_API_KEY",
            "JOURNEY_HOME", "JOURNEY_CHROMA_URL")
_FEEDBACK = re.compile(r'<(?:feedback|source)[^>]*\bn="(\d+)"[^>]*>(.*?)</(?:feedback|source)>', re.S)


def clear_env(monkeypatch) -> None:
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)


@lru_cache(maxsize=1)
def pristine_workspace() -> Path:
    """Ingest the two sample files once per test process (real MiniLM embedder, embedded Chroma)."""
    from assistant import api

    saved = {v: os.environ.pop(v) for v in ENV_VARS if v in os.environ}
    try:
        root = Path(tempfile.mkdtemp(prefix="journey-pristine-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        home = root / "ws"
        report = api.ingest(list(SAMPLE_FILES), api.settings(home=home))
        assert report.failed == [] and report.units_added > 100, report
    finally:
        os.environ.update(saved)
    return home


def workspace_copy(target: Path) -> Path:
    """A private copy of the pristine workspace (tests may write maps, labels and chats into it)."""
    shutil.copytree(pristine_workspace(), target)
    return target


# --- the fake model -------------------------------------------------------------------------

def numbered_quotes(messages) -> dict[int, str]:
    """The numbered quotes of the last user message (earlier messages hold the prompt's worked example)."""
    for message in reversed(messages):
        if getattr(message, "type", "") == "human" and _FEEDBACK.search(str(message.content)):
            return {int(n): html.unescape(q) for n, q in _FEEDBACK.findall(str(message.content))}
    return {}


def words_of(text: str, n: int = 6) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z']*", text)[:n]
    return " ".join(words) if len(words) >= 2 else "customers mention " + " ".join(words)


def _theme(messages):
    quotes = numbered_quotes(messages)
    return {"title": words_of(quotes[1]), "description": "Customers describe this in their own words.",
            "sources": sorted(quotes)[:2], "insufficient_evidence": False}


def theme_groups(messages) -> list[dict[int, str]]:
    """Numbered quotes per "Theme n:" group of the last request (a theme_labels request)."""
    for message in reversed(messages):
        content = str(message.content)
        if getattr(message, "type", "") == "human" and "Theme 1:" in content:
            chunks = re.split(r"^Theme \d+:$", content, flags=re.M)[1:]
            return [{int(n): html.unescape(q) for n, q in _FEEDBACK.findall(chunk)} for chunk in chunks]
    return []


def _themes(messages):
    return {"themes": [{"title": words_of(group[min(group)]), "description": "Customers describe this in their own words.",
                        "opportunity": f"How might we improve {words_of(group[min(group)], 6)}", "sources": sorted(group)[:2],
                        "insufficient_evidence": False} for group in theme_groups(messages)]}


def _stage(messages):
    quotes = numbered_quotes(messages)
    return {"touchpoints": [{"text": words_of(quotes[1], 5), "source": 1}], "goals": [{"text": words_of(quotes[1], 7), "source": 1}]}


def _opportunity(messages):
    quotes = numbered_quotes(messages)
    return {"statements": [f"How might we fix {words_of(quotes[1], 6)}"]}


def _persona(messages):
    quotes = numbered_quotes(messages)
    point = lambda n: [{"text": words_of(quotes[n], 6), "source": n}]  # noqa: E731
    first = min(quotes)
    return {"name": "Test persona", "summary": words_of(quotes[first], 12), "goals": point(first),
            "frustrations": point(first), "motivations": point(first), "behaviours": point(first)}


def _chat(messages):
    quotes = numbered_quotes(messages)
    return {"insufficient_evidence": False, "sentences": [{"text": f"Customers said: {words_of(quotes[1], 8)}.", "citations": [1]}]}


VALID = {"ThemeLabel": _theme, "ThemeLabels": _themes, "StageDetails": _stage, "OpportunityStatements": _opportunity,
         "PersonaProfile": _persona, "ChatAnswer": _chat}


class SchemaChatModel(ScriptedChatModel):
    """Answers by the response_format schema name: responders[name](messages) -> reply; else the queue."""

    responders: dict[str, Callable[[Any], Any]] = {}
    calls: list[dict[str, Any]] = []

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        name = (kwargs.get("response_format") or {}).get("json_schema", {}).get("name")
        self.calls.append({"schema": name, "quotes": numbered_quotes(messages)})
        responder = self.responders.get(name)
        if responder is not None:
            reply = responder(messages)
            self.replies.insert(0, reply if isinstance(reply, (str, BaseException)) else json.dumps(reply))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    def schemas(self) -> list[str]:
        return [c["schema"] for c in self.calls]


def schema_handle(responders: dict[str, Callable[[Any], Any]], capable: bool = False) -> tuple[ModelHandle, SchemaChatModel]:
    chat = SchemaChatModel(responders=responders, calls=[])
    return ModelHandle("fake", "scripted-capable" if capable else "scripted", None, capable=capable, chat=chat), chat


def read_run_logs(runs_dir: Path) -> list[dict]:
    return [json.loads(line) for path in sorted(runs_dir.glob("*.jsonl")) for line in path.read_text().splitlines() if line.strip()]


def auth_error():
    """A non-retryable provider error (bad key): run_chain turns it into LLMCallError."""
    import httpx
    import openai

    response = httpx.Response(401, request=httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions"))
    return openai.AuthenticationError("invalid api key", response=response, body=None)


@pytest.fixture(scope="module")
def ws_settings(tmp_path_factory):
    """Settings for a module's own copy of the pristine workspace, with JOURNEY_* variables cleared."""
    mp = pytest.MonkeyPatch()
    clear_env(mp)
    yield api.settings(home=workspace_copy(tmp_path_factory.mktemp("ws") / "ws"))
    mp.undo()


@pytest.fixture(scope="module")
def saved_map(ws_settings):
    """An extractive map of the survey, saved as v1 in that workspace."""
    return draft_map(ws_settings, handle=None, where={"source": "threadline_survey_2026.csv"})
