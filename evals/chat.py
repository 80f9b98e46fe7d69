"""Chat suite: citations, refusals, support and latency of corpus answers on a question set.

`answer(question)` returns any object shaped like a chat answer::

    answer.refused: bool
    answer.sentences: [ {text, citations: [ {unit_id, quote} ]} ]   (objects or dicts)
    answer.latency: float seconds (optional; measured around the call when absent)
"""

from __future__ import annotations

import time
from typing import Any, Callable, Mapping, Optional, Sequence

import numpy as np

from assistant.grounding import locate_quote
from assistant.models import FeedbackUnit
from evals.core import EvalResult, FailingItem, SuiteReport, timed
from evals.gold import Question

# cosine floor between an answer sentence and its best cited quote (see persona_checks for the scale)
SENTENCE_QUOTE_MIN_SIMILARITY = 0.35
DEFAULT_THRESHOLDS: dict[str, float] = {
    "chat_citation_validity": 1.0,
    "refusal_accuracy": 0.8,
    "false_refusal_rate": 0.2,
    "answer_support": 0.7,
    "supporting_unit_recall": 0.5,
    "latency_p50_s": 10.0,
    "latency_p95_s": 30.0,
}
LOWER_IS_BETTER = {"false_refusal_rate", "latency_p50_s", "latency_p95_s"}


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, Mapping) else getattr(obj, name, default)


def _metric(name: str, score: float, n: int, thresholds: Mapping[str, float] | None, reason: str,
            items: list[FailingItem] | None = None) -> EvalResult:
    threshold = (thresholds or {}).get(name, DEFAULT_THRESHOLDS[name])
    return EvalResult.measure(name, round(score, 4), threshold, higher_is_better=name not in LOWER_IS_BETTER,
                              n=n, reason=reason, items=items)


def _rate(good: int, total: int) -> float:
    return good / total if total else 1.0


def run_chat_suite(
    questions: Sequence[Question],
    answer: Callable[[str], Any],
    units: Mapping[str, FeedbackUnit],
    embedder: Optional[object] = None,
    thresholds: Mapping[str, float] | None = None,
) -> SuiteReport:
    """Ask every question, then score citations, refusals, support and latency."""

    def run() -> SuiteReport:
        answers, latencies = [], []
        for q in questions:
            start = time.perf_counter()
            reply = answer(q.question)
            latencies.append(float(_get(reply, "latency") or (time.perf_counter() - start)))
            answers.append(reply)
        metrics = [_citation_validity(questions, answers, units, thresholds), *_refusals(questions, answers, thresholds),
                   _answer_support(questions, answers, embedder, thresholds), _unit_recall(questions, answers, thresholds)]
        if latencies:
            metrics += [_metric("latency_p50_s", float(np.percentile(latencies, 50)), len(latencies), thresholds, "median seconds per answer"),
                        _metric("latency_p95_s", float(np.percentile(latencies, 95)), len(latencies), thresholds, "95th percentile seconds")]
        return SuiteReport(suite="chat", metrics=metrics, info={"questions": len(questions),
                                                                "answerable": sum(q.answerable for q in questions)})

    return timed(run)


def _where(i: int, q: Question) -> str:
    return f"questions[{i}]" + (f" ({q.id})" if q.id else "")


def _citations(reply: Any) -> list[tuple[int, int, Any]]:
    """(sentence index, citation index, citation) for every citation of an answer."""
    return [(s, c, cit) for s, sentence in enumerate(_get(reply, "sentences") or [])
            for c, cit in enumerate(_get(sentence, "citations") or [])]


def _citation_validity(questions, answers, units, thresholds) -> EvalResult:
    items, total = [], 0
    for i, (q, reply) in enumerate(zip(questions, answers)):
        for s, c, cit in _citations(reply):
            total += 1
            unit_id, quote = _get(cit, "unit_id"), _get(cit, "quote") or ""
            unit = units.get(unit_id)
            where = f"{_where(i, q)}.sentences[{s}].citations[{c}]"
            if unit is None:
                items.append(FailingItem(location=where, reason=f"unit id '{unit_id}' does not exist in the corpus"))
            elif locate_quote(unit.text, quote) is None:
                items.append(FailingItem(location=where, reason=f"quote {quote[:60]!r} is not verbatim in unit '{unit_id}'"))
    return _metric("chat_citation_validity", _rate(total - len(items), total), total, thresholds,
                   f"{total - len(items)}/{total} citations exist and quote verbatim", items)


