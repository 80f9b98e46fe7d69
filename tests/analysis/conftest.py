"""Fixtures for the analysis tests: a deterministic toy embedder and unit factories."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

from assistant.models import FeedbackUnit, Locator, unit_id_for


class ToyEmbedder:
    """Bag of hashed words in 384 dimensions, L2-normalised: texts sharing words are similar."""

    name = "toy"
    dimension = 384

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z']+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out[:, 0] += (norms[:, 0] == 0)  # empty texts get a fixed direction
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def make_unit(text: str, index: int, respondent: str | None = None, role: str = "respondent", **metadata) -> FeedbackUnit:
    """A FeedbackUnit from a fake survey file."""
    return FeedbackUnit(
        id=unit_id_for("survey.csv", f"row {index}", text),
        text=text,
        source="survey.csv",
        locator=Locator(kind="row", index=index, char_start=0, char_end=len(text)),
        respondent=respondent,
        speaker_role=role,
        metadata=metadata,
    )


@pytest.fixture
def toy_embedder() -> ToyEmbedder:
    return ToyEmbedder()
