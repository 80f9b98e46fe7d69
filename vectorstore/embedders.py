"""Embedding functions: local MiniLM int8 ONNX (default, no torch) and OpenAI."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Callable

import numpy as np

from assistant.errors import ConfigError, ModelUnavailableError
from vectorstore.model_files import MINILM_ONNX, MINILM_TOKENIZER

MAX_TOKENS = 256
BATCH_SIZE = 64


class MiniLMOnnxEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime: mean-pool over the mask, then L2-normalise.

    Texts are embedded in length-sorted batches so padding stays small; output keeps input order.
    """

    name = "all-MiniLM-L6-v2-int8-onnx"
    dimension = 384

    def __init__(self, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(MINILM_TOKENIZER.verified_path()))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or len(os.sched_getaffinity(0))
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(MINILM_ONNX.verified_path()), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), BATCH_SIZE):
            batch = order[begin : begin + BATCH_SIZE]
            out[batch] = self._embed_batch([texts[i] for i in batch])
        return out

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


class OpenAIEmbedder:
    """OpenAI (or OpenAI-compatible) embeddings through the openai client."""

    def __init__(self, model: str, api_key: str | None, base_url: str | None = None, dimension: int | None = None):
        from openai import OpenAI

        if not api_key:
            raise ConfigError("the openai embedder needs a key: set OPENAI_API_KEY")
        self._client = OpenAI(api_key=api_key, base_url=base_url)
        self._model = model
        self.name = f"openai:{model}"
        self.dimension = dimension or {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072}.get(model, 1536)

    def embed(self, texts: list[str]) -> np.ndarray:
        rows: list[list[float]] = []
        for begin in range(0, len(texts), 256):
            response = self._client.embeddings.create(model=self._model, input=texts[begin : begin + 256])
            rows += [item.embedding for item in response.data]
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
        return vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)


@lru_cache(maxsize=2)
def default_embedder() -> MiniLMOnnxEmbedder:
    """The process-wide MiniLM embedder (loading the session costs ~0.3 s)."""
    return MiniLMOnnxEmbedder()


EMBEDDERS: dict[str, Callable[..., object]] = {
    "minilm-onnx": lambda settings: default_embedder(),
    "openai": lambda settings: OpenAIEmbedder(
        settings.openai_embedding_model,
        settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
    ),
}


def get_embedder(settings) -> object:
    """The embedder named by settings.embedder; unknown names list the valid ones."""
    factory = EMBEDDERS.get(settings.embedder)
    if factory is None:
        raise ConfigError(f"unknown embedder '{settings.embedder}'; choose one of: {', '.join(EMBEDDERS)}")
    try:
        return factory(settings)
    except ModelUnavailableError:
        raise