def _refusals(questions, answers, thresholds) -> list[EvalResult]:
    unanswerable = [(i, q, r) for i, (q, r) in enumerate(zip(questions, answers)) if not q.answerable]
    answerable = [(i, q, r) for i, (q, r) in enumerate(zip(questions, answers)) if q.answerable]
    missed = [FailingItem(location=_where(i, q), reason="answered a question the corpus does not cover")
              for i, q, r in unanswerable if not _get(r, "refused", False)]
    false = [FailingItem(location=_where(i, q), reason="refused a question the corpus answers")
             for i, q, r in answerable if _get(r, "refused", False)]
    out = []
    if unanswerable:
        out.append(_metric("refusal_accuracy", _rate(len(unanswerable) - len(missed), len(unanswerable)), len(unanswerable),
                           thresholds, f"{len(unanswerable) - len(missed)}/{len(unanswerable)} unanswerable questions refused", missed))
    else:
        out.append(EvalResult.skip("refusal_accuracy", "the question set has no unanswerable questions"))
    if answerable:
        out.append(_metric("false_refusal_rate", len(false) / len(answerable), len(answerable), thresholds,
                           f"{len(false)}/{len(answerable)} answerable questions refused", false))
    return out


def _answer_support(questions, answers, embedder, thresholds) -> EvalResult:
    if embedder is None:
        return EvalResult.skip("answer_support", "needs an embedder: pass embedder=vectorstore.embedders.default_embedder()")
    pairs = []  # (location, sentence text, quotes)
    for i, (q, reply) in enumerate(zip(questions, answers)):
        if _get(reply, "refused", False):
            continue
        for s, sentence in enumerate(_get(reply, "sentences") or []):
            quotes = [_get(c, "quote") for c in _get(sentence, "citations") or [] if _get(c, "quote")]
            pairs.append((f"{_where(i, q)}.sentences[{s}]", _get(sentence, "text") or "", quotes))
    if not pairs:
        return EvalResult.skip("answer_support", "no answered sentences to score")
    texts = list(dict.fromkeys([t for _, t, qs in pairs] + [x for _, _, qs in pairs for x in qs]))
    vectors = dict(zip(texts, np.asarray(embedder.embed(texts), dtype=np.float32)))
    items = []
    for where, text, quotes in pairs:
        best = max((float(vectors[text] @ vectors[x]) for x in quotes), default=0.0)
        if best < SENTENCE_QUOTE_MIN_SIMILARITY:
            items.append(FailingItem(location=where, value=round(best, 4),
                                     reason="no citation" if not quotes else f"best quote similarity {best:.2f} < {SENTENCE_QUOTE_MIN_SIMILARITY}"))
    return _metric("answer_support", _rate(len(pairs) - len(items), len(pairs)), len(pairs), thresholds,
                   f"{len(pairs) - len(items)}/{len(pairs)} answer sentences close to a cited quote", items)


def _unit_recall(questions, answers, thresholds) -> EvalResult:
    scored = [(i, q, r) for i, (q, r) in enumerate(zip(questions, answers)) if q.answerable and q.supporting_unit_ids]
    if not scored:
        return EvalResult.skip("supporting_unit_recall", "no answerable question lists supporting_unit_ids")
    items = []
    for i, q, reply in scored:
        cited = {_get(c, "unit_id") for _, _, c in _citations(reply)}
        if not cited & set(q.supporting_unit_ids):
            items.append(FailingItem(location=_where(i, q), reason="cites none of the supporting units"))
    return _metric("supporting_unit_recall", _rate(len(scored) - len(items), len(scored)), len(scored), thresholds,
                   f"{len(scored) - len(items)}/{len(scored)} answers cite a supporting unit", items)
