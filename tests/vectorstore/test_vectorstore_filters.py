"""Metadata filters: normalisation to Chroma syntax, and in-memory evaluation that agrees with Chroma."""

from __future__ import annotations

import pytest

from assistant.errors import StoreError
from vectorstore.filters import MetadataColumns, normalise_where

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


@pytest.mark.parametrize("where", WHERES)
def test_in_memory_mask_matches_chroma(filled_store, where):
    got = filled_store.collection.get(include=["metadatas"])
    columns = MetadataColumns.from_records(got["metadatas"])
    in_memory = {i for i, keep in zip(got["ids"], columns.mask(where)) if keep}
    by_chroma = set(filled_store.collection.get(where=normalise_where(where), include=[])["ids"])
    assert in_memory == by_chroma


def test_columns_round_trip_json_and_rows():
    rows = [{"a": 1, "b": "x"}, {"b": "y"}, {"a": True, "c": 1.5}]
    columns = MetadataColumns.from_json(MetadataColumns.from_records(rows).to_json())
    assert [columns.row(i) for i in range(3)] == rows
    assert columns.mask({"a": 1}).tolist() == [True, False, False]  # True is not 1, as in Chroma
    assert columns.distinct_counts() == {"a": 2, "b": 2, "c": 1}
