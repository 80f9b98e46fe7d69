"""Grammar-friendly schemas, offline tiktoken, evidence packing and cost."""

from __future__ import annotations

import hashlib
import json
import os

from assistant.llm.outputs import CHAIN_OUTPUTS, ThemeLabel
from assistant.llm.providers import ModelHandle
from assistant.llm.schema import grammar_schema
from assistant.llm import tokens


def _walk(node):
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def test_schemas_are_flat_closed_and_bounded():
    for name, model in CHAIN_OUTPUTS.items():
        schema = grammar_schema(model, n_sources=5)
        text = json.dumps(schema)
        assert "$ref" not in text and "$defs" not in text, name
        for node in _walk(schema):
            if isinstance(node, dict) and node.get("type") == "object":
                assert node["additionalProperties"] is False and node["required"] == list(node["properties"])
            if isinstance(node, dict) and node.get("type") == "array":
                assert "maxItems" in node, name
            if isinstance(node, dict) and node.get("type") == "string" and "enum" not in node:
                assert "maxLength" in node, name


def test_citations_and_named_enums_are_restricted():
    schema = grammar_schema(ThemeLabel, n_sources=4)
    assert schema["properties"]["sources"]["items"]["enum"] == [1, 2, 3, 4]
    assert "title" in schema["properties"]  # a property called "title" is data, not a keyword
    edit = grammar_schema(CHAIN_OUTPUTS["map_edit"], enums={"target_ids": ["c_1", "c_2"]})
    assert edit["properties"]["edits"]["items"]["properties"]["target_ids"]["items"]["enum"] == ["c_1", "c_2"]
    strict = grammar_schema(ThemeLabel, grammar_limits=False)
    assert "maxLength" not in json.dumps(strict)


def test_tiktoken_cache_is_primed_from_the_shipped_file(tmp_path, monkeypatch):
    import tiktoken

    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    folder = tokens.prime_tiktoken_cache()
    name = hashlib.sha1(tokens.ENCODING_URLS["cl100k_base"].encode()).hexdigest()
    assert folder == tmp_path and (tmp_path / name).stat().st_size > 1_000_000
    assert tiktoken.get_encoding("cl100k_base").encode("hello world") == [15339, 1917]
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(tmp_path)


def test_count_and_pack():
    assert tokens.count_tokens("hello world") == 2
    items = ["short one", "x " * 500, "another short one"]
    assert tokens.pack_evidence(items, budget_tokens=40) == [0, 2]
    assert tokens.pack_evidence(items, budget_tokens=5) == []


def test_langchain_token_counting_works_offline_for_gpt4o_mini(settings, monkeypatch):
    from assistant.config import load_settings
    from assistant.llm.providers import model_handle

    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used-0000")
    handle = model_handle(load_settings(home=settings.home, provider="openai"))
    assert handle.model == "gpt-4o-mini" and handle.capable and not handle.grammar_limits
    assert handle.chat.get_num_tokens("hello world") == 2


def test_usage_and_cost():
    handle = ModelHandle("openai", "gpt-4o-mini", None, capable=True, price_in_per_m=0.15, price_out_per_m=0.60)
    usage = tokens.Usage().add(1_000_000, 500_000)
    assert abs(tokens.estimate_cost(usage, handle) - 0.45) < 1e-9
    assert tokens.estimate_cost({"input_tokens": 2_000_000, "output_tokens": 0}, handle) == 0.30
