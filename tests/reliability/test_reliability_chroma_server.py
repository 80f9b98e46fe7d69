"""The Chroma server unreachable or restarted mid-run: a clear StoreError, then a clean resume."""

from __future__ import annotations

import time

import pytest

from assistant.config import Settings
from assistant.errors import StoreError
from tests.servers import ChromaServer, free_port
from tests.vectorstore.conftest import ToyEmbedder, corpus_units
from vectorstore.store import FeedbackStore

pytestmark = pytest.mark.integration


def test_unreachable_server_is_a_clear_store_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    started = time.perf_counter()
    with pytest.raises(StoreError) as info:
        FeedbackStore.from_settings(Settings(home=tmp_path, chroma_url=url), embedder=ToyEmbedder())
    message = str(info.value)
    assert url in message and "chroma run" in message and "JOURNEY_CHROMA_URL" in message
    assert time.perf_counter() - started < 15


def test_server_restarted_mid_run_resumes_cleanly(tmp_path):
    server = ChromaServer(tmp_path)
    server.start()
    try:
        store = FeedbackStore.from_settings(Settings(home=tmp_path / "ws", chroma_url=server.url, collection="restart"),
                                            embedder=ToyEmbedder())
        units = corpus_units()
        store.replace_source("survey.csv", units["survey.csv"], "fp-survey")

        server.stop()
        with pytest.raises(Exception) as down:  # what a caller sees while the server is away
            store.count()
        server.outage_error = f"{type(down.value).__module__}.{type(down.value).__name__}: {down.value}"

        server.start()
        # the same store object carries on: the write that follows the restart works, and nothing was lost
        assert store.replace_source("interview.vtt", units["interview.vtt"], "fp-interview") == (3, 0)
        assert store.count() == 7
        assert store.source_fingerprint("survey.csv") == "fp-survey"
        assert store.replace_source("survey.csv", units["survey.csv"], "fp-survey") == (0, 0)  # no duplicates
        hits = store.search("payment failed checkout", k=3)
        assert hits and hits[0].text.startswith(("Honestly the payment failed", "The checkout page"))
    finally:
        server.stop()
    print(f"error during the outage: {server.outage_error}")
