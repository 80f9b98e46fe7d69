"""LLM-judge mode for claim support: ALCE-style citation recall and precision.

Recall: a claim is supported when its quotes, together, entail it.
Precision: a citation is irrelevant when it does not support the claim on its own and the
claim stays supported without it (Gao et al. 2023, ALCE). Citations of unsupported claims
count as imprecise; a supported claim with one citation counts that citation as precise.

The judge is any callable ``judge(claim_text, quotes) -> bool``; the default asks the
configured chat model through prompts/judge_support.yaml (variables: claim, quotes).
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional, Sequence

from assistant.models import FeedbackUnit, JourneyMap
from evals.core import EvalResult, FailingItem, SuiteReport, timed
from evals.grounding import claim_sites

Judge = Callable[[str, Sequence[str]], bool]
JUDGE_PROMPT = "judge_support"


def format_quotes(quotes: Sequence[str]) -> str:
    """Quotes as numbered, escaped <feedback n="i"> blocks, the form the judge prompt receives."""
    from assistant.llm.prompts import Source, render_sources

    return render_sources([Source(unit_id="", quote=q) for q in quotes])


def judge_variables(claim_text: str, quotes: Sequence[str]) -> dict[str, str]:
    """The variables the judge_support prompt is rendered with."""
    return {"claim": claim_text, "quotes": format_quotes(quotes)}


def render_judge_prompt(claim_text: str, quotes: Sequence[str]) -> tuple[str, str]:
    """(system, user) text of the judge prompt for one claim."""
    from assistant.llm.prompts import load_prompt

    return load_prompt(JUDGE_PROMPT).render(judge_variables(claim_text, quotes))


def llm_judge(**chain_kwargs) -> Judge:
    """A judge backed by assistant.llm.structured.run_chain (imported on first call); kwargs go to run_chain."""

    def judge(claim_text: str, quotes: Sequence[str]) -> bool:
        from assistant.llm import structured
        from assistant.llm.outputs import SupportJudgement

        result = structured.run_chain(JUDGE_PROMPT, judge_variables(claim_text, quotes), SupportJudgement, **chain_kwargs)
        verdict = result[0] if isinstance(result, tuple) else result  # run_chain returns (output, call record)
        return bool(verdict.supported)

    return judge


class _Memo:
    """Caches judge calls on (claim, quotes) so recall and precision share answers."""

    def __init__(self, judge: Judge):
        self._judge, self._seen, self.calls = judge, {}, 0

    def __call__(self, claim: str, quotes: Sequence[str]) -> bool:
        key = (claim, tuple(quotes))
        if key not in self._seen:
            self.calls += 1
            self._seen[key] = bool(self._judge(claim, list(quotes)))
        return self._seen[key]


def citation_scores(claim_text: str, quotes: Sequence[str], judge: Judge) -> tuple[bool, list[bool]]:
    """(supported, per-citation precise flags) for one claim, ALCE rules."""
    if not quotes:
        return False, []
    supported = judge(claim_text, quotes)
    if not supported:
        return False, [False] * len(quotes)
    if len(quotes) == 1:
        return True, [True]
    precise = []
    for i, quote in enumerate(quotes):
        alone = judge(claim_text, [quote])
        rest = [q for j, q in enumerate(quotes) if j != i]
        precise.append(alone or not judge(claim_text, rest))
    return True, precise


def run_support_judge(
    journey_map: JourneyMap,
    units: Mapping[str, FeedbackUnit] | None = None,
    judge: Optional[Judge] = None,
    recall_threshold: float = 0.8,
    precision_threshold: float = 0.7,
) -> SuiteReport:
    """citation_recall and citation_precision over every claim of the map."""
    memo = _Memo(judge or llm_judge())

    def run() -> SuiteReport:
        unsupported, imprecise = [], []
        supported_count, precise_count, citations = 0, 0, 0
        claims = claim_sites(journey_map)
        for loc, claim in claims:
            quotes = [e.quote for e in claim.evidence]
            supported, precise = citation_scores(claim.text, quotes, memo)
            supported_count += supported
            precise_count += sum(precise)
            citations += len(precise)
            if not supported:
                unsupported.append(FailingItem(location=loc, reason="its quotes together do not entail the claim"))
            else:
                imprecise += [FailingItem(location=f"{loc}.evidence[{i}]", reason="irrelevant: the claim stays supported without it")
                              for i, ok in enumerate(precise) if not ok]
        recall = supported_count / len(claims) if claims else 1.0
        precision = precise_count / citations if citations else 1.0
        metrics = [
            EvalResult.measure("citation_recall", round(recall, 4), recall_threshold, n=len(claims), items=unsupported,
                               reason=f"{supported_count}/{len(claims)} claims entailed by their quotes"),
            EvalResult.measure("citation_precision", round(precision, 4), precision_threshold, n=citations, items=imprecise,
                               reason=f"{precise_count}/{citations} citations needed"),
        ]
        return SuiteReport(suite="support-judge", map_id=journey_map.id, map_version=journey_map.version,
                           metrics=metrics, info={"judge_calls": memo.calls})

    return timed(run)
