"""Persona segments: clusters of respondents by what they said and their categorical metadata.

A respondent is the normalised mean of their evidence units' embeddings, plus one-hot values of
low-cardinality metadata keys (segment, age band, channel, plan ...) scaled by
``METADATA_WEIGHT``. k-means picks the count by silhouette over k = 2..6 unless `n` is given.
With more than ``FIT_SAMPLE`` respondents, k-means is fitted on a seeded sample of them and
every respondent joins its nearest centroid, so time stays linear in the corpus (a full fit of
12,500 respondents x 4 k x 10 restarts cost minutes of CPU).
Units without a respondent count as their own respondent; interviewer/agent units are ignored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from assistant.models import AttributeCount, FeedbackUnit

METADATA_WEIGHT = 0.5
MANY_RESPONDENTS = 60
K_RANGE = range(2, 7)
MAX_CARDINALITY = 12
REPRESENTATIVES = 5
FIT_SAMPLE = 3000  # respondents k-means is fitted on; the centroids of k <= 6 barely move past this
SILHOUETTE_SAMPLE = 5000


@dataclass
class Segment:
    """A respondent cluster: who is in it, what they share and the units they said."""

    id: str
    share: float
    respondents: list[str]
    attributes: list[AttributeCount]
    unit_ids: list[str]
    representatives: list[str] = field(default_factory=list)
    stage_valence: dict[str, float] = field(default_factory=dict)
    stage_units: dict[str, list[str]] = field(default_factory=dict)


def respondent_of(unit: FeedbackUnit) -> str:
    """The respondent id of a unit; the unit id when it has none."""
    return unit.respondent or unit.id


def categorical_keys(units: Sequence[FeedbackUnit]) -> list[str]:
    """Metadata keys with 2..MAX_CARDINALITY distinct string/bool values (numbers and free text are left out)."""
    values: dict[str, set] = defaultdict(set)
    for unit in units:
        for key, value in unit.metadata.items():
            if unit.respondent is not None and value == unit.respondent:
                values[key].add(None)  # the respondent id column again: one value per person describes no group
            elif isinstance(value, str) and value != "":
                # a question or a phrase describes the record, not the person (e.g. a survey's question column)
                values[key].add(None if value.endswith("?") or len(value.split()) > 4 else value)
            elif value is not None:
                values[key].add(None)  # a number or a yes/no flag marks the key as non-categorical
    return sorted(k for k, v in values.items() if None not in v and 2 <= len(v) <= MAX_CARDINALITY)


def find_personas(
    units: Sequence[FeedbackUnit],
    vectors: np.ndarray,
    n: int | None = None,
    *,
    stage_of_unit: Mapping[str, Optional[str]] | None = None,
    valence_of_unit: Mapping[str, float] | None = None,
    metadata_weight: float = METADATA_WEIGHT,
    seed: int = 0,
) -> list[Segment]:
    """Respondent segments, largest first; `n` fixes the count, else silhouette picks it over 2..6."""
    rows = [i for i, u in enumerate(units) if u.is_evidence]
    if not rows:
        return []
    by_respondent: dict[str, list[int]] = defaultdict(list)
    for i in rows:
        by_respondent[respondent_of(units[i])].append(i)
    people = sorted(by_respondent)
    keys = categorical_keys([units[i] for i in rows])
    profile = {p: _profile(units, by_respondent[p], keys) for p in people}
    features = _features(vectors, by_respondent, people, profile, keys, metadata_weight)
    labels = _cluster(features, n, seed)
    segments = [
        _segment(units, [p for p, lab in zip(people, labels) if lab == k], by_respondent, profile, keys, len(people), stage_of_unit, valence_of_unit)
        for k in sorted(set(labels))
    ]
    for segment in segments:
        segment.representatives = _representatives(units, vectors, segment.unit_ids)
    segments.sort(key=lambda s: (-len(s.respondents), s.respondents[0]))
    for number, segment in enumerate(segments, start=1):
        segment.id = f"seg_{number}"
    return segments


def _profile(units, rows: list[int], keys: list[str]) -> dict[str, str]:
    """The respondent's most frequent value of each categorical key."""
    out = {}
    for key in keys:
        seen = Counter(str(units[i].metadata[key]) for i in rows if units[i].metadata.get(key) not in (None, ""))
        if seen:
            out[key] = sorted(seen.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return out


def _features(vectors, by_respondent, people, profile, keys, weight) -> np.ndarray:
    text = np.stack([vectors[by_respondent[p]].mean(0) for p in people])
    text /= np.clip(np.linalg.norm(text, axis=1, keepdims=True), 1e-12, None)
    columns = sorted({(k, v) for p in people for k, v in profile[p].items()})
    if not columns or weight <= 0:
        return text
    onehot = np.zeros((len(people), len(columns)), dtype=np.float32)
    index = {c: j for j, c in enumerate(columns)}
    for row, p in enumerate(people):
        for k, v in profile[p].items():
            onehot[row, index[(k, v)]] = 1.0
    return np.hstack([text, onehot * weight / np.sqrt(len(keys))])


def _cluster(features: np.ndarray, n: int | None, seed: int) -> np.ndarray:
    count = len(features)
    distinct = len(np.unique(features.round(6), axis=0))  # k-means cannot make more clusters than points
    if n is not None:
        k = max(1, min(n, distinct))
        return _kmeans(features, k, seed) if k > 1 else np.zeros(count, dtype=int)
    if distinct < 3:
        return np.zeros(count, dtype=int)
    best, best_score = np.zeros(count, dtype=int), -1.0
    # with many respondents a two-way split is rarely a useful set of personas, so auto starts at three
    for k in (K_RANGE if count < MANY_RESPONDENTS else [k for k in K_RANGE if k >= 3]):
        if k >= distinct:
            break
        labels = _kmeans(features, k, seed)
        score = silhouette_score(features, labels, random_state=seed, sample_size=min(count, SILHOUETTE_SAMPLE))
        if score > best_score + 1e-9:
            best, best_score = labels, score
    return best


def _kmeans(features: np.ndarray, k: int, seed: int, fit_sample: int = FIT_SAMPLE) -> np.ndarray:
    """k-means labels of every row; fitted on a seeded sample of `fit_sample` rows when there are more."""
    from threadpoolctl import threadpool_limits

    model = KMeans(n_clusters=k, n_init=10, random_state=seed)
    # one OpenMP thread: on a 2-core or busy machine k-means' threads spin against each other and
    # other processes (40 fits of 500 respondents under load: 21 s wall with default threads, 1.5 s with one)
    with threadpool_limits(limits=1, user_api="openmp"):
        if len(features) <= fit_sample:
            return model.fit_predict(features)
        sample = np.random.default_rng(seed).choice(len(features), fit_sample, replace=False)
        model.fit(features[sample])
        return model.predict(features)


def _representatives(units, vectors, unit_ids: list[str]) -> list[str]:
    """Up to REPRESENTATIVES unit ids near the segment's centroid and diverse among themselves (MMR)."""
    from assistant.analysis.themes import mmr

    row_of = {u.id: i for i, u in enumerate(units)}
    member = vectors[[row_of[u] for u in unit_ids]]
    centroid = member.mean(0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    return [unit_ids[j] for j in mmr(member, centroid, REPRESENTATIVES)]


def _segment(units, members, by_respondent, profile, keys, total, stage_of_unit, valence_of_unit) -> Segment:
    rows = sorted(i for p in members for i in by_respondent[p])
    attributes = []
    for key in keys:
        counts = Counter(profile[p][key] for p in members if key in profile[p])
        attributes += [AttributeCount(key=key, value=v, count=c) for v, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    stage_units: dict[str, list[str]] = defaultdict(list)
    if stage_of_unit is not None:
        for i in rows:
            stage = stage_of_unit.get(units[i].id)
            if stage is not None:
                stage_units[stage].append(units[i].id)
    stage_valence = {}
    if valence_of_unit is not None:
        for stage, ids in stage_units.items():
            values = [valence_of_unit[u] for u in ids if u in valence_of_unit]
            if values:
                stage_valence[stage] = round(float(np.mean(values)), 4)
    return Segment(
        id="",
        share=round(len(members) / total, 4),
        respondents=sorted(members),
        attributes=attributes,
        unit_ids=[units[i].id for i in rows],
        stage_valence=stage_valence,
        stage_units=dict(stage_units),
    )
