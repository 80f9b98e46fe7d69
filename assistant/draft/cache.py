"""Workspace caches that let a re-draft redo only what changed.

Layout under $JOURNEY_HOME/cache/draft/:
    analysis-<scope>.json   per unit (id + text hash): stage, valence, emotion; and the themes of
                            the last draft of that scope (the --where filter). The file carries the
                            analysis key (stage set, embedder, ANALYSIS_VERSION, the tuned
                            thresholds and the shipped heads' weights); any difference and it is
                            ignored as a whole.
    llm/<key>.json          one validated chain answer per (chain, prompt, model, variables, evidence ids).

Every file is written atomically. A file that cannot be read is ignored with a DraftCacheWarning
and rebuilt by the next draft; deleting the folder is always safe.
"""

from __future__ import annotations

import functools
import hashlib
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from assistant.workspace import atomic_write_text

# Bump when stage assignment, sentiment, emotion or clustering change in a way the thresholds below do not show.
ANALYSIS_VERSION = 4  # 2: stage smoothing votes among at most MAX_VOTERS units; 3: valence averages sentences; 4: survey answers' polarity follows their questions


class DraftCacheWarning(UserWarning):
    """A draft cache file could not be used; the draft recomputes what it held."""


def cache_dir(settings: Any) -> Path:
    return Path(settings.home) / "cache" / "draft"


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _digest(data: Any) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


@functools.cache
def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def analysis_key(stage_set: Any, embedder_name: str) -> dict[str, Any]:
    """What the cached analysis depends on; a cache written under another key is not used."""
    from assistant.analysis import emotion, sentiment, stages, themes

    params = {"unassigned_below": stages.UNASSIGNED_BELOW, "desc_weight": stages.DESC_WEIGHT, "smooth": stages.SMOOTH,
              "neighbours": stages.NEIGHBOURS, "neighbour_min_sim": stages.NEIGHBOUR_MIN_SIM, "max_voters": stages.MAX_VOTERS,
              "distance_threshold": themes.DISTANCE_THRESHOLD, "negative_below": themes.NEGATIVE_BELOW,
              "positive_above": themes.POSITIVE_ABOVE, "polarity_boost": themes.POLARITY_BOOST}
    return {"version": ANALYSIS_VERSION, "stage_set": _digest(stage_set.model_dump(mode="json")),
            "embedder": embedder_name, "params": params,
            "heads": {"valence": file_digest(sentiment.HEAD_PATH), "emotion": file_digest(emotion.HEAD_PATH)}}


def _warn(path: Path, problem: str, run_log: Any) -> None:
    message = f"ignoring draft cache {path} ({problem}); it is rebuilt by this draft"
    warnings.warn(DraftCacheWarning(message), stacklevel=3)
    if run_log is not None:
        run_log.record("cache_ignored", path=str(path), reason=problem)


def _read_json(path: Path, run_log: Any) -> Any | None:
    """The file's JSON, or None when missing; a corrupt file warns and reads as missing."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        _warn(path, f"unreadable: {exc}", run_log)
        return None


# --- per-unit analysis and themes -----------------------------------------------------------

@dataclass
class UnitAnalysis:
    stage: str | None
    valence: float
    emotion: str


@dataclass
class AnalysisCache:
    """Cached per-unit analysis and themes of one draft scope, valid for one analysis key."""

    path: Path
    key: dict[str, Any]
    units: dict[str, UnitAnalysis] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    themes: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def open(cls, settings: Any, stage_set: Any, embedder_name: str, where: Mapping | None, *, fresh: bool = False,
             run_log: Any = None) -> "AnalysisCache":
        """The cache of this scope; empty when `fresh`, missing, unreadable or written under another key."""
        scope = _digest(where or {})[:16]
        cache = cls(path=cache_dir(settings) / f"analysis-{scope}.json", key=analysis_key(stage_set, embedder_name))
        data = None if fresh else _read_json(cache.path, run_log)
        if data is None:
            return cache
        try:
            if data["key"] != cache.key:
                if run_log is not None:
                    run_log.record("cache_invalidated", path=str(cache.path), reason="stage set, embedder or analysis version changed")
                return cache
            for unit_id, entry in data["units"].items():
                cache.units[unit_id] = UnitAnalysis(entry["stage"], float(entry["valence"]), str(entry["emotion"]))
                cache.hashes[unit_id] = str(entry["hash"])
            cache.themes = list(data["themes"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            _warn(cache.path, f"malformed: {type(exc).__name__}: {exc}", run_log)
            cache.units, cache.hashes, cache.themes = {}, {}, []
        return cache

    def known(self, unit_id: str, text: str) -> UnitAnalysis | None:
        """The cached analysis of this unit when its text is unchanged."""
        entry = self.units.get(unit_id)
        return entry if entry is not None and self.hashes.get(unit_id) == text_hash(text) else None

    def save(self, units: Iterable[Any], stage_of: Mapping[str, str | None], valence_of: Mapping[str, float],
             emotion_of: Mapping[str, str], themes: Sequence[Any]) -> None:
        """Replace the cache with this draft's analysis of `units` and its themes."""
        entries = {u.id: {"hash": text_hash(u.text), "stage": stage_of.get(u.id), "valence": valence_of[u.id],
                          "emotion": emotion_of[u.id]} for u in units}
        payload = {"key": self.key, "units": entries, "themes": [t.to_dict() for t in themes]}
        atomic_write_text(self.path, json.dumps(payload, ensure_ascii=False))


# --- LLM answers -----------------------------------------------------------------------------

@dataclass
class LLMCache:
    """Validated chain answers by (chain, prompt version and text, model id, rendered variables, evidence ids)."""

    folder: Path
    run_log: Any = None
    read: bool = True  # False: a full re-draft asks the model again (and refreshes the entries)

    @classmethod
    def for_settings(cls, settings: Any, run_log: Any = None, read: bool = True) -> "LLMCache":
        return cls(cache_dir(settings) / "llm", run_log, read)

    def key(self, chain: str, prompt: Any, handle: Any, variables: Mapping[str, Any], evidence_ids: Sequence[str]) -> str:
        model_id = {"provider": handle.provider, "model": handle.model, "source": handle.answer_source(),
                    "temperature": getattr(handle.chat, "temperature", None)}
        return _digest({"chain": chain, "prompt_version": prompt.version, "prompt": _digest(prompt.model_dump(exclude={"source"})),
                        "model": model_id, "variables": dict(variables), "evidence": list(evidence_ids)})[:40]

    def get(self, key: str, output_model: type, units: Mapping[str, Any]) -> tuple[Any, dict] | None:
        """(parsed answer, evidence by output path), re-validated against the corpus; None on a miss."""
        if not self.read:
            return None
        from pydantic import ValidationError

        from assistant.models import Evidence

        path = self.folder / f"{key}.json"
        data = _read_json(path, self.run_log)
        if data is None:
            return None
        try:
            parsed = output_model.model_validate(data["parsed"])
            evidence = {where: Evidence.model_validate(ev, context={"units": units}) for where, ev in data["evidence"].items()}
        except (KeyError, TypeError, AttributeError, ValidationError) as exc:
            _warn(path, f"malformed or no longer grounded: {type(exc).__name__}", self.run_log)
            return None
        return parsed, evidence

    def put(self, key: str, chain: str, parsed: Any, evidence: Mapping[str, Any]) -> None:
        payload = {"chain": chain, "parsed": parsed.model_dump(mode="json"),
                   "evidence": {where: ev.model_dump(mode="json") for where, ev in evidence.items()}}
        atomic_write_text(self.folder / f"{key}.json", json.dumps(payload, ensure_ascii=False))
