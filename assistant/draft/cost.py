"""Cost estimate of a draft before it runs (paid providers ask for confirmation above a threshold)."""

from __future__ import annotations

from assistant.draft.assemble import LLM_THEMES_PER_LANE, OPPORTUNITY_PAIN_POINTS

TOKENS_IN_PER_CALL = 700  # measured on the sample corpus: prompt + numbered quotes
TOKENS_OUT_PER_CALL = 150
MAX_PERSONAS = 6


def planned_calls(n_stages: int) -> int:
    """Upper bound on chain calls: theme labels, stage details, opportunities per stage, plus personas."""
    per_stage = 2 * max(LLM_THEMES_PER_LANE.values()) + 1 + OPPORTUNITY_PAIN_POINTS
    return n_stages * per_stage + MAX_PERSONAS


def estimate(n_stages: int, handle) -> dict[str, float]:
    calls = planned_calls(n_stages)
    tokens_in, tokens_out = calls * TOKENS_IN_PER_CALL, calls * TOKENS_OUT_PER_CALL
    usd = (tokens_in * handle.price_in_per_m + tokens_out * handle.price_out_per_m) / 1_000_000
    return {"calls": calls, "input_tokens": tokens_in, "output_tokens": tokens_out, "usd": round(usd, 4)}
