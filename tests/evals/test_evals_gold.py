import json
from pathlib import Path

import pytest

from assistant.errors import ConfigError
from evals.gold import StageLabel, detect_kind, load_gold, load_gold_dir, resolve_units
from tests.mapfixtures import make_units


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_kinds_are_detected_from_fields(tmp_path: Path):
    files = {
        "stage": [{"unit_id": "u1", "stage": "purchase"}],
        "emotion": [{"text": "so annoying", "emotion": "anger"}],
        "valence": [{"text": "great", "valence": 0.8}],
        "cluster": [{"unit_id": "u1", "theme": "checkout"}],
        "qrels": [{"query": "checkout fails", "unit_id": "u1", "relevance": 2}],
        "questions": [{"question": "why?", "answerable": True, "supporting_unit_ids": ["u1"]}],
    }
    for kind, rows in files.items():
        gold = load_gold(_write_jsonl(tmp_path / f"{kind}.jsonl", rows))
        assert gold.kind == kind and len(gold.rows) == 1
    assert set(load_gold_dir(tmp_path)) == set(files)
    assert load_gold(tmp_path / "cluster.jsonl").rows[0].cluster == "checkout"


def test_yaml_question_set_and_dataset_round_trip(tmp_path: Path):
    path = tmp_path / "questions.yaml"
    path.write_text("- question: Why does checkout fail?\n  answerable: true\n  supporting_unit_ids: [u1, u2]\n"
                    "- question: What about the café?\n  answerable: false\n", encoding="utf-8")
    gold = load_gold(path)
    dataset = gold.to_dataset()
    assert dataset.kind == "questions" and dataset.cases[0].expected == {"answerable": True, "supporting_unit_ids": ["u1", "u2"]}
    dataset.save(tmp_path / "as_dataset.yaml")
    again = load_gold(tmp_path / "as_dataset.yaml")
    assert [r.question for r in again.rows] == [r.question for r in gold.rows]
    assert again.rows[1].answerable is False


def test_label_dataset_round_trip_jsonl(tmp_path: Path):
    gold = load_gold(_write_jsonl(tmp_path / "s.jsonl", [{"unit_id": "u1", "stage": "a"}, {"text": "t", "stage": "b"}]))
    gold.to_dataset().save(tmp_path / "ds.jsonl")
    again = load_gold(tmp_path / "ds.jsonl")
    assert again.kind == "stage" and again.rows == gold.rows


def test_errors_name_the_row_and_the_fix(tmp_path: Path):
    with pytest.raises(ConfigError, match="row 2: .*unit_id or text"):
        load_gold(_write_jsonl(tmp_path / "bad.jsonl", [{"unit_id": "u", "stage": "a"}, {"stage": "b"}]))
    with pytest.raises(ConfigError, match="cannot tell"):
        detect_kind({"foo": 1})
    with pytest.raises(ConfigError, match="does not exist"):
        load_gold(tmp_path / "nope.jsonl")
    with pytest.raises(ConfigError, match="row 1"):
        load_gold(_write_jsonl(tmp_path / "v.jsonl", [{"text": "x", "valence": 3}]))


def test_rows_resolve_by_id_or_exact_text():
    units = make_units()
    first = next(iter(units.values()))
    rows = [StageLabel(unit_id=first.id, stage="a"), StageLabel(text="  " + first.text + " ", stage="a"),
            StageLabel(text="not in corpus", stage="b")]
    assert resolve_units(rows, units) == [first.id, first.id, None]
