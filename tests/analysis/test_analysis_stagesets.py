import json

import pytest

from assistant.errors import ConfigError
from assistant.stagesets import PRESETS, load_stage_set


@pytest.mark.parametrize("name", PRESETS)
def test_presets_load_with_described_stages_and_few_examples(name):
    stage_set = load_stage_set(name)
    assert stage_set.name == name
    assert len(stage_set.stages) >= 4
    for stage in stage_set.stages:
        assert len(stage.description) > 20
        assert 1 <= len(stage.examples) <= 5


def test_preset_stage_names():
    assert [s.name for s in load_stage_set("support").stages] == ["contact", "diagnosis", "resolution", "follow_up"]
    b2c = [s.name for s in load_stage_set("b2c").stages]
    assert b2c[:3] == ["awareness", "consideration", "purchase"] and b2c[-2:] == ["retention", "advocacy"]
    assert [s.name for s in load_stage_set("education").stages] == [
        "inquiry", "application", "enrollment", "orientation", "studies", "alumni"
    ]


def test_custom_yaml_file(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nstages:\n  - name: a\n    description: first stage\n    examples: [hello]\n  - name: b\n    description: second\n")
    stage_set = load_stage_set(path)
    assert [s.name for s in stage_set.stages] == ["a", "b"]
    assert stage_set.stages[0].examples == ["hello"] and stage_set.stages[1].examples == []


def test_banking77_stage_map_shape_reads_as_custom_json(tmp_path):
    path = tmp_path / "stage_map.json"
    data = {"stages": [{"name": "x", "description": "about x"}, {"name": "y", "description": "about y"}], "intent_to_stage": {"i": "x"}}
    path.write_text(json.dumps(data))
    stage_set = load_stage_set(str(path))
    assert stage_set.name == "stage_map"
    assert [s.description for s in stage_set.stages] == ["about x", "about y"]


@pytest.mark.parametrize(
    "content, field",
    [
        ("name: bad\n", "stages"),
        ("name: bad\nstages:\n  - name: a\n", "stages.0.description"),
        ("name: bad\nstages: []\n", "stages"),
        ("name: bad\nstages:\n  - {name: a, description: d, colour: red}\n", "stages.0.colour"),
        ("name: bad\nstages:\n  - {name: a, description: d}\n  - {name: a, description: e}\n", "stages.1.name"),
        ("name: bad\nstages:\n  - {name: a, description: d, examples: [1a, 2b, 3c, 4d, 5e, 6f]}\n", "stages.0.examples"),
    ],
)
def test_bad_file_names_file_and_field(tmp_path, content, field):
    path = tmp_path / "bad.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_stage_set(path)
    assert str(path) in str(info.value)
    assert f"'{field}'" in str(info.value)


def test_invalid_syntax_and_unknown_name(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(ConfigError, match="broken.json"):
        load_stage_set(path)
    with pytest.raises(ConfigError, match="b2c, saas, support, education"):
        load_stage_set("retail")
