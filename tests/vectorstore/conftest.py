"""Fakes and fixtures for the store tests: a deterministic toy embedder and unit factories."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.models import FeedbackUnit, Locator, unit_id_for
from vectorstore.store import FeedbackStore


class ToyEmbedder:
    """Hashed bag of words: texts sharing words get similar vectors. Counts its calls and texts."""

    def __init__(self, dimension: int = 64, name: str = "toy-hash"):
        self.dimension = dimension
        self.name = f"{name}-{dimension}"
        self.texts_embedded = 0
        self.calls = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.texts_embedded += len(texts)
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, 0] = 0.05  # never a zero vector
            for word in re.findall(r"\w+", text.lower()):
                out[row, 1 + int(hashlib.md5(word.encode()).hexdigest(), 16) % (self.dimension - 1)] += 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def make_unit(source: str, index: int, text: str, respondent: str | None = "r1", role: str = "respondent", **metadata) -> FeedbackUnit:
    locator = Locator(kind="row", index=index, char_start=0, char_end=len(text), field="answer")
    return FeedbackUnit(
        id=unit_id_for(source, f"row:{index}", text),
        text=text,
        source=source,
        locator=locator,
        respondent=respondent,
        speaker_role=role,
        metadata=metadata,
    )


@pytest.fixture
def toy_embedder() -> ToyEmbedder:
    return ToyEmbedder()


@pytest.fixture
def chroma_client(tmp_path: Path):
    return chromadb.PersistentClient(path=str(tmp_path / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))


@pytest.fixture
def store(chroma_client, toy_embedder, tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(chroma_client, toy_embedder, "feedback", cache_dir=tmp_path / "cache")


CORPUS = {
    "survey.csv": [
        ("The checkout page kept crashing when I tried to pay", "r1", "respondent", {"segment": "smb", "rating": 2}),
        ("Delivery was fast and the packaging was lovely", "r2", "respondent", {"segment": "enterprise", "rating": 5}),
        ("I could not find the pricing page anywhere", "r3", "respondent", {"segment": "smb", "rating": 3}),
        ("Support answered my refund question within minutes", "r4", "respondent", {"segment": "enterprise", "rating": 4}),
    ],
    "interview.vtt": [
        ("What happened when you tried to pay?", "Mod", "interviewer", {}),
        ("Honestly the payment failed twice and I almost gave up on the checkout", "r5", "respondent", {"segment": "smb"}),
        ("Onboarding emails helped me set up my account", "r5", "respondent", {"segment": "smb"}),
    ],
}


def corpus_units() -> dict[str, list[FeedbackUnit]]:
    return {
        source: [make_unit(source, i, text, resp, role, **meta) for i, (text, resp, role, meta) in enumerate(rows)]
        for source, rows in CORPUS.items()
    }


@pytest.fixture
def filled_store(store) -> FeedbackStore:
    for source, units in corpus_units().items():
        store.replace_source(source, units, fingerprint=f"fp-{source}")
    return store
