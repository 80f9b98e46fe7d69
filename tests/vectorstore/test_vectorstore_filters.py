"""Metadata filters: normalisation to Chroma syntax, in-memory evaluation that agrees with Chroma, and store reads filtered by it."""

from __future__ import annotations

import pytest

from assistant.errors import StoreError
from tests.vectorstore.conftest import corpus_units
from vectorstore.filters import MetadataColumns, normalise_where, part_on_keys
from vectorstore.records import unit_metadata

WHERES = [
    {"source": "survey.csv"},
    {"m.segment": ["smb", "enterprise"]},
    {"m.segment": "smb", "speaker_role": "respondent"},
    {"m.rating": {"$gte": 3}},
    {"m.rating": {"$gt": 2, "$lt": 5}},
    {"m.segment": {"$ne": "smb"}},
    {"m.segment": {"$nin": ["enterprise"]}},
    {"$or": [{"respondent": "r1"}, {"respondent": "Mod"}]},
    {"$and": [{"source": "interview.vtt"}, {"$or": [{"speaker_role": "interviewer"}, {"m.segment": "smb"}]}]},
    {"m.missing_column": "x"},
    {"m.missing_column": {"$ne": "x"}},
    {"m.rating": 5.0},
]


def test_shorthands_become_strict_chroma_syntax():
    assert normalise_where(None) is None and normalise_where({}) is None
    assert normalise_where({"a": 1}) == {"a": {"$eq": 1}}
    assert normalise_where({"a": [1, 2], "b": "x"}) == {"$and": [{"a": {"$in": [1, 2]}}, {"b": {"$eq": "x"}}]}
    assert normalise_where({"$and": [{"a": 1}]}) == {"a": {"$eq": 1}}
    assert normalise_where({"a": {"$gt": 1, "$lt": 3}}) == {"$and": [{"a": {"$gt": 1}}, {"a": {"$lt": 3}}]}


@pytest.mark.parametrize("bad", [{"$xor": []}, {"a": {"$like": "x"}}, {"a": {"$in": []}}, {"a": None}, {"$or": []}, {"a": {}}])
def test_invalid_filters_are_typed_errors(bad):
    with pytest.raises(StoreError, match="invalid filter"):
        normalise_where(bad)


@pytest.fixture
def flat_collection(chroma_client, toy_embedder):
    """The test corpus with every flat key a Chroma key, so Chroma itself can evaluate each filter."""
    units = [u for group in corpus_units().values() for u in group]
    collection = chroma_client.create_collection("flat")
    collection.add(ids=[u.id for u in units], embeddings=toy_embedder.embed([u.text for u in units]), metadatas=[unit_metadata(u) for u in units])
    return collection


@pytest.mark.parametrize("where", WHERES)
def test_in_memory_mask_matches_chroma(flat_collection, where):
    got = flat_collection.get(include=["metadatas"])
    columns = MetadataColumns.from_records(got["metadatas"])
    in_memory = {i for i, keep in zip(got["ids"], columns.mask(where)) if keep}
    by_chroma = set(flat_collection.get(where=normalise_where(where), include=[])["ids"])
    assert in_memory == by_chroma


@pytest.mark.parametrize("where", WHERES)
def test_store_reads_match_the_filter_on_flat_keys(filled_store, flat_collection, where):
    expected = set(flat_collection.get(where=normalise_where(where), include=[])["ids"])
    assert {u.id for u in filled_store.all_units(where=where)} == expected
    assert {u.id for u in filled_store.units_with_vectors(where=where)[0]} == expected
    assert filled_store.evidence_counts(where)[0] == len([u for u in filled_store.get_units(sorted(expected)) if u.speaker_role == "respondent"])


def test_every_filter_in_the_list_selects_some_records_but_not_all(flat_collection):
    total = flat_collection.count()
    counts = [len(flat_collection.get(where=normalise_where(w), include=[])["ids"]) for w in WHERES if "m.missing_column" not in str(w)]
    assert all(0 < n < total for n in counts), counts


def test_the_part_chroma_can_evaluate_keeps_and_clauses_on_usable_keys_and_only_whole_ors():
    usable = lambda key: key in ("source", "stage")  # noqa: E731
    assert part_on_keys(None, usable) is None
    assert part_on_keys(normalise_where({"source": "a", "m.x": 1}), usable) == {"source": {"$eq": "a"}}
    assert part_on_keys(normalise_where({"m.x": 1}), usable) is None
    both = normalise_where({"$or": [{"source": "a"}, {"stage": "b"}]})
    assert part_on_keys(both, usable) == both
    assert part_on_keys(normalise_where({"$or": [{"source": "a"}, {"m.x": 1}]}), usable) is None
    nested = normalise_where({"stage": "b", "$or": [{"source": "a"}, {"respondent": "r"}]})
    assert part_on_keys(nested, usable) == {"stage": {"$eq": "b"}}


def test_columns_round_trip_json_and_rows():
    rows = [{"a": 1, "b": "x"}, {"b": "y"}, {"a": True, "c": 1.5}]
    columns = MetadataColumns.from_json(MetadataColumns.from_records(rows).to_json())
    assert [columns.row(i) for i in range(3)] == rows
    assert columns.mask({"a": 1}).tolist() == [True, False, False]  # True is not 1, as in Chroma
    assert columns.distinct_counts() == {"a": 2, "b": 2, "c": 1}
