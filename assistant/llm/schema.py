"""JSON schemas that a llama.cpp grammar (and OpenAI strict mode) can follow.

Pydantic schemas use $ref/$defs, titles and defaults; grammars want one flat, closed
object: refs inlined, every property required, no extra properties, bounded arrays and
strings. Properties that cite numbered sources get an enum of the valid numbers, so even
a tiny model cannot cite a quote that was not offered.
"""

from __future__ import annotations

import copy
from typing import Any, Mapping, Sequence

from pydantic import BaseModel

CITATION_FIELDS = frozenset({"source", "sources", "citations"})
_DROP_KEYS = ("title", "default", "examples")
_NON_STRICT_KEYS = ("maxLength", "minLength")  # OpenAI strict mode rejects these; Pydantic still checks them


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every local $ref replaced by its $defs entry (no $defs left)."""
    defs = schema.get("$defs", {})

    def resolve(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.split("/")[-1]
                if name in seen:
                    raise ValueError(f"recursive schema via {name} cannot be flattened for a grammar")
                merged = {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
                return resolve(merged, seen + (name,))
            return {k: resolve(v, seen) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [resolve(item, seen) for item in node]
        return node

    return resolve(copy.deepcopy(schema), ())


def _close(node: Any, grammar_limits: bool, enums: Mapping[str, Sequence[Any]]) -> Any:
    if isinstance(node, list):
        return [_close(item, grammar_limits, enums) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _close(v, grammar_limits, enums) for k, v in node.items() if k not in _DROP_KEYS and k != "properties"}
    if isinstance(node.get("properties"), dict):  # property names are data, not keywords: keep a "title" property
        out["properties"] = {name: _close(prop, grammar_limits, enums) for name, prop in node["properties"].items()}
    if not grammar_limits:
        for key in _NON_STRICT_KEYS:
            out.pop(key, None)
    if out.get("type") == "object" and "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
        for name, prop in out["properties"].items():
            if name in enums:
                out["properties"][name] = _with_enum(prop, list(enums[name]))
    return out


def _with_enum(prop: dict[str, Any], values: list[Any]) -> dict[str, Any]:
    """Restrict a scalar property, an array's items, or the non-null branch of an Optional to `values`."""
    if "anyOf" in prop:
        return {**prop, "anyOf": [b if b.get("type") == "null" else _with_enum(b, values) for b in prop["anyOf"]]}
    if prop.get("type") == "array":
        return {**prop, "items": _with_enum(prop.get("items", {}), values)}
    restricted = {k: v for k, v in prop.items() if k not in ("minimum", "maximum", "maxLength", "minLength", "pattern")}
    restricted["enum"] = values
    return restricted


def grammar_schema(
    model: type[BaseModel],
    *,
    n_sources: int | None = None,
    enums: Mapping[str, Sequence[Any]] | None = None,
    grammar_limits: bool = True,
) -> dict[str, Any]:
    """Flat, closed JSON schema of `model`; citation fields limited to 1..n_sources; extra enums by property name."""
    all_enums: dict[str, Sequence[Any]] = dict(enums or {})
    if n_sources is not None:
        numbers = list(range(1, n_sources + 1))
        for name in CITATION_FIELDS:
            all_enums.setdefault(name, numbers)
    return _close(inline_refs(model.model_json_schema()), grammar_limits, all_enums)


def response_format(model: type[BaseModel], schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAI `response_format` payload for a strict JSON-schema answer."""
    return {"type": "json_schema", "json_schema": {"name": model.__name__, "schema": schema, "strict": True}}
