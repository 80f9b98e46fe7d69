"""Which questions are follow-ups that borrow the previous question's topic for retrieval.

Only a question that cannot stand alone is rewritten with history:
- it opens with a connective ("and what about delivery?", "but the app?", "what else ...?"), or
- it names no topic of its own ("why?", "what do they say about it?", "any examples?").
A question with its own topic words stands alone even when it starts with "why" or says "they"
("why do people complain about the £2.50 return fee?"), and nothing is borrowed from a question
that was refused: its topic is not in the feedback.
"""

from __future__ import annotations

import re

from assistant.chat.gate import topic_words
from assistant.chat.history import Turn
from assistant.chat.models import REFUSAL_TEXT

CONNECTIVE = re.compile(r"^\W*(and|but|also|plus|what about|how about|what else|same for|and what about)\b", re.I)
MAX_FOLLOW_UP_WORDS = 12  # a longer question states its own topic


def is_follow_up(question: str) -> bool:
    if len(question.split()) > MAX_FOLLOW_UP_WORDS:
        return False
    return bool(CONNECTIVE.match(question)) or not topic_words(question)


def previous_topic(turns: list[Turn]) -> str | None:
    """The retrieval query of the last exchange, or None when there is none or it was refused."""
    users = [i for i, t in enumerate(turns) if t.role == "user"]
    if not users:
        return None
    last = users[-1]
    reply = turns[last + 1] if last + 1 < len(turns) else None
    if reply is not None and reply.role == "assistant" and reply.text.startswith(REFUSAL_TEXT):
        return None
    return turns[last].query or turns[last].text


def standalone_query(question: str, turns: list[Turn]) -> str:
    """The question, prefixed with the previous topic when it is a follow-up."""
    topic = previous_topic(turns) if is_follow_up(question) else None
    return f"{topic} {question}" if topic else question
