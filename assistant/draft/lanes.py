"""What a claim's evidence must show to stand in its lane.

A pain point or persona frustration quotes something negative and a delight or motivation something
positive, by the same valence and the same bars a unit passes to join a pain or delight theme
(assistant.analysis.themes). The quote is scored, not its unit: a review's mean can be negative while the
sentence quoted from it praises the fit. A goal quotes a want, a need or an intent, not a complaint about
the price ("It was £8 more than I expected.").

A survey answer to a question that asks for one side takes its lane from the question, as its theme does
(assistant.analysis.asked): an answer to "What did you love most?" is a delight or motivation unless it reads
clearly negative, and an answer to "What one thing should we improve?" or "What almost stopped you from
ordering?" is a pain point or frustration, never a delight. On the sample corpus, 26 of 302 delight quotes were
such answers ("Guest checkout please.", "Extend your sizes.") before this rule.

Every lane claim of a draft passes `LaneCheck.claim`; evidence that fails is dropped, and a claim left
without evidence is dropped with it.

The valence head reads some factual complaints as mildly positive ("Sizes run small, I had to return the
jeans." scores +0.10 with no sentiment word for VADER to weigh). So a delight or motivation quote in which
VADER finds no sentiment word must clear twice the delight bar. On the sample corpus's draft this left 12
of 244 delights without a quote: 7 were requests, complaints or neutral facts ("make sizes consistent
across your own ranges", "Decent, but the sizes are inconsistent.", an interview's header line) and 5 real
delights ("Exactly as pictured.", "Cracking shirt for the money."), a price paid for keeping the head's
misreadings out. Negative lanes keep the plain bar: there the same rule dropped real complaints ("Order
never went through.").
"""

from __future__ import annotations

import re
from typing import Callable, Mapping, Sequence

from assistant.analysis.asked import side_of_answer
from assistant.analysis.themes import NEGATIVE_BELOW, POSITIVE_ABOVE
from assistant.draft.evidence import best_sentence, sentences
from assistant.models import Claim

LANE_SIGN = {"pain_points": -1, "frustrations": -1, "delights": 1, "motivations": 1}
HEAD_ONLY_POSITIVE = 2 * POSITIVE_ABOVE  # the bar of a positive quote VADER finds no sentiment word in
# A want, need or intent that opens a clause ("I wanted to order a size 26", "..., I want to know where it came
# from"), not one inside a comparison or a relative clause ("thinner than I hoped", "just what I wanted",
# "Everything I want sells out", "For £35 I expected better").
GOAL_CUE = re.compile(
    r"(?:^|[,;:\u2014(]\s*|\b(?:and|but|so|because|just|really|honestly|all|only|now)\s+)[\"'\u201c]?"
    r"(?:I|we)(?:\s+(?:just|really|still|only|also|always))?"
    r"(?:\s+(?:want(?:ed)?|need(?:ed)?|hope[ds]?|wish(?:ed)?)\b"
    r"|(?:'d|\u2019d|\s+would)\s+(?:like|love)\b"
    r"|(?:\s+(?:was|am|were)|'m|\u2019m)\s+(?:trying|looking|hoping)\b"
    r"|\s+expect(?:ed)?\s+(?:it|them|to)\b)",
    re.IGNORECASE,
)

Scorer = Callable[[Sequence[str]], Sequence[float]]


def is_goal_like(text: str) -> bool:
    """True when `text` says what the speaker wants, needs or means to do."""
    return bool(GOAL_CUE.search(text.replace("\u2019", "'")))


class LaneCheck:
    """Checks lane claims' quotes; `score` gives texts' valences in [-1, 1] and each text is scored once.

    known: valences already computed (a unit's text -> its valence), so a quote that is a whole unit costs nothing.
    lexical: a lexicon scorer (VADER); a positive-lane quote it scores 0 must clear HEAD_ONLY_POSITIVE.
    asked: unit id -> the side its survey question makes it (+1 praise, -1 complaint; see analysis.asked.answer_side).
    """

    def __init__(self, score: Scorer, known: Mapping[str, float] | None = None, lexical: Scorer | None = None,
                 asked: Mapping[str, int] | None = None):
        self._score = score
        self._lexical = lexical
        self._asked = {unit_id: side for unit_id, side in (asked or {}).items() if side}
        self._memo: dict[str, float] = {text.strip(): float(v) for text, v in (known or {}).items()}

    def valences(self, texts: Sequence[str]) -> list[float]:
        keys = [t.strip() for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._memo))
        if missing:
            self._memo.update(zip(missing, map(float, self._score(missing))))
        return [self._memo[k] for k in keys]

    def leans(self, lane: str, quote: str, unit_id: str | None = None) -> bool:
        """True when the quote (of unit `unit_id`, when known) reads the way its lane does (lanes without a sign: always)."""
        sign = LANE_SIGN.get(lane)
        if sign is None:
            return True
        value = self.valences([quote])[0]
        asked = self._asked.get(unit_id) if unit_id is not None else None
        if asked:
            return side_of_answer(asked, value) == sign
        if sign < 0:
            return value <= NEGATIVE_BELOW
        if value >= HEAD_ONLY_POSITIVE or value < POSITIVE_ABOVE:
            return value >= POSITIVE_ABOVE
        return self._lexical is None or float(self._lexical([quote])[0]) != 0.0

    def fits(self, lane: str, quote: str, inferred: bool = False, unit_id: str | None = None) -> bool:
        """True when the quote may stand as evidence in `lane`. A goal quotes a want or need; a model-written
        (inferred) goal may also rest on a quote that is not a complaint ("I buy two dresses every spring for work")."""
        if lane == "goals":
            return is_goal_like(quote) or (inferred and self.valences([quote])[0] > NEGATIVE_BELOW)
        return self.leans(lane, quote, unit_id)

    def sentence(self, lane: str, text: str, keywords: Sequence[str] = ()) -> str:
        """The sentence of `text` to quote in `lane`: among those that lean the lane's way, the one naming most
        keywords (else, when none does, the one leaning furthest, which the lane check then weighs)."""
        candidates = [best_sentence(s) for s in sentences(text)] or [best_sentence(text)]
        sign = LANE_SIGN.get(lane)
        if sign is None or len(candidates) == 1:
            return best_sentence(text, keywords)
        values = self.valences(candidates)
        fitting = [c for c, v in zip(candidates, values) if self.leans(lane, c)]
        if not fitting:
            return max(zip(candidates, values), key=lambda cv: sign * cv[1])[0]
        lowered = [k.lower() for k in keywords if k]
        return max(fitting, key=lambda s: sum(k in s.lower() for k in lowered))

    def claim(self, lane: str, claim: Claim) -> Claim | None:
        """`claim` with only the evidence that fits its lane; None when none does."""
        kept = [e for e in claim.evidence if self.fits(lane, e.quote, inferred=claim.kind == "inferred", unit_id=e.unit_id)]
        if not kept:
            return None
        return claim if len(kept) == len(claim.evidence) else claim.model_copy(update={"evidence": kept})
