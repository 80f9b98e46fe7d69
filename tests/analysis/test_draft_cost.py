"""Draft cost: measured tokens per call, published prices, the newest measured draft in the run logs."""

import json
import os

import pytest

from assistant.draft import cost
from assistant.llm.providers import ModelHandle
from assistant.workspace import RunLog

PAID = ModelHandle("openai", "gpt-4o-mini", None, capable=True, price_in_per_m=0.15, price_out_per_m=0.60)


def test_estimate_uses_measured_tokens_per_call():
    measured = {"input_tokens": 4000, "output_tokens": 800, "calls": 10}
    est = cost.estimate(8, PAID, measured)
    calls = cost.planned_calls(8)
    assert est["calls"] == calls and est["per_call"] == "measured"
    assert est["input_tokens"] == calls * 400 and est["output_tokens"] == calls * 80
    assert est["usd"] == pytest.approx((calls * 400 * 0.15 + calls * 80 * 0.60) / 1e6, abs=1e-4)


def test_estimate_without_a_measured_draft_uses_the_defaults():
    for measured in (None, {"input_tokens": 0, "output_tokens": 0, "calls": 0}):
        est = cost.estimate(3, PAID, measured)
        assert est["per_call"] == "default"
        assert est["input_tokens"] == cost.planned_calls(3) * cost.TOKENS_IN_PER_CALL


def test_usage_cost_at_published_prices():
    usage = {"input_tokens": 1_000_000, "output_tokens": 500_000}
    assert cost.usage_cost(usage, "gpt-4o-mini") == pytest.approx(0.15 + 0.30)
    assert cost.usage_cost(usage, "gpt-4.1-mini") == pytest.approx(0.40 + 0.80)
    with pytest.raises(KeyError, match="known: gpt-4o-mini"):
        cost.usage_cost(usage, "no-such-model")


def test_last_draft_usage_picks_the_newest_draft_of_the_model(tmp_path):
    def draft_log(run_id, model, usage, age):
        log = RunLog(tmp_path, run_id)
        log.record("llm_call", chain="theme_label", provider="openai", model=model)
        log.record("draft_done", map_id="m", usage=usage)
        os.utime(log.path, (1_000_000 - age, 1_000_000 - age))

    assert cost.last_draft_usage(tmp_path) is None
    draft_log("old", "gpt-4o-mini", {"input_tokens": 100, "output_tokens": 10, "calls": 2}, age=100)
    draft_log("new", "smollm", {"input_tokens": 900, "output_tokens": 90, "calls": 3}, age=10)
    RunLog(tmp_path, "extractive").record("draft_done", map_id="m", usage={})  # no model calls: ignored
    (tmp_path / "broken.jsonl").write_text(json.dumps({"event": "draft_done"}) + "\n{cut sh")
    assert cost.last_draft_usage(tmp_path) == {"input_tokens": 900, "output_tokens": 90, "calls": 3}
    assert cost.last_draft_usage(tmp_path, "gpt-4o-mini") == {"input_tokens": 100, "output_tokens": 10, "calls": 2}


def test_planned_calls_are_bounded_by_the_corpus():
    whole = cost.planned_calls(8, capable=False)
    assert cost.planned_calls(8, units=873, respondents=350, capable=False) == whole  # a large corpus hits the per-stage caps
    tiny = cost.planned_calls(8, units=3, respondents=3, capable=False)
    # 3 units: at most 3 labelled themes, 1 opportunity (a pain point two respondents share) and 3 personas
    assert tiny == 3 + 1 + 3
    assert cost.planned_calls(8, units=0, respondents=0) == 0
    assert cost.planned_calls(8, units=40, respondents=2, capable=False) < cost.planned_calls(8, units=40, respondents=40, capable=False)
    assert cost.estimate(8, PAID, units=3, respondents=3)["input_tokens"] < cost.estimate(8, PAID)["input_tokens"]
