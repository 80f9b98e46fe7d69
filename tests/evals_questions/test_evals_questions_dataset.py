"""The bundled Threadline question set holds against the sample corpus read with the real readers."""

from __future__ import annotations

import re

import pytest

from assistant.ingest import ReadOptions, iter_files, read_file
from assistant.samples import sample_corpus_path
from assistant.stagesets.loader import load_stage_set
from evals.questions import load_questions, resolve_supporting, scope_matches


@pytest.fixture(scope="module")
def units():
    return [u for path, source in iter_files([sample_corpus_path()]) for u in read_file(path, source, ReadOptions())]


@pytest.fixture(scope="module")
def questions():
    return load_questions()


def test_counts_ids_and_splits(questions):
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    assert len(answerable) >= 40 and all(len(q.supporting) >= 2 for q in answerable)
    assert len(unanswerable) >= 20
    assert len({q.id for q in questions}) == len(questions)
    for group in (answerable, unanswerable):
        dev_share = sum(q.split == "dev" for q in group) / len(group)
        assert 0.2 <= dev_share <= 0.45, dev_share
    assert sum(bool(q.scope) for q in answerable) >= 5


def test_answerable_questions_cover_every_b2c_stage(questions):
    b2c = {stage.name for stage in load_stage_set("b2c").stages}
    stages = [q.stage for q in questions if q.answerable]
    assert set(stages) == b2c


def test_every_supporting_quote_resolves_to_respondent_units(questions, units):
    by_id = {u.id: u for u in units}
    sources = {u.source for u in units}
    support = resolve_supporting(questions, units)
    assert set(support) == {q.id for q in questions if q.answerable}
    for q in questions:
        if not q.answerable:
            continue
        assert {s.source for s in q.supporting} <= sources, q.id
        assert len(support[q.id]) >= len(q.supporting) // 2, q.id
        for unit_id in support[q.id]:
            unit = by_id[unit_id]
            assert unit.is_evidence and unit.source in {s.source for s in q.supporting}
            assert scope_matches(unit, q.scope), f"{q.id}: unit {unit_id} is outside scope {q.scope}"


def test_scoped_questions_name_existing_metadata_values(questions, units):
    for q in questions:
        for key, value in q.scope.items():
            assert any(scope_matches(u, {key: value}) for u in units), f"{q.id}: no unit has {key}={value!r}"


def test_unanswerable_terms_occur_in_no_unit(questions, units):
    corpus_text = "\n".join(u.text for u in units)
    for q in questions:
        if q.answerable:
            continue
        assert q.absent, f"{q.id} lists no absent terms"
        for term in q.absent:
            assert not re.search(rf"\b{re.escape(term)}\b", corpus_text, re.IGNORECASE), f"{q.id}: {term!r} is in the corpus"


def test_split_filter(questions):
    dev = load_questions(split="dev")
    test = load_questions(split="test")
    assert dev and test and len(dev) + len(test) == len(questions)
    assert {q.split for q in dev} == {"dev"}
