"""Accuracy runners on the shared benchmark data (BANKING77, GoEmotions, VADER snippets).

Each runner returns a SuiteReport; when the data folder (or the analysis function it scores)
is absent, the report is skipped with a message saying why, never an error. Rows are a
deterministic spread sample of the test split (`limit`), scored on test only.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Optional, Sequence

import numpy as np

from assistant.models import StageDefinition, StageSet
from evals import accuracy as acc
from evals import analysis_adapters as A
from evals.core import SuiteReport, timed


def shared_data() -> Path:
    """$JOURNEY_SHARED_DATA, else ../shared/data beside the repository."""
    env = os.environ.get("JOURNEY_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _missing(suite: str, folder: str) -> Optional[SuiteReport]:
    path = shared_data() / folder
    if path.is_dir():
        return None
    return SuiteReport(suite=suite, skipped=f"benchmark data not found at {path}; set JOURNEY_SHARED_DATA to the shared data folder to run it")


def _spread(n: int, limit: int | None) -> list[int]:
    """Evenly spaced row indices (test files are grouped by label, so the head would be one label)."""
    if not limit or limit >= n:
        return list(range(n))
    return [int(i) for i in np.linspace(0, n - 1, limit)]


def _corpora():
    from assistant.analysis import corpora

    return corpora


def banking77_stage_set() -> StageSet:
    stage_map = _corpora().banking77_stage_map()
    return StageSet(name="banking77", stages=[StageDefinition(name=s["name"], description=s["description"]) for s in stage_map["stages"]])


def run_banking77_stages(limit: int | None = 600, predict: Optional[Callable[[list[str]], Sequence]] = None,
                         embedder=None) -> SuiteReport:
    """Stage accuracy / macro-F1 of BANKING77 test queries against stage_map.json."""
    def run() -> SuiteReport:
        corpora = _corpora()
        texts, intents = corpora.banking77("test")
        to_stage = corpora.banking77_stage_map()["intent_to_stage"]
        rows = _spread(len(texts), limit)
        predictor = predict or A.stage_predictor(banking77_stage_set(), embedder)
        if isinstance(predictor, str):
            return SuiteReport(suite="banking77-stages", skipped=predictor)
        predicted = A.predict_or_reason(predictor, [texts[i] for i in rows])
        if isinstance(predicted, str):
            return SuiteReport(suite="banking77-stages", skipped=predicted)
        predicted = [p or acc.UNASSIGNED for p in predicted]
        metrics = acc.stage_metrics([to_stage[intents[i]] for i in rows], predicted, [f"test:{i}" for i in rows])
        return SuiteReport(suite="banking77-stages", metrics=metrics, info={"rows": len(rows), "split": "test"})

    return _missing("banking77-stages", "banking77") or timed(run)


def run_banking77_intents(limit: int | None = 600, k: int = 5, corpus_size: int = 3000,
                          cluster: Optional[Callable[[list[str]], Sequence]] = None, embedder=None) -> SuiteReport:
    """Theme clustering of test queries against intents (NMI, purity) and retrieval by intent agreement.

    Retrieval: each sampled test query searches `corpus_size` train rows by embedding cosine;
    a hit is relevant when its intent equals the query's.
    """
    def run() -> SuiteReport:
        corpora = _corpora()
        texts, intents = corpora.banking77("test")
        rows = _spread(len(texts), limit)
        metrics, notes = [], {}
        predictor = cluster or A.cluster_predictor(embedder)
        if isinstance(predictor, str):
            notes["clustering_skipped"] = predictor
        else:
            clusters = A.predict_or_reason(predictor, [texts[i] for i in rows])
            if isinstance(clusters, str):
                notes["clustering_skipped"] = clusters
            else:
                metrics += acc.clustering_metrics([intents[i] for i in rows], [str(c) for c in clusters])
        model = embedder or A._default_embedder()
        train_texts, train_intents = corpora.banking77("train")
        pick = _spread(len(train_texts), corpus_size)
        doc_vectors = corpora.cached_embed([train_texts[i] for i in pick], model, "banking77-train")
        query_vectors = corpora.cached_embed([texts[i] for i in rows], model, "banking77-test")
        precisions, gains = [], []
        for qi, vector in zip(rows, query_vectors):
            top = np.argsort(-(doc_vectors @ vector))[:k]
            ranked = [str(pick[j]) for j in top]
            relevance = {str(pick[j]): 1.0 for j in range(len(pick)) if train_intents[pick[j]] == intents[qi]}
            precisions.append(acc.M.precision_at_k(ranked, relevance, k))
            gains.append(acc.M.ndcg_at_k(ranked, relevance, k))
        metrics += [acc._measure("precision_at_k", float(np.mean(precisions)), len(rows), None, f"k={k}, {len(rows)} queries, {len(pick)} train docs"),
                    acc._measure("ndcg_at_k", float(np.mean(gains)), len(rows), None, f"k={k}, relevance = same intent")]
        return SuiteReport(suite="banking77-intents", metrics=metrics, info={"rows": len(rows), "embedder": getattr(model, "name", None), **notes})

    return _missing("banking77-intents", "banking77") or timed(run)


def run_goemotions(limit: int | None = 1000, predict: Optional[Callable[[list[str]], Sequence]] = None,
                   embedder=None) -> SuiteReport:
    """Emotion macro-F1 on single-label GoEmotions test rows mapped to Ekman-7 (test split only)."""
    def run() -> SuiteReport:
        texts, labels = _corpora().goemotions_ekman("test")
        rows = _spread(len(texts), limit)
        predictor = predict or A.emotion_predictor(embedder)
        if isinstance(predictor, str):
            return SuiteReport(suite="goemotions", skipped=predictor)
        predicted = A.predict_or_reason(predictor, [texts[i] for i in rows])
        if isinstance(predicted, str):
            return SuiteReport(suite="goemotions", skipped=predicted)
        return SuiteReport(suite="goemotions", metrics=acc.emotion_metrics([labels[i] for i in rows], predicted, [f"test:{i}" for i in rows]),
                           info={"rows": len(rows), "split": "test", "labels": "Ekman-7"})

    return _missing("goemotions", "goemotions") or timed(run)


def run_vader(limit: int | None = None, predict: Optional[Callable[[list[str]], Sequence[float]]] = None) -> SuiteReport:
    """Sentiment Pearson r against the human ratings of the VADER Amazon review snippets (rating / 4)."""
    def run() -> SuiteReport:
        _, texts, scores = _corpora().vader_ground_truth("amazonReviewSnippets")
        rows = _spread(len(texts), limit)
        predictor = predict or A.valence_predictor()
        if isinstance(predictor, str):
            return SuiteReport(suite="vader", skipped=predictor)
        predicted = A.predict_or_reason(predictor, [texts[i] for i in rows])
        if isinstance(predicted, str):
            return SuiteReport(suite="vader", skipped=predicted)
        predicted = [float(v) for v in predicted]
        return SuiteReport(suite="vader", metrics=acc.sentiment_metrics([float(scores[i]) / 4 for i in rows], predicted),
                           info={"rows": len(rows)})

    return _missing("vader", "reviews/vader_amazon_review_snippets") or timed(run)


SHARED_SUITES: dict[str, Callable[..., SuiteReport]] = {
    "banking77-stages": run_banking77_stages,
    "banking77-intents": run_banking77_intents,
    "goemotions": run_goemotions,
    "vader": run_vader,
}
