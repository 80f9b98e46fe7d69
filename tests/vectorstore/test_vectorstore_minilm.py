"""The real MiniLM embedder through the store: paraphrases are found, vectors are reused."""

from __future__ import annotations

import numpy as np

from assistant.config import Settings
from tests.vectorstore.conftest import make_unit
from vectorstore.store import FeedbackStore

TEXTS = [
    "My card still has not arrived after two weeks",
    "How do I change my PIN?",
    "The exchange rate you applied was terrible",
    "I want to close my account",
    "Why was I charged a fee for topping up?",
]


def test_minilm_store_finds_paraphrases(tmp_path):
    store = FeedbackStore.from_settings(Settings(home=tmp_path))
    units = [make_unit("tickets.csv", i, text, f"c{i}") for i, text in enumerate(TEXTS)]
    assert store.replace_source("tickets.csv", units, "fp") == (5, 0)
    assert store.collection.metadata["embedder"] == "all-MiniLM-L6-v2-int8-onnx"
    assert store.collection.metadata["dimension"] == 384

    vector = store.search("the delivery of my new debit card is late", k=1, mode="vector")
    assert vector[0].unit_id == units[0].id and vector[0].vector_score > 0.4
    hybrid = store.search("cancel membership and delete profile", k=2)
    assert hybrid[0].unit_id == units[3].id
    assert np.allclose(store.get_embeddings([units[2].id]), store.embedder.embed([TEXTS[2]]), atol=1e-5)
