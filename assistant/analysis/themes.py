"""Themes: clusters of units within stage x polarity (negative = pain point, positive = delight).

A survey answer's polarity follows its question when the question asks for one side
(assistant.analysis.asked): answers to "What one thing should we improve?" are pain points
however they score.

Clustering is average-linkage agglomerative on cosine distance with a fixed distance threshold
(``DISTANCE_THRESHOLD``), so the number of themes is automatic. 0.45 was tuned on BANKING77
train (two 3,080-row samples, intents as gold clusters: NMI 0.813 / purity 0.737 vs. k-means
with the true k = 77 at 0.795 / 0.673; 0.40-0.47 all beat it on NMI). Clusters of a single
unit are kept as themes flagged ``outlier=True`` so a one-person finding stays visible.
Cells over ``MAX_CELL`` units are clustered on a sample, then every unit joins its nearest
centroid; units too far from all centroids are clustered again on their own. This keeps the
pairwise work per cell bounded, so the phase grows linearly. 2000 was chosen on BANKING77
train (`cluster_vectors` on 5,000 random rows): NMI 0.797 vs 0.804 exact, in
0.46 s of CPU vs 3.14 s; at 10,000 rows 0.777 vs 0.782 (cap 5000); a cap of 1000 lost 0.02-0.03.

Re-drafts can update earlier themes instead (``update_themes``): a theme whose members are all
still in its cell is kept as it was; new units join the nearest kept theme of their cell when its
centroid is within the distance threshold, and the rest are clustered among themselves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal, Optional, Sequence

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from assistant.analysis.asked import side_of_answer
from assistant.analysis.keywords import class_keywords
from assistant.models import FeedbackUnit, Prevalence

DISTANCE_THRESHOLD = 0.45
NEGATIVE_BELOW = -0.1
POSITIVE_ABOVE = 0.1
MAX_CELL = 2000
REPRESENTATIVES = 3
MMR_LAMBDA = 0.7
# Weight of a member's valence toward its lane, added to its closeness to the centroid when picking
# representatives: a pain point is titled from a member that reads as pain. Tuned on the VADER amazon
# snippets at even positions (0.25 to 1.0 all help; 0.5 is mid-plateau); scored in bench/bench_analysis.py.
POLARITY_BOOST = 0.5

Polarity = Literal["pain", "delight"]


@dataclass
class Theme:
    """A cluster of units in one stage x polarity cell, with its evidence ids and statistics."""

    id: str
    stage: Optional[str]
    polarity: Polarity
    unit_ids: list[str]
    respondents: list[str]
    representative_ids: list[str]
    keywords: list[str]
    cohesion: float
    mean_valence: float
    outlier: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def prevalence(self) -> Prevalence:
        return Prevalence(units=len(self.unit_ids), respondents=len(self.respondents))

    @property
    def confidence(self) -> float:
        """Cohesion discounted by support: r/(r+1) for r respondents, so one voice (cohesion 1.0) reads 0.5."""
        respondents = len(self.respondents)
        return round(self.cohesion * respondents / (respondents + 1), 4)

    @property
    def lane(self) -> str:
        """The Stage field this theme fills: 'pain_points' or 'delights'."""
        return "pain_points" if self.polarity == "pain" else "delights"

    @property
    def representatives(self) -> list[str]:
        return self.representative_ids

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "Theme":
        return cls(**data)


def cluster_texts(texts: Sequence[str], embedder=None, threshold: float = DISTANCE_THRESHOLD) -> list[int]:
    """Cluster label of each text (embedded with `embedder`, default MiniLM); used by the theme benchmarks."""
    if embedder is None:
        from vectorstore.embedders import default_embedder

        embedder = default_embedder()
    return cluster_vectors(embedder.embed(list(texts)), threshold).tolist()


def cluster_vectors(vectors: np.ndarray, threshold: float = DISTANCE_THRESHOLD, max_cell: int = MAX_CELL, seed: int = 0) -> np.ndarray:
    """Cluster label (0..k-1) of each row; cluster count from the cosine distance threshold."""
    n = len(vectors)
    if n <= 1:
        return np.zeros(n, dtype=int)
    if n <= max_cell:
        model = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold, metric="cosine", linkage="average")
        return model.fit_predict(vectors)
    return _cluster_large(vectors, threshold, max_cell, seed)


def _cluster_large(vectors: np.ndarray, threshold: float, max_cell: int, seed: int) -> np.ndarray:
    """Cluster a sample, assign the rest to the nearest centroid, re-cluster the far-away rest."""
    rng = np.random.default_rng(seed)
    sample = rng.choice(len(vectors), max_cell, replace=False)
    sample_labels = cluster_vectors(vectors[sample], threshold, max_cell, seed)
    centroids = _normalise(np.stack([vectors[sample][sample_labels == k].mean(0) for k in range(sample_labels.max() + 1)]))
    labels = np.empty(len(vectors), dtype=int)
    far = np.zeros(len(vectors), dtype=bool)
    for begin in range(0, len(vectors), 4096):
        sims = vectors[begin : begin + 4096] @ centroids.T
        labels[begin : begin + 4096] = sims.argmax(1)
        far[begin : begin + 4096] = sims.max(1) < 1 - threshold
    if far.any():
        labels[far] = cluster_vectors(vectors[far], threshold, max_cell, seed + 1) + labels.max() + 1
    return np.unique(labels, return_inverse=True)[1]


def find_themes(
    units: Sequence[FeedbackUnit],
    vectors: np.ndarray,
    stage_of_unit: Mapping[str, Optional[str]] | Sequence[Optional[str]],
    valence_of_unit: Mapping[str, float] | Sequence[float],
    *,
    side_of_unit: Mapping[str, int] | None = None,
    threshold: float = DISTANCE_THRESHOLD,
    seed: int = 0,
) -> list[Theme]:
    """Pain-point and delight themes of the evidence units, largest (by respondents) first.

    side_of_unit: unit id -> the side its survey question makes it (assistant.analysis.asked.answer_side);
    such a unit's polarity follows its question rather than its valence alone.
    """
    valences, cells = _cells(units, stage_of_unit, valence_of_unit, side_of_unit)
    themes: list[Theme] = []
    for (stage, polarity), members in cells:
        themes += _cluster_cell(units, vectors, valences, members, stage, polarity, threshold, seed)
    _add_keywords(themes, units)
    return _ranked(themes)


def update_themes(
    units: Sequence[FeedbackUnit],
    vectors: np.ndarray,
    stage_of_unit: Mapping[str, Optional[str]] | Sequence[Optional[str]],
    valence_of_unit: Mapping[str, float] | Sequence[float],
    previous: Sequence[Theme],
    *,
    side_of_unit: Mapping[str, int] | None = None,
    threshold: float = DISTANCE_THRESHOLD,
    seed: int = 0,
) -> tuple[list[Theme], int]:
    """(themes, how many were kept unchanged): `previous` themes updated with the units they do not cover.

    A previous theme all of whose members are still in its stage x polarity cell is kept; units
    outside the kept themes join the nearest one whose centroid is within `threshold` (cosine
    distance), which rebuilds it; the rest are clustered among themselves. Kept themes keep
    their id, representatives and keywords, so their labels can be reused. side_of_unit: as in find_themes.
    """
    valences, cells = _cells(units, stage_of_unit, valence_of_unit, side_of_unit)
    earlier: dict[tuple[Optional[str], str], list[Theme]] = {}
    for theme in previous:
        earlier.setdefault((theme.stage, theme.polarity), []).append(theme)
    themes: list[Theme] = []
    rebuilt: list[Theme] = []
    for (stage, polarity), members in cells:
        row_of = {units[i].id: i for i in members}
        kept = [t for t in earlier.get((stage, polarity), []) if all(i in row_of for i in t.unit_ids)]
        covered = {i for t in kept for i in t.unit_ids}
        loose = [i for i in members if units[i].id not in covered]
        joined: dict[int, list[int]] = {}
        if kept and loose:
            centroids = _normalise(np.stack([vectors[[row_of[i] for i in t.unit_ids]].mean(0) for t in kept]))
            sims = vectors[loose] @ centroids.T
            nearest = sims.argmax(1)
            near = sims.max(1) >= 1 - threshold
            for row, k, ok in zip(loose, nearest, near):
                if ok:
                    joined.setdefault(int(k), []).append(row)
            loose = [row for row, ok in zip(loose, near) if not ok]
        for k, theme in enumerate(kept):
            if k in joined:
                rebuilt.append(_theme(units, vectors, valences, [row_of[i] for i in theme.unit_ids] + joined[k], stage, polarity))
            else:
                themes.append(theme)
        if loose:
            rebuilt += _cluster_cell(units, vectors, valences, loose, stage, polarity, threshold, seed)
    kept_count = len(themes)
    _add_keywords(themes + rebuilt, units, only=rebuilt)
    return _ranked(themes + rebuilt), kept_count


def _cells(units, stage_of_unit, valence_of_unit, side_of_unit: Mapping[str, int] | None = None) -> tuple[np.ndarray, list[tuple[tuple[Optional[str], Polarity], list[int]]]]:
    """(valences in unit order, [((stage, polarity), row indices)] in a stable cell order)."""
    sides = side_of_unit or {}
    stages = _aligned(units, stage_of_unit)
    valences = np.array([0.0 if v is None else float(v) for v in _aligned(units, valence_of_unit)])
    cells: dict[tuple[Optional[str], Polarity], list[int]] = {}
    for i, unit in enumerate(units):
        polarity = _polarity(valences[i], sides.get(unit.id, 0))
        if unit.is_evidence and polarity is not None:
            cells.setdefault((stages[i], polarity), []).append(i)
    return valences, sorted(cells.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))


def _cluster_cell(units, vectors, valences, members: list[int], stage, polarity: Polarity, threshold: float, seed: int) -> list[Theme]:
    labels = cluster_vectors(vectors[members], threshold, seed=seed)
    return [_theme(units, vectors, valences, [members[j] for j in np.flatnonzero(labels == k)], stage, polarity)
            for k in range(labels.max() + 1)]


def _ranked(themes: list[Theme]) -> list[Theme]:
    return sorted(themes, key=lambda t: (t.outlier, -len(t.respondents), -len(t.unit_ids), t.id))


def _theme(units, vectors, valences, rows: list[int], stage, polarity: Polarity) -> Theme:
    member_vectors = vectors[rows]
    centroid = _normalise(member_vectors.mean(0, keepdims=True))[0]
    sims = member_vectors @ centroid
    unit_ids = [units[i].id for i in rows]
    respondents = sorted({units[i].respondent or units[i].id for i in rows})
    toward_lane = valences[rows] if polarity == "delight" else -valences[rows]
    picked = mmr(member_vectors, centroid, REPRESENTATIVES, MMR_LAMBDA, boost=POLARITY_BOOST * toward_lane)
    return Theme(
        id="th_" + hashlib.sha256("\n".join(sorted(unit_ids)).encode()).hexdigest()[:12],
        stage=stage,
        polarity=polarity,
        unit_ids=unit_ids,
        respondents=respondents,
        representative_ids=[unit_ids[j] for j in picked],
        keywords=[],
        cohesion=round(float(sims.mean()), 4),
        mean_valence=round(float(valences[rows].mean()), 4),
        outlier=len(rows) == 1,
    )


def mmr(vectors: np.ndarray, centroid: np.ndarray, n: int, lam: float = MMR_LAMBDA, boost: np.ndarray | None = None) -> list[int]:
    """Indices of up to n rows close to the centroid and diverse among themselves (maximal marginal relevance).

    boost: added to each row's closeness to the centroid (e.g. how clearly it says what its lane says).
    """
    relevance = vectors @ centroid if boost is None else vectors @ centroid + boost
    chosen = [int(relevance.argmax())]
    while len(chosen) < min(n, len(vectors)):
        redundancy = (vectors @ vectors[chosen].T).max(axis=1)
        score = lam * relevance - (1 - lam) * redundancy
        score[chosen] = -np.inf
        chosen.append(int(score.argmax()))
    return chosen


def _add_keywords(themes: list[Theme], units: Sequence[FeedbackUnit], only: Sequence[Theme] | None = None) -> None:
    """Keywords of each theme against all the others (c-TF-IDF); with `only`, just those themes get new ones."""
    targets = {id(t) for t in (themes if only is None else only)}
    if not targets:
        return
    by_id = {u.id: u.text for u in units}
    docs = [" ".join(by_id[i] for i in t.unit_ids) for t in themes]
    for theme, words in zip(themes, class_keywords(docs)):
        if id(theme) in targets:
            theme.keywords = words


def _polarity(value: float, side: int = 0) -> Optional[Polarity]:
    if side:
        return "pain" if side_of_answer(side, value) < 0 else "delight"
    if value <= NEGATIVE_BELOW:
        return "pain"
    if value >= POSITIVE_ABOVE:
        return "delight"
    return None


def _aligned(units: Sequence[FeedbackUnit], values):
    """Values in unit order, from a mapping by unit id or a sequence aligned with the units."""
    if isinstance(values, Mapping):
        return [values.get(u.id) for u in units]
    values = list(values)
    if len(values) != len(units):
        raise ValueError(f"got {len(values)} values for {len(units)} units; pass one per unit or a dict by unit id")
    return values


def _normalise(x: np.ndarray) -> np.ndarray:
    return x / np.clip(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12, None)
