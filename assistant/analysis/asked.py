"""The survey question a unit answers, which side it asks for, and which side that makes the answer.

An answer to "What did you love most?" is praise even when its words read negative to a sentiment
scorer ("The customer service lady on email sorted out my wrong item in a day and didn't make me send
it back": head -0.28, VADER -0.48). An answer to "What one thing should we improve?" or "What almost
stopped you from ordering?" is a complaint, a barrier or a request, and requests read as praise to
both scorers ("A gift receipt without prices would be nice so they can swap sizes.": +0.47, +0.69).
So a one-sided question decides its answers' side (`answer_side`), with one exception measured on the
sample corpus: an answer to a praise question that reads clearly negative ("Nothing, the delivery was
a disaster and nobody answered.", -0.60) is a complaint. An answer that dismisses its question
("Nothing, ...", "N/A", "Not really") takes no side from it and is read by its valence alone.

A unit answers the question held in a question-like column of its row (long survey exports: one
row per answer, the question in a column such as `question`), or the column it came from when that
column's header is itself a question (wide exports).
"""

from __future__ import annotations

import re

from assistant.models import FeedbackUnit

CLEARLY_NEGATIVE = -0.4  # valence at which an answer to a praise question is a complaint after all
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


DISMISSAL = re.compile(
    r"^\W*(?:(?:honestly|tbh|um+|well|erm|hmm+)\W+)*(?:nothing|none|nope|no|n/?a|not\s+really|not\s+sure|nah|idk|can'?t\s+think)"
    r"(?=\s*(?:[,.!;:?\-\u2014]|$|(?:really|tbh|honestly|at\s+all|else|much)\b))",
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


def dismisses(answer: str) -> bool:
    """True when the answer turns its question down: "Nothing, it was fine", "N/A", "Not really." (not "No guest checkout")."""
    return bool(DISMISSAL.match(answer.replace("\u2019", "'")))


def answer_side(unit: FeedbackUnit) -> int:
    """The side the unit's question asks for (see asked_side), or 0 when there is none or the answer dismisses it."""
    side = asked_side(asked_question(unit))
    return 0 if side and dismisses(unit.text) else side


def side_of_answer(side: int, valence: float) -> int:
    """-1 (complaint) or +1 (praise) for an answer to a question that asks for `side` (not 0), with the valence it reads at."""
    return -1 if side < 0 or valence <= CLEARLY_NEGATIVE else 1
