"""Search requests: checked keys, persona resolved from the map, clear errors instead of silent empty tables."""

from __future__ import annotations

import pytest

from assistant.errors import MapNotFoundError, SearchRequestError
from assistant.models import Persona
from assistant.search_filters import check_request, resolve_where

KEYS = ["source", "respondent", "speaker_role", "m.segment", "stage"]


class FakeMap:
    id = "map-1"
    personas = [Persona(id="persona-1", name="Bargain hunters", share=0.5, respondents=["r1", "r2"]),
                Persona(id="persona-2", name="Busy parents", share=0.5, respondents=["r3"])]


def test_persona_by_id_or_name_becomes_its_respondents():
    assert resolve_where({"persona": "persona-1"}, KEYS, FakeMap) == {"respondent": {"$in": ["r1", "r2"]}}
    assert resolve_where({"persona": "busy PARENTS", "m.segment": "new"}, KEYS, FakeMap) \
        == {"m.segment": "new", "respondent": {"$in": ["r3"]}}
    assert resolve_where({"persona": "persona-2", "respondent": "r3"}, KEYS, FakeMap) \
        == {"$and": [{"respondent": "r3"}, {"respondent": {"$in": ["r3"]}}]}


def test_unknown_persona_names_the_personas_there_are():
    with pytest.raises(SearchRequestError, match=r"no persona 'nobody' in map map-1.*persona-1 \(Bargain hunters\), persona-2"):
        resolve_where({"persona": "nobody"}, KEYS, FakeMap)


def test_persona_without_a_map_says_to_draft():
    def no_map():
        raise MapNotFoundError("no maps in this workspace")

    with pytest.raises(SearchRequestError, match="journey draft"):
        resolve_where({"persona": "persona-1"}, KEYS, no_map)


def test_unknown_keys_are_errors_naming_the_valid_keys():
    with pytest.raises(SearchRequestError, match=r"unknown filter key 'foo'.*m\.segment.*persona.*source"):
        resolve_where({"foo": "bar"}, KEYS, FakeMap)
    with pytest.raises(SearchRequestError, match=r"did you mean 'm\.segment'"):
        resolve_where({"m.segmnt": "new"}, KEYS, FakeMap)
    with pytest.raises(SearchRequestError, match="units get their stage when `journey draft` runs"):
        resolve_where({"stage": "purchase"}, ["source"], FakeMap)
    assert resolve_where({"$or": [{"source": "a"}, {"source": "b"}]}, KEYS, FakeMap) == {"$or": [{"source": "a"}, {"source": "b"}]}
    assert resolve_where(None, KEYS, FakeMap) is None


def test_empty_query_and_k_below_one_are_errors():
    for query in ("", "   "):
        with pytest.raises(SearchRequestError, match="query is empty"):
            check_request(query, 10)
    with pytest.raises(SearchRequestError, match="must be 1 or more, got 0"):
        check_request("refund", 0)
    check_request("refund", 1)
