"""Readers for .json (a list of records, or {"records"|"data"|"items"|...: [...]}) and .jsonl."""

from __future__ import annotations

import json
from typing import Any, Optional

from assistant.errors import IngestError
from assistant.ingest.decode import decode_bytes
from assistant.ingest.options import ReadContext
from assistant.ingest.records import Fields, detect_fields, records_to_units
from assistant.models import FeedbackUnit

MAX_DEPTH = 32
_WRAPPERS = ("records", "data", "items", "results", "rows", "entries", "reviews", "responses", "feedback", "comments")


def _depth(value: Any) -> int:
    """Nesting depth, computed without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:
                stack += [(child, level + 1) for child in (node.values() if isinstance(node, dict) else node)]
    return deepest


def flatten(record: dict[str, Any], prefix: str = "", level: int = 0) -> dict[str, Any]:
    """Nested dicts become dotted keys; lists become JSON strings (depth already bounded)."""
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}.", level + 1))
        elif isinstance(value, (dict, list)):
            flat[name] = json.dumps(value, ensure_ascii=False) if value else None
        else:
            flat[name] = value
    return flat


def _loads(text: str, ctx: ReadContext, where: str = "") -> Any:
    try:
        value = json.loads(text)
    except RecursionError as exc:
        raise IngestError(ctx.path, f"JSON{where} is nested too deeply to read", f"flatten records to at most {MAX_DEPTH} levels") from exc
    except json.JSONDecodeError as exc:
        raise IngestError(ctx.path, f"invalid JSON{where}: {exc.msg} at line {exc.lineno} column {exc.colno}",
                          "fix the file or re-export it (was it truncated?)") from exc
    if _depth(value) > MAX_DEPTH:
        raise IngestError(ctx.path, f"JSON{where} is nested deeper than {MAX_DEPTH} levels", "flatten the records")
    return value


def _records(value: Any, ctx: ReadContext) -> list[Any]:
    if isinstance(value, dict):
        for key in _WRAPPERS:
            if isinstance(value.get(key), list):
                return value[key]
        lists = [v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) == 1:
            return lists[0]
        return [value]
    if isinstance(value, list):
        return value
    raise IngestError(ctx.path, f"expected a list of records or an object, found {type(value).__name__}",
                      'use [{"text": ...}, ...] or {"records": [...]}')


def _to_units(items: list[Any], ctx: ReadContext) -> list[FeedbackUnit]:
    objects = [flatten(item) for item in items if isinstance(item, dict)]
    columns = list(dict.fromkeys(k for row in objects for k in row)) or ["text"]
    fields = detect_fields(columns, objects, ctx) if objects else Fields(text="text", id=None, respondent=None)
    rows: list[Optional[dict[str, Any]]] = []
    skipped = 0
    for item in items:
        if isinstance(item, dict):
            rows.append(flatten(item))
        elif isinstance(item, str):
            rows.append({fields.text: item})  # a bare string record is the text itself
        else:
            skipped += 1
            rows.append(None)  # keeps the positions of the records after it
    if items and skipped == len(items):
        kinds = ", ".join(sorted({_kind(item) for item in items}))
        raise IngestError(ctx.path, f"the {len(items)} record(s) are {kinds}, not objects or strings",
                          'use [{"text": ...}, ...] or ["text", ...]')
    if skipped:
        ctx.warn(f"{skipped} record(s) that are neither objects nor strings skipped")
    return records_to_units(rows, columns, "record", ctx, fields)


def _kind(value: Any) -> str:
    return {bool: "booleans", int: "numbers", float: "numbers", list: "lists", type(None): "nulls"}.get(type(value), type(value).__name__)


def read_json(data: bytes, ctx: ReadContext) -> list[FeedbackUnit]:
    """Read a .json file (falls back to JSON Lines when the whole file is not one JSON value)."""
    text = decode_bytes(data, ctx.path, ctx.options.encoding, ctx.warn)
    try:
        value = _loads(text, ctx)
    except IngestError:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2 or not all(line.lstrip().startswith("{") for line in lines):
            raise
        return _jsonl_units(text, ctx)
    return _to_units(_records(value, ctx), ctx)


def _jsonl_units(text: str, ctx: ReadContext) -> list[FeedbackUnit]:
    items = [_loads(line, ctx, f" on line {n}") for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    return _to_units(items, ctx)


def read_jsonl(data: bytes, ctx: ReadContext) -> list[FeedbackUnit]:
    """Read a JSON Lines file: one record per line."""
    return _jsonl_units(decode_bytes(data, ctx.path, ctx.options.encoding, ctx.warn), ctx)
