"""The chat tab says when an answer quotes the feedback because the model failed."""

from __future__ import annotations

from assistant.chat.models import AnswerSentence, ChatAnswer
from ui.chat_render import answer_markdown


def test_fallback_answer_carries_the_warning():
    answer = ChatAnswer(question="q", standalone_query="q", origin="extractive", fallback_reason="the model call failed (timeout)",
                        sentences=[AnswerSentence(text="\u201cRefunds are slow.\u201d", citations=[1], supported=True)])
    assert "the model call failed (timeout); the answer quotes the feedback instead" in answer_markdown(answer)
    assert "quotes the feedback instead" not in answer_markdown(answer.model_copy(update={"fallback_reason": None}))
