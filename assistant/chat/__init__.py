"""Chat with the feedback corpus: cited answers, honest refusals, questions about the map."""

from assistant.chat.engine import ChatEngine
from assistant.chat.models import REFUSAL_TEXT, AnswerSentence, ChatAnswer, Citation

__all__ = ["ChatEngine", "ChatAnswer", "AnswerSentence", "Citation", "REFUSAL_TEXT"]
