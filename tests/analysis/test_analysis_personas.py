from assistant.analysis.personas import categorical_keys, find_personas
from tests.analysis.conftest import make_unit

STUDENT = ["cheap student discount great", "student budget discount cheap", "discount for students cheap price"]
PRO = ["invoice billing for my company team", "company team billing invoice seats", "team seats company invoice"]


def _corpus():
    units, i = [], 0
    for r in range(6):
        group, plan = (STUDENT, "free") if r < 3 else (PRO, "business")
        for text in group[:2] if r % 2 else group:
            units.append(make_unit(text, i, respondent=f"r{r}", plan=plan, age=20 + r))
            i += 1
    units.append(make_unit("do you like the product?", i, respondent="mod", role="interviewer"))
    units.append(make_unit("cheap discount student price", i + 1))  # no respondent: counts as its own
    return units


def test_segments_by_content_and_metadata(toy_embedder):
    units = _corpus()
    vectors = toy_embedder.embed([u.text for u in units])
    stage = {u.id: ("pricing" if "discount" in u.text else "billing") for u in units}
    valence = {u.id: (0.5 if "discount" in u.text else -0.5) for u in units}
    segments = find_personas(units, vectors, stage_of_unit=stage, valence_of_unit=valence)
    assert len(segments) == 2
    big, small = segments
    assert big.id == "seg_1" and big.respondents == sorted(["r0", "r1", "r2", units[-1].id])
    assert small.respondents == ["r3", "r4", "r5"]
    assert big.share == round(4 / 7, 4) and small.share == round(3 / 7, 4)
    assert [(a.key, a.value, a.count) for a in small.attributes] == [("plan", "business", 3)]
    assert big.stage_valence == {"pricing": 0.5} and small.stage_valence == {"billing": -0.5}
    interviewer = units[-2].id
    assert interviewer not in big.unit_ids + small.unit_ids
    assert set(big.representatives) <= set(big.unit_ids) and big.representatives


def test_fixed_count_and_determinism(toy_embedder):
    units = _corpus()
    vectors = toy_embedder.embed([u.text for u in units])
    three = find_personas(units, vectors, n=3)
    assert len(three) == 3 and sum(len(s.respondents) for s in three) == 7
    assert [s.respondents for s in find_personas(units, vectors, n=3)] == [s.respondents for s in three]
    assert len(find_personas(units, vectors, n=1)) == 1


def test_categorical_keys_skip_numbers():
    units = _corpus()
    assert categorical_keys(units) == ["plan"]


def test_tiny_inputs(toy_embedder):
    units = [make_unit("only one voice here", 0, respondent="a")]
    segments = find_personas(units, toy_embedder.embed([units[0].text]))
    assert len(segments) == 1 and segments[0].respondents == ["a"] and segments[0].share == 1.0
    assert find_personas([], toy_embedder.embed([])) == []


def test_categorical_keys_skip_a_column_that_restates_the_respondent():
    units = [make_unit(f"text {i}", i, respondent=f"r{i}", plan="free" if i % 2 else "pro", speaker=f"r{i}") for i in range(4)]
    assert categorical_keys(units) == ["plan"]
