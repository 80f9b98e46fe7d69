"""The same store against a real Chroma server started with `chroma run`."""

from __future__ import annotations


import pytest

from assistant.config import Settings
from assistant.errors import StoreError
from tests.servers import ChromaServer, free_port
from tests.vectorstore.conftest import ToyEmbedder, corpus_units, make_unit
from vectorstore.store import FeedbackStore, make_client

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def test_round_trip_and_search_through_a_chroma_server(chroma_server, tmp_path):
    settings = Settings(home=tmp_path / "ws", chroma_url=chroma_server, collection="server-test")
    store = FeedbackStore.from_settings(settings, embedder=ToyEmbedder())
    assert not (tmp_path / "ws" / "chroma").exists()  # nothing embedded in the workspace
    units = corpus_units()
    for source, group in units.items():
        store.replace_source(source, group, f"fp-{source}")
    everything = [u for group in units.values() for u in group]
    assert store.count() == len(everything)
    assert store.get_units([u.id for u in everything]) == everything
    assert store.replace_source("survey.csv", units["survey.csv"], "fp-survey.csv") == (0, 0)

    # fingerprints live in Chroma itself: a second client (another machine) sees them
    other = FeedbackStore.from_settings(settings, embedder=ToyEmbedder())
    assert other.source_fingerprint("survey.csv") == "fp-survey.csv"
    assert other.sources() == {"interview.vtt": 3, "survey.csv": 4}

    store.set_unit_labels({units["interview.vtt"][1].id: {"stage": "purchase"}})
    for mode in ("hybrid", "vector", "bm25"):
        hits = other.search("payment failed checkout", k=5, where={"stage": "purchase"}, mode=mode)
        assert [h.unit_id for h in hits] == [units["interview.vtt"][1].id]
    hits = other.search("payment failed checkout", k=3, where={"m.segment": "smb"})
    assert hits[0].unit_id == units["interview.vtt"][1].id and hits[0].vector_score > 0.3

    store.replace_source("survey.csv", [make_unit("survey.csv", 0, "Only one answer left", "r1")], "fp2")
    assert other.sources() == {"interview.vtt": 3, "survey.csv": 1}  # other client's BM25 cache follows

    assert store.remove_sources(["interview.vtt"]) == {"interview.vtt": 3}
    assert other.sources() == {"survey.csv": 1} and other.source_fingerprint("interview.vtt") is None


def test_unreachable_server_is_a_store_error_naming_the_fix(tmp_path):
    settings = Settings(home=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match="chroma run"):
        make_client(settings)


def test_a_long_unicode_text_round_trips_exactly_through_a_chroma_server(chroma_server, tmp_path):
    """The text is stored as a metadata value, not a document: long values must come back byte for byte."""
    settings = Settings(home=tmp_path / "ws", chroma_url=chroma_server, collection="server-long-text")
    store = FeedbackStore.from_settings(settings, embedder=ToyEmbedder())
    text = ("Die Rücksendung dauerte zu lange 🙁 — \"quoted\" and\nnew lines. " * 900) + "zebra refund"
    unit = make_unit("long.txt", 0, text, "r1")
    store.replace_source("long.txt", [unit], "fp")
    assert store.get_units([unit.id]) == [unit] and len(text) > 50_000
    assert store.search("zebra refund", k=1, mode="bm25")[0].text == text
