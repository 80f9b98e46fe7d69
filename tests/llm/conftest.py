"""Fakes for the LLM layer: a scripted chat model, a handle around it, a tiny corpus."""

from __future__ import annotations

import json
from typing import Any, Optional

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field, SecretStr

from assistant.config import load_settings
from assistant.llm.prompts import Source
from assistant.llm.providers import ModelHandle
from assistant.models import FeedbackUnit, Locator

FAKE_KEY = "sk-test-DO-NOT-LEAK-1234567890"


class ScriptedChatModel(BaseChatModel):
    """Replies from a queue: a str/dict is the answer, an exception is raised, an AIMessage is returned as is."""

    replies: list[Any] = Field(default_factory=list)
    history: list[dict[str, Any]] = Field(default_factory=list)
    openai_api_key: Optional[SecretStr] = None  # lets tests check that keys are scrubbed

    def enqueue(self, replies: list[Any]) -> "ScriptedChatModel":
        self.replies.extend(replies)
        return self

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.history.append({"messages": messages, "kwargs": kwargs})
        if not self.replies:
            raise AssertionError("ScriptedChatModel: no reply left in the queue")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        if not isinstance(reply, AIMessage):
            text = reply if isinstance(reply, str) else json.dumps(reply)
            reply = AIMessage(content=text, usage_metadata={"input_tokens": 50, "output_tokens": 10, "total_tokens": 60},
                              response_metadata={"finish_reason": "stop"})
        return ChatResult(generations=[ChatGeneration(message=reply)])


def make_unit(uid: str, text: str) -> FeedbackUnit:
    return FeedbackUnit(id=uid, text=text, source="survey.csv",
                        locator=Locator(kind="row", index=0, char_start=0, char_end=len(text)))


@pytest.fixture
def units() -> dict[str, FeedbackUnit]:
    texts = {
        "u_a1": "The checkout page froze twice when I entered my card details.",
        "u_b2": "Paying with PayPal kept failing on my phone.",
        "u_c3": "I gave up at checkout because the promo code would not apply.",
        "u_d4": "Delivery was quick and the parcel was well packed.",
    }
    return {uid: make_unit(uid, text) for uid, text in texts.items()}


@pytest.fixture
def sources(units) -> list[Source]:
    return [Source(uid, units[uid].text) for uid in ("u_a1", "u_b2", "u_c3")]


@pytest.fixture
def fake_chat() -> ScriptedChatModel:
    return ScriptedChatModel(openai_api_key=SecretStr(FAKE_KEY))


@pytest.fixture
def fake_handle(fake_chat) -> ModelHandle:
    return ModelHandle("fake", "scripted", None, capable=False, chat=fake_chat)


@pytest.fixture
def settings(tmp_path, monkeypatch):
    for var in ("OPENAI_API_KEY", "JOURNEY_PROVIDER", "JOURNEY_LLM_BASE_URL", "JOURNEY_LLM_MODEL", "JOURNEY_LLM_API_KEY", "JOURNEY_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken"))
    return load_settings(home=tmp_path / "ws")
