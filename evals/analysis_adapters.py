"""Lazy adapters to the analysis layer (stages, emotion, sentiment, themes) for the accuracy suites.

Each factory returns a predictor ``f(texts) -> labels`` or, when the analysis function is
missing or has an unexpected shape, a message string the suite reports as a skip reason.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any, Callable, Sequence, Union

import numpy as np

Predictor = Callable[[list[str]], Sequence[Any]]
Maybe = Union[Predictor, str]


def _function(module: str, name: str) -> Callable | str:
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as exc:
        return f"{module} is not available ({exc}); install or build the analysis layer to run this metric"
    except AttributeError:
        return f"{module} has no function '{name}'; the accuracy runner needs {module}.{name}"


def _label(value: Any) -> Any:
    """A plain label from whatever the analysis layer returns for one text."""
    if isinstance(value, (str, int, float, np.floating, np.integer)) or value is None:
        return value.item() if hasattr(value, "item") else value
    if isinstance(value, tuple) and value:  # e.g. (label, probability)
        return _label(value[0])
    if isinstance(value, dict):
        for key in ("label", "emotion", "stage", "valence", "cluster"):
            if key in value:
                return value[key]
    for attr in ("label", "emotion", "stage", "valence", "cluster", "dominant"):
        if hasattr(value, attr):
            return _label(getattr(value, attr))
    return value


def _call(fn: Callable, texts: list[str], embedder=None, **extra) -> list:
    """Call fn with texts plus whichever of embedder / vectors / extra keywords its signature accepts."""
    params = inspect.signature(fn).parameters
    kwargs = {k: v for k, v in extra.items() if k in params}
    if "embedder" in params and embedder is not None:
        kwargs["embedder"] = embedder
    first = next(iter(params), "")
    if first in {"unit_vectors", "vectors", "embeddings"}:
        return list(fn(np.asarray(embedder.embed(texts)), texts=texts, **kwargs) if "texts" in params else fn(np.asarray(embedder.embed(texts)), **kwargs))
    return list(fn(texts, **kwargs))


def _adapt(module: str, name: str, embedder=None, **extra) -> Maybe:
    fn = _function(module, name)
    if isinstance(fn, str):
        return fn

    def predict(texts: list[str]) -> list:
        return [_label(v) for v in _call(fn, texts, embedder, **extra)]

    return predict


def predict_or_reason(predictor: Predictor, texts: list[str]) -> list | str:
    """predictor(texts), or a message when a model file or module it needs is absent (other errors propagate)."""
    from assistant.errors import ModelUnavailableError

    try:
        return list(predictor(texts))
    except (ImportError, FileNotFoundError, ModelUnavailableError) as exc:
        return f"the analysis layer could not run: {type(exc).__name__}: {exc}"


def emotion_predictor(embedder=None) -> Maybe:
    """Predictor of one Ekman-7 label per text, from assistant.analysis.emotion.emotions."""
    return _adapt("assistant.analysis.emotion", "emotions", embedder or _default_embedder())


def valence_predictor() -> Maybe:
    """Predictor of a -1..1 valence per text, from assistant.analysis.sentiment.valence."""
    return _adapt("assistant.analysis.sentiment", "valence")


def stage_predictor(stage_set, embedder=None) -> Maybe:
    """Predictor of a stage name (or None) per text, from assistant.analysis.stages.assign_stages."""
    return _adapt("assistant.analysis.stages", "assign_stages", embedder or _default_embedder(), stage_set=stage_set)


def cluster_predictor(embedder=None) -> Maybe:
    """Predictor of a cluster id per text, from assistant.analysis.themes.cluster_texts."""
    return _adapt("assistant.analysis.themes", "cluster_texts", embedder or _default_embedder())


def _default_embedder():
    try:
        from vectorstore.embedders import default_embedder

        return default_embedder()
    except Exception:  # the caller reports the missing model when the predictor runs
        return None
