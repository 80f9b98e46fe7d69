"""Train the valence head: ridge regression on MiniLM embeddings (run `python -m assistant.analysis.train_valence`).

Training data: VADER tweets ground truth (mean rating / 4) and GoEmotions train single-label rows
mapped to valence (joy +1; anger, disgust, fear, sadness -1; neutral 0; surprise left out).
The blend weight with VADER is picked on GoEmotions dev. Embeddings are cached outside the repo.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import pearsonr
from sklearn.linear_model import Ridge

from assistant.analysis import corpora
from assistant.analysis.sentiment import HEAD_PATH, vader_valence

EKMAN_VALENCE = {"joy": 1.0, "anger": -1.0, "disgust": -1.0, "fear": -1.0, "sadness": -1.0, "neutral": 0.0}
ALPHA = 3.0
GOEMOTIONS_WEIGHT = 0.25  # per-row weight: GoEmotions labels are coarse (-1/0/1) and plentiful


def goemotions_valence(split: str, embedder) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(texts, vectors, valence) of GoEmotions single-label rows with a clear valence."""
    texts, labels = corpora.goemotions_ekman(split)
    vectors = corpora.cached_embed(texts, embedder, f"goemotions-{split}")
    keep = [i for i, label in enumerate(labels) if label in EKMAN_VALENCE]
    return [texts[i] for i in keep], vectors[keep], np.array([EKMAN_VALENCE[labels[i]] for i in keep])


def main() -> None:
    from vectorstore.embedders import default_embedder

    embedder = default_embedder()
    _, tweets, tweet_scores = corpora.vader_ground_truth("tweets")
    tweet_vectors = corpora.cached_embed(tweets, embedder, "vader-tweets")
    _, go_vectors, go_valence = goemotions_valence("train", embedder)
    features = np.vstack([tweet_vectors, go_vectors])
    target = np.concatenate([tweet_scores / 4.0, go_valence])
    weights = np.concatenate([np.ones(len(tweets)), np.full(len(go_valence), GOEMOTIONS_WEIGHT)])
    ridge = Ridge(alpha=ALPHA).fit(features, target, sample_weight=weights)

    dev_texts, dev_vectors, dev_valence = goemotions_valence("dev", embedder)
    head = np.clip(ridge.predict(dev_vectors), -1, 1)
    vader = vader_valence(dev_texts)
    grid = np.round(np.arange(0, 1.01, 0.1), 2)
    scores = [pearsonr(w * head + (1 - w) * vader, dev_valence)[0] for w in grid]
    blend = float(grid[int(np.argmax(scores))])
    print(f"GoEmotions dev Pearson r by blend weight: {dict(zip(grid.tolist(), np.round(scores, 4).tolist()))}")
    HEAD_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        HEAD_PATH, coef=ridge.coef_.astype(np.float32), intercept=np.float32(ridge.intercept_), blend=np.float32(blend)
    )
    print(f"wrote {HEAD_PATH} (blend weight {blend})")


if __name__ == "__main__":
    main()
