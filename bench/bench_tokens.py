"""LLM tokens sent per draft of the sample corpus vs a naive one-prompt-per-stage baseline, and the cost per draft.

    python bench/bench_tokens.py            # real local model (default provider) + scripted capable-path run
    python bench/bench_tokens.py --quick    # scripted fake models only (no real LLM): token counting, < 60 s

Every prompt the draft sends goes through a LangChain callback that counts its tokens with
tiktoken (cl100k_base: messages plus 3 tokens of framing per message and per reply), so the
draft and the baseline are counted with one tokenizer. The JSON schema sent as response_format
is counted apart: llama.cpp turns it into a grammar (no prompt tokens), while a hosted provider
may bill it, so the ratio is given without and with schemas, and the cost includes them.
Two drafts run on the same ingested corpus:

- the small-model path (the local default; with the real local model in a full run, with a
  scripted fake in --quick), whose tokens give the ratio to the baseline;
- the capable-model path (what a draft with OpenAI does: up to 4 model-written theme labels per
  lane, each lane labelled in one request with its opportunities, worked examples only on a
  re-ask), run with a scripted fake, whose tokens give the cost per draft at published OpenAI prices.

The naive baseline sends, for each stage, ONE prompt with the stage-details instructions (no worked
example) and every unit the draft assigned to that stage (full text, numbered feedback blocks) and
a schema without citation enums (which makes the baseline smaller, so the ratio is conservative).
The literal reading, every unit of the corpus in each stage's prompt (a naive tool has no stage
assignment to lean on), is reported beside it; the target is judged on the stricter one.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.machine import machine_info  # noqa: E402
from bench.runner import table_row  # noqa: E402

RESULTS = ROOT / "bench" / "results"
TARGET_RATIO = 0.3
COST_MODEL = "gpt-4o-mini"
TOKENS_PER_MESSAGE = 3  # OpenAI chat framing per message, and once more to prime the reply
_FEEDBACK = re.compile(r'<(?:feedback|source)[^>]*\bn="(\d+)"[^>]*>(.*?)</(?:feedback|source)>', re.S)


# --- counting what is sent ------------------------------------------------------------------

def message_tokens(messages: list[Any]) -> int:
    """tiktoken count of a request's messages, with OpenAI's framing tokens per message and reply."""
    from assistant.llm.tokens import count_tokens

    total = TOKENS_PER_MESSAGE
    for message in messages:
        content = message.content if hasattr(message, "content") else message["content"]
        total += TOKENS_PER_MESSAGE + count_tokens(content if isinstance(content, str) else json.dumps(content))
    return total


def schema_tokens(response_format: dict | None) -> int:
    """tiktoken count of the JSON schema sent as response_format (a grammar for llama.cpp, not prompt text)."""
    from assistant.llm.tokens import count_tokens

    return count_tokens(json.dumps(response_format.get("json_schema", response_format))) if response_format else 0


def token_recorder():
    """A LangChain callback handler that counts the tokens of every chat request it sees."""
    from langchain_core.callbacks import BaseCallbackHandler

    class TokenRecorder(BaseCallbackHandler):
        def __init__(self):
            self.calls: list[dict] = []

        def on_chat_model_start(self, serialized, messages, **kwargs):
            params = kwargs.get("invocation_params") or {}
            schema = params.get("response_format")
            name = (schema or {}).get("json_schema", {}).get("name", "")
            for batch in messages:
                # prompts send system, the worked example (user + assistant turn), then the request
                example = message_tokens(batch[1:3]) - TOKENS_PER_MESSAGE if len(batch) >= 4 else 0
                self.calls.append({"schema": name, "prompt_tokens": message_tokens(batch), "schema_tokens": schema_tokens(schema),
                                   "example_tokens": example})

    return TokenRecorder()


# --- the scripted fake model -----------------------------------------------------------------

def _quotes(messages) -> dict[int, str]:
    """Numbered quotes of the last request (earlier messages hold the prompt's worked example)."""
    for message in reversed(messages):
        found = _FEEDBACK.findall(str(message.content))
        if getattr(message, "type", "") == "human" and found:
            return {int(n): html.unescape(q) for n, q in found}
    return {}


def _words(text: str, n: int) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z']*", text)[:n]
    return " ".join(words) if len(words) >= 2 else "customers mention " + " ".join(words)


def scripted_answer(schema: str, messages) -> dict:
    """A valid answer for each draft chain, built from the request's own quotes."""
    quotes = _quotes(messages) or {1: "no quote"}
    first = min(quotes)
    point = [{"text": _words(quotes[first], 6), "source": first}]
    if schema == "ThemeLabel":
        return {"title": _words(quotes[first], 6), "description": "Customers describe this in their own words.",
                "sources": sorted(quotes)[:2], "insufficient_evidence": False}
    if schema == "ThemeLabels":  # one entry per "Theme n:" group, citing that group's quotes
        last = next(str(m.content) for m in reversed(messages) if getattr(m, "type", "") == "human")
        groups = [[int(n) for n, _ in _FEEDBACK.findall(chunk)] for chunk in re.split(r"^Theme \d+:$", last, flags=re.M)[1:]]
        return {"themes": [{"title": _words(quotes.get(g[0], ""), 6), "description": "Customers describe this in their own words.",
                            "opportunity": f"How might we improve {_words(quotes.get(g[0], ''), 6)}", "sources": g[:2],
                            "insufficient_evidence": False} for g in groups if g]}
    if schema == "StageDetails":
        return {"touchpoints": point, "goals": point}
    if schema == "OpportunityStatements":
        return {"statements": [f"How might we improve {_words(quotes[first], 6)}"]}
    if schema == "PersonaProfile":
        return {"name": "Scripted persona", "summary": _words(quotes[first], 12), "goals": point,
                "frustrations": point, "motivations": point, "behaviours": point}
    raise ValueError(f"the scripted model has no answer for schema {schema!r}")


def scripted_handle(capable: bool, callbacks: list):
    """A ModelHandle around a chat model that answers every draft chain validly, with tiktoken usage."""
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    from assistant.llm.providers import ModelHandle
    from assistant.llm.tokens import count_tokens

    class ScriptedChat(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "scripted"

        def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
            schema = kwargs.get("response_format")
            text = json.dumps(scripted_answer((schema or {}).get("json_schema", {}).get("name", ""), messages))
            usage = {"input_tokens": message_tokens(messages), "output_tokens": count_tokens(text)}
            usage["total_tokens"] = usage["input_tokens"] + usage["output_tokens"]
            message = AIMessage(content=text, usage_metadata=usage, response_metadata={"finish_reason": "stop"})
            return ChatResult(generations=[ChatGeneration(message=message)])

    return ModelHandle("scripted", "scripted-capable" if capable else "scripted-small", None, capable=capable,
                       concurrency=1, chat=ScriptedChat(callbacks=callbacks))


# --- runs -----------------------------------------------------------------------------------

def sample_workspace(rebuild: bool = False):
    """Settings for a private copy of the ingested sample corpus (cached by bench_draft), units and ingest time."""
    from assistant import api
    from bench.bench_draft import cached_workspace

    source, meta, _ = cached_workspace("sample", rebuild)
    home = Path(tempfile.mkdtemp(prefix="bench-tokens-")) / "ws"
    shutil.copytree(source, home)
    return api.settings(home=home), meta["units"], meta["ingest_s"]


def draft_with(settings, handle, recorder) -> dict:
    from assistant.draft import draft_map

    started = time.perf_counter()
    journey_map = draft_map(settings, handle=handle, save=False, full=True)  # every request counted: no cached answers
    sent = sum(c["prompt_tokens"] for c in recorder.calls)
    by_chain: dict[str, dict] = {}
    for call in recorder.calls:
        entry = by_chain.setdefault(call["schema"], {"requests": 0, "prompt_tokens": 0, "schema_tokens": 0, "example_tokens": 0})
        entry["requests"] += 1
        for key in ("prompt_tokens", "schema_tokens", "example_tokens"):
            entry[key] += call[key]
    return {"model": handle.model, "capable": handle.capable, "requests": len(recorder.calls), "tokens_sent": sent,
            "schema_tokens": sum(c["schema_tokens"] for c in recorder.calls),
            "example_tokens": sum(c["example_tokens"] for c in recorder.calls),
            "by_chain": by_chain, "usage": dict(journey_map.usage), "seconds": round(time.perf_counter() - started, 1),
            "stages": {s.name: s.unit_ids for s in journey_map.stages}}


def naive_baseline(settings, stages: dict[str, list[str]]) -> dict:
    """Per stage: one stage-details prompt holding every unit of the stage; tokens counted like the draft's."""
    from assistant.llm.outputs import StageDetails
    from assistant.llm.prompts import Source, load_prompt, render_sources
    from assistant.llm.schema import grammar_schema, response_format
    from assistant.stagesets.loader import load_stage_set
    from vectorstore.store import FeedbackStore

    store = FeedbackStore.from_settings(settings)
    units = {u.id: u for u in store.all_units()}
    descriptions = {s.name: s.description for s in load_stage_set("b2c").stages}
    prompt = load_prompt("stage_details", settings)
    schema = response_format(StageDetails, grammar_schema(StageDetails))
    per_stage, every_unit = {}, render_sources([Source(u.id, u.text) for u in units.values() if u.is_evidence])
    all_units_tokens = 0
    for stage, unit_ids in stages.items():
        if not unit_ids:
            continue
        variables = {"stage": stage, "stage_description": descriptions.get(stage, "")}
        evidence = render_sources([Source(i, units[i].text) for i in unit_ids])
        messages = prompt.messages({**variables, "evidence": evidence}, example=False)
        per_stage[stage] = {"units": len(unit_ids), "prompt_tokens": message_tokens(messages), "schema_tokens": schema_tokens(schema)}
        all_units_tokens += message_tokens(prompt.messages({**variables, "evidence": every_unit}, example=False))
    return {"per_stage": per_stage, "tokens": sum(s["prompt_tokens"] for s in per_stage.values()),
            "schema_tokens": sum(s["schema_tokens"] for s in per_stage.values()),
            "units": sum(s["units"] for s in per_stage.values()),
            # the literal reading: every unit of the corpus in each stage's prompt (no stage assignment to lean on)
            "all_units": {"units": sum(u.is_evidence for u in units.values()), "tokens": all_units_tokens}}


def local_handle(settings, recorder):
    """The configured (default: local) model, with the token recorder attached to its chat model."""
    from assistant.llm.providers import model_handle

    handle = model_handle(settings)
    handle.chat.callbacks = [recorder]
    return handle


def cost_rows(capable_run: dict, small_run: dict) -> dict:
    """US$ per draft at published prices: tokens sent on the capable path, output tokens per call as measured."""
    from assistant.draft import cost

    out_per_call = cost.per_call_tokens(small_run["usage"])[1] if small_run["model"] != "scripted-small" else None
    calls = capable_run["requests"]
    usage = {"input_tokens": capable_run["tokens_sent"] + capable_run["schema_tokens"], "calls": calls,
             "output_tokens": round(calls * (out_per_call or cost.TOKENS_OUT_PER_CALL))}
    return {"usage": usage, "output_tokens_from": "measured on the local model" if out_per_call else f"{cost.TOKENS_OUT_PER_CALL} per call (default)",
            "usd": {model: round(cost.usage_cost(usage, model), 5) for model in cost.PUBLISHED_PRICES},
            "prices": cost.PUBLISHED_PRICES, "prices_source": cost.PRICES_SOURCE}


def run(quick: bool, rebuild: bool = False) -> dict:
    settings, units, ingest_s = sample_workspace(rebuild)
    small_recorder, capable_recorder = token_recorder(), token_recorder()
    small_handle = scripted_handle(False, [small_recorder]) if quick else local_handle(settings, small_recorder)
    small = draft_with(settings, small_handle, small_recorder)
    capable = draft_with(settings, scripted_handle(True, [capable_recorder]), capable_recorder)
    naive = naive_baseline(settings, small["stages"])
    for result in (small, capable):
        result["ratio_to_naive"] = round(result["tokens_sent"] / naive["tokens"], 4) if naive["tokens"] else None
        result["ratio_to_all_units"] = round(result["tokens_sent"] / naive["all_units"]["tokens"], 4) if naive["all_units"]["tokens"] else None
        with_schema = naive["tokens"] + naive["schema_tokens"]
        result["ratio_with_schemas"] = round((result["tokens_sent"] + result["schema_tokens"]) / with_schema, 4) if with_schema else None
        # what-if, for whoever tunes the prompts: the same requests without their worked-example turn
        result["ratio_without_examples"] = round((result["tokens_sent"] - result["example_tokens"]) / naive["tokens"], 4) if naive["tokens"] else None
        result.pop("stages")
    shutil.rmtree(settings.home.parent, ignore_errors=True)
    return {"corpus": "sample", "units": units, "ingest_s": ingest_s, "quick": quick,
            "counting": "tiktoken cl100k_base via a LangChain callback on every request",
            "small_path": small, "capable_path": capable, "naive": naive, "cost": cost_rows(capable, small)}


def summary_rows(report: dict) -> list[dict]:
    """Rows of the shared bench table: tokens vs the naive baseline, and US$ per draft."""
    naive = report["naive"]
    rows = []
    for key, label in (("small_path", "small-model path"), ("capable_path", "capable-model path")):
        run_ = report[key]
        how = "scripted model" if run_["model"].startswith("scripted") else f"local model {run_['model']}"
        ratio = run_["ratio_to_naive"]
        every = naive.get("all_units")
        literal = (f"; {run_['ratio_to_all_units']:.2f} vs every unit in each stage prompt ({every['units']} units: {every['tokens']:,} tokens)"
                   if every and run_.get("ratio_to_all_units") is not None else "")
        # met is judged on the stricter baseline: stage prompts holding only the units our analysis assigned
        rows.append(_row(f"prompt tokens per draft, sample corpus, {label} ({how}, {run_['requests']} requests)",
                         f"{run_['tokens_sent']:,} tokens (ratio {ratio:.2f}; with schemas {run_['ratio_with_schemas']:.2f})",
                         f"naive one prompt per stage with its assigned units ({naive['units']} units): {naive['tokens']:,} tokens{literal}",
                         f"ratio <= {TARGET_RATIO}", ratio is not None and ratio <= TARGET_RATIO, _limited_by(run_)))
    cost = report["cost"]
    usd = cost["usd"].get(COST_MODEL)
    if usd is not None:
        naive_usd = naive["tokens"] * cost["prices"][COST_MODEL][0] / 1_000_000
        rows.append(_row(f"est. cost per draft, sample corpus, {COST_MODEL} (capable path)", f"${usd:.4f}",
                         f"naive prompts' input alone ${naive_usd:.4f}", "", None,
                         f"prices {cost['prices_source']}; output tokens {cost['output_tokens_from']}"))
    return rows


def _limited_by(run_: dict) -> str:
    """The chain that sends the most, and how much of every request is the prompt's worked example."""
    chains = run_.get("by_chain") or {}
    if not chains:
        return ""
    name, entry = max(chains.items(), key=lambda kv: kv[1]["prompt_tokens"])
    without = run_.get("ratio_without_examples")
    return (f"{name}: {entry['requests']} requests, {entry['prompt_tokens']:,} tokens; worked examples are "
            f"{run_.get('example_tokens', 0):,} of all tokens" + (f" (ratio {without:.2f} without them)" if without is not None else ""))


_row = partial(table_row, "tokens")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="scripted fake models only (no real LLM)")
    parser.add_argument("--rebuild", action="store_true", help="re-ingest the sample corpus even when cached")
    parser.add_argument("--out", type=Path, help="JSON report path (default bench/results/tokens[-quick].json)")
    args = parser.parse_args()
    machine = machine_info()
    report = {"machine": machine, **run(args.quick, args.rebuild)}
    out = args.out or RESULTS / f"tokens{'-quick' if args.quick else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    for row in summary_rows(report):
        print(f"{row['measure']}: {row['value']} | baseline {row['baseline']} | target {row['target']} | met {row['met']}")
    print(f"per chain (capable path): {json.dumps(report['capable_path']['by_chain'])}")


if __name__ == "__main__":
    main()
