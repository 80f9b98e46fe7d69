"""Fixtures for the refine tests: the hand-built test map, a corpus with respondent attributes, a map store."""

from __future__ import annotations

import pytest

from assistant.mapstore import MapStore
from assistant.refine import Refiner
from tests.mapfixtures import make_map, make_units

AGE_BANDS = {"r1": "18-24", "Maya": "18-24", "r2": "25-34", "r3": "25-34", "r4": "35-44", "r5": "35-44"}


def units_with_age() -> dict:
    """The fixture corpus with an age_band per respondent in every unit's metadata."""
    return {uid: u.model_copy(update={"metadata": {**u.metadata, "age_band": AGE_BANDS[u.respondent]}})
            for uid, u in make_units().items()}


@pytest.fixture
def corpus():
    """(units_by_id, JourneyMap) with age bands in the metadata."""
    return make_map(units_with_age())


@pytest.fixture
def units(corpus):
    return corpus[0]


@pytest.fixture
def jm(corpus):
    return corpus[1]


@pytest.fixture
def unit_list(units):
    return list(units.values())


@pytest.fixture
def store(tmp_path, jm):
    maps = MapStore(tmp_path / "maps")
    maps.save_new(jm)
    return maps


@pytest.fixture
def refiner(store, units):
    return Refiner(store, "map-test", units)
