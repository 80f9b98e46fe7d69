"""JSON and JSON Lines: record shapes, flattening, text detection, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.errors import IngestError
from tests.ingest.ingest_helpers import read


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_list_of_records_with_nested_fields(tmp_path: Path) -> None:
    records = [
        {"id": "a1", "review": {"body": "The strap broke after one week", "stars": 2}, "user": {"name": "kim"}, "tags": ["strap", "quality"]},
        {"id": "a2", "review": {"body": "Perfect gift, arrived early", "stars": 5}, "user": {"name": "lee"}, "tags": []},
    ]
    units = read(_write(tmp_path, "r.json", json.dumps(records)))
    assert [u.text for u in units] == ["The strap broke after one week", "Perfect gift, arrived early"]
    assert units[0].locator.kind == "record" and units[0].locator.field == "review.body"
    assert units[0].metadata == {"id": "a1", "review.stars": 2, "user.name": "kim", "tags": '["strap", "quality"]'}
    assert units[1].metadata["tags"] is None


@pytest.mark.parametrize("wrapper", ["records", "data", "items"])
def test_wrapped_records(tmp_path: Path, wrapper: str) -> None:
    doc = {"meta": {"exported": "2024"}, wrapper: [{"feedback": "Search never finds my orders"}, "Plain string record here"]}
    units = read(_write(tmp_path, "w.json", json.dumps(doc)))
    assert [u.text for u in units] == ["Search never finds my orders", "Plain string record here"]


def test_jsonl_and_json_that_is_really_jsonl(tmp_path: Path) -> None:
    lines = '{"message": "Where is my refund?", "channel": "chat"}\n\n{"message": "App logs me out", "channel": "email"}\n'
    for name in ("t.jsonl", "t.json"):
        units = read(_write(tmp_path, name, lines))
        assert [(u.text, u.metadata["channel"], u.locator.index) for u in units] == [
            ("Where is my refund?", "chat", 0), ("App logs me out", "email", 1),
        ]


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("trunc.json", '[{"text": "fine"}, {"text": "cut o', "invalid JSON: Unterminated string"),
        ("bad.jsonl", '{"text": "ok"}\n{"text": \n', "invalid JSON on line 2"),
        ("deep.json", "[" * 100 + "]" * 100, "JSON is nested deeper than 32 levels"),
        ("deeper.json", "[" * 100000 + "]" * 100000, "JSON is nested too deeply"),
        ("num.json", "42", "expected a list of records or an object, found int"),
        ("notext.json", '[{"a": 1, "b": 2}]', "no text column found among: a, b"),
        ("numbers.json", "[1, 2, 3]", r"the 3 record\(s\) are numbers, not objects or strings"),
    ],
)
def test_bad_json(tmp_path: Path, name: str, content: str, reason: str) -> None:
    with pytest.raises(IngestError, match=f"{name}: {reason}"):
        read(_write(tmp_path, name, content))


def test_records_of_other_shapes_are_skipped_with_one_warning(tmp_path: Path) -> None:
    path = _write(tmp_path, "mixed.json", '[{"id": "a", "text": "Sizes ran small"}, 7, {"id": "b", "text": ""}, {"id": "c", "text": "Quick refund"}]')
    with pytest.warns(UserWarning) as caught:
        units = read(path)
    assert sorted(str(w.message).split(": ", 1)[1] for w in caught) == [
        "1 record(s) that are neither objects nor strings skipped", "1 record(s) with an empty 'text' field skipped"]
    assert [(u.text, u.locator.index, u.respondent) for u in units] == [("Sizes ran small", 0, "mixed.json id=a"), ("Quick refund", 3, "mixed.json id=c")]
