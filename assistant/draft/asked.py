"""The survey question a unit answers, and which side it asks for.

An answer to "What did you love most?" is praise even when its words read negative to a sentiment
scorer ("...sorted out my wrong item in a day and didn't make me send it back"); an answer to "What
almost stopped you from ordering?" is a complaint. The question is the answer's context.

A unit answers the question held in a question-like column of its row (long survey exports: one
row per answer, the question in a column such as `question`), or the column it came from when that
column's header is itself a question (wide exports).
"""

from __future__ import annotations

import re

from assistant.models import FeedbackUnit

QUESTION_KEY = re.compile(r"(?:.*[_ ])?(?:question|prompt)(?:[_ ](?:text|title|label))?|q", re.IGNORECASE)
PRAISE = re.compile(
    r"\b(?:lov(?:e|ed|ing)|enjoy(?:ed)?|favou?rite|best|like[ds]?(?!\s+(?:least|us|to|you)\b)|happ(?:y|iest)|pleased|delight(?:ed|ful)?"
    r"|impress(?:ed|ive)?|great(?:est)?|went\s+well)\b",
    re.IGNORECASE,
)
COMPLAINT = re.compile(
    r"\b(?:improve[ds]?|frustrat\w*|annoy\w*|disappoint\w*|dislike[ds]?|problems?|issues?|difficult\w*|hard(?:est)?|wrong"
    r"|worst|least|stop(?:ped)?|put\s+you\s+off|complain\w*|hate[ds]?|struggl\w*|concerns?|worr\w*|change|fix|better"
    r"|bad(?:ly)?|poor|fail\w*|miss(?:ing)?)\b",
    re.IGNORECASE,
)


def asked_question(unit: FeedbackUnit) -> str | None:
    """The question `unit` answers, or None when its source records none."""
    for key, value in unit.metadata.items():
        if isinstance(value, str) and value.strip() and QUESTION_KEY.fullmatch(key.strip()):
            return value.strip()
    field = (unit.locator.field or "").strip()
    return field if field.endswith("?") else None


def asked_side(question: str | None) -> int:
    """+1 for a question that asks for praise, -1 for one that asks for complaints, 0 for either or neither.

    "What did you love most?" +1; "What almost stopped you from ordering?", "What one thing should we
    improve?", "What did you like least?" and "What would you like us to change?" -1; "What did you like
    and dislike?" 0.
    """
    if not question:
        return 0
    praise, complaint = bool(PRAISE.search(question)), bool(COMPLAINT.search(question))
    return 1 if praise and not complaint else -1 if complaint and not praise else 0
