"""The real MiniLM embedder through the store: paraphrases are found, vectors are reused."""

from __future__ import annotations

import numpy as np

from assistant.config import Settings
from tests.vectorstore.conftest import make_unit
from vectorstore.embedders import default_embedder, token_batches
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


def test_token_batches_keep_padded_size_within_the_budget_and_every_index_once():
    lengths = [3, 40, 7, 7, 200, 12, 90, 5]
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = token_batches(order, lengths, budget=64, most=3)
    assert [i for batch in batches for i in batch] == order
    for batch in batches:
        assert len(batch) <= 3
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 64
    assert token_batches([], [], budget=64) == []


def test_minilm_vectors_do_not_depend_on_batching():
    embedder = default_embedder()
    texts = TEXTS + ["ok", "A much longer complaint: " + "the app logged me out again and again. " * 20]
    together = embedder.embed(texts)
    alone = np.vstack([embedder.embed([text]) for text in texts])
    assert together.shape == (len(texts), 384)
    assert np.allclose(together, alone, atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)
