"""Cost of a draft: planned calls x tokens per call before it runs, and US$ at published prices.

Tokens per call come from the last measured draft in the workspace's run logs when there is one
(``last_draft_usage``), else from defaults measured on the sample corpus.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from assistant.llm.providers import OPENAI_PRICES
from assistant.draft.assemble import LLM_THEMES_PER_LANE, OPPORTUNITY_PAIN_POINTS

TOKENS_IN_PER_CALL = 700  # measured on the sample corpus: prompt + numbered quotes
TOKENS_OUT_PER_CALL = 150
MAX_PERSONAS = 6
RUN_LOGS_SCANNED = 50  # newest run logs searched for a measured draft

# US$ per 1M tokens (input, output), OpenAI standard tier list prices.
# Source: openai.com/api/pricing, as published in 2025 (the gpt-4.1 family since April 2025,
# gpt-4o-mini since July 2024). Not re-checked on the live page on 2026-11-23 (no network where
# this was written): check the page before quoting a figure to a customer.
PRICES_SOURCE = "openai.com/api/pricing (2025 list prices, not re-checked 2026-11-23)"
PUBLISHED_PRICES = OPENAI_PRICES  # one table: the provider layer uses it for pre-run estimates too


def planned_calls(n_stages: int, units: int | None = None, respondents: int | None = None, capable: bool = True) -> int:
    """Upper bound on chain calls for a corpus of `units` evidence units from `respondents` people (None: no bound).

    Per stage: theme labels (a capable model labels each lane in one request and writes the opportunities with
    them; a small one labels LLM_THEMES_PER_LANE["small"] theme per lane), stage details (capable models only)
    and up to OPPORTUNITY_PAIN_POINTS opportunity requests; plus one request per persona. Every request quotes
    at least one unit, so a corpus of 3 units cannot cost 46 calls: a stage, a theme or a persona needs a unit
    (a persona a respondent), and an opportunity a pain point that two respondents share.
    """
    unbounded = 10**9
    units = unbounded if units is None else max(units, 0)
    respondents = units if respondents is None else max(respondents, 0)
    stages = min(n_stages, units)
    labels = min(2 * stages * (1 if capable else LLM_THEMES_PER_LANE["small"]), units)
    details = stages if capable else 0
    opportunities = min(stages * OPPORTUNITY_PAIN_POINTS, units // 2)
    return labels + details + opportunities + min(MAX_PERSONAS, respondents)


def per_call_tokens(measured: Mapping[str, int] | None) -> tuple[float, float]:
    """(input, output) tokens per call: the averages of a measured draft's usage, else the defaults."""
    calls = int((measured or {}).get("calls", 0) or 0)
    if calls <= 0:
        return float(TOKENS_IN_PER_CALL), float(TOKENS_OUT_PER_CALL)
    return measured.get("input_tokens", 0) / calls, measured.get("output_tokens", 0) / calls


def estimate(n_stages: int, handle, measured: Mapping[str, int] | None = None, units: int | None = None,
             respondents: int | None = None) -> dict[str, float]:
    """Planned calls, tokens and US$ for a draft of `units` evidence units from `respondents` people (None: any
    corpus); `measured` (a draft's usage) sets the tokens per call."""
    calls = planned_calls(n_stages, units, respondents, capable=bool(getattr(handle, "capable", True)))
    per_in, per_out = per_call_tokens(measured)
    tokens_in, tokens_out = round(calls * per_in), round(calls * per_out)
    usd = (tokens_in * handle.price_in_per_m + tokens_out * handle.price_out_per_m) / 1_000_000
    return {"calls": calls, "input_tokens": tokens_in, "output_tokens": tokens_out, "usd": round(usd, 4),
            "per_call": "measured" if measured and measured.get("calls") else "default"}


def usage_cost(usage: Mapping[str, int], model: str) -> float:
    """US$ of a measured usage at the published prices of `model`."""
    if model not in PUBLISHED_PRICES:
        raise KeyError(f"no published price for model '{model}'; known: {', '.join(PUBLISHED_PRICES)}")
    price_in, price_out = PUBLISHED_PRICES[model]
    return (usage.get("input_tokens", 0) * price_in + usage.get("output_tokens", 0) * price_out) / 1_000_000


def last_draft_usage(runs_dir: Path, model: str | None = None) -> dict[str, int] | None:
    """Usage of the newest draft in the run logs that made model calls (of `model` when given), or None."""
    newest = sorted(Path(runs_dir).glob("*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in newest[:RUN_LOGS_SCANNED]:
        models, usage = set(), None
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a crash
            if record.get("model"):
                models.add(record["model"])
            if record.get("event") == "draft_done" and (record.get("usage") or {}).get("calls"):
                usage = record["usage"]
        if usage is not None and (model is None or model in models):
            return {k: int(usage.get(k, 0)) for k in ("input_tokens", "output_tokens", "calls")}
    return None
