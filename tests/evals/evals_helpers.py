"""Shared helpers for the eval tests: a deterministic toy embedder and a fixture copy."""

from __future__ import annotations

import hashlib
import re

import numpy as np


class ToyEmbedder:
    """Bag of hashed lower-case words, L2-normalised: same words -> same vector."""

    name = "toy-bow"
    dimension = 64

    def __init__(self):
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)
