"""Loaders for the shared benchmark data and a disk cache of their embeddings (training and benches only)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import numpy as np

EKMAN = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")


def shared_data() -> Path:
    """The shared benchmark data folder: $JOURNEY_SHARED_DATA or ../shared/data beside the repo."""
    env = os.environ.get("JOURNEY_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"


def cache_dir() -> Path:
    """Where embeddings of benchmark data are cached: $JOURNEY_CACHE_DIR or ~/.cache/journey-assistant."""
    env = os.environ.get("JOURNEY_CACHE_DIR")
    path = Path(env) if env else Path.home() / ".cache" / "journey-assistant" / "embeddings"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cached_embed(texts: list[str], embedder, tag: str) -> np.ndarray:
    """Embed `texts`, reusing a cached .npy keyed by embedder name and a hash of the texts."""
    digest = hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]
    path = cache_dir() / f"{tag}-{getattr(embedder, 'name', 'embedder')}-{digest}.npy"
    if path.is_file():
        return np.load(path)
    vectors = embedder.embed(texts).astype(np.float32)
    np.save(path, vectors)
    return vectors


def banking77(split: str) -> tuple[list[str], list[str]]:
    """(texts, intents) of BANKING77 train or test."""
    with open(shared_data() / "banking77" / f"{split}.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["category"] for r in rows]


def banking77_stage_map() -> dict:
    """The stage map of BANKING77 intents (stages with descriptions, intent_to_stage)."""
    return json.loads((shared_data() / "banking77" / "stage_map.json").read_text(encoding="utf-8"))


def goemotions_ekman(split: str) -> tuple[list[str], list[str]]:
    """(texts, Ekman-7 labels) of GoEmotions rows whose labels map to exactly one Ekman class."""
    folder = shared_data() / "goemotions"
    names = (folder / "labels.txt").read_text(encoding="utf-8").split()
    mapping = json.loads((folder / "taxonomy_mappings.json").read_text(encoding="utf-8"))["ekman"]
    to_ekman = {fine: coarse for coarse, fines in mapping.items() for fine in fines}
    to_ekman["neutral"] = "neutral"
    texts, labels = [], []
    with open(folder / f"{split}.tsv", newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            coarse = {to_ekman[names[int(i)]] for i in row[1].split(",")}
            if len(row[1].split(",")) == 1 and len(coarse) == 1:
                texts.append(row[0])
                labels.append(coarse.pop())
    return texts, labels


def vader_ground_truth(name: str) -> tuple[list[str], list[str], np.ndarray]:
    """(ids, texts, mean human rating -4..4) of a VADER ground-truth file ('amazonReviewSnippets' or 'tweets')."""
    path = shared_data() / "reviews" / "vader_amazon_review_snippets" / f"{name}_GroundTruth.txt"
    ids, texts, scores = [], [], []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[2].strip():
            ids.append(parts[0])
            scores.append(float(parts[1]))
            texts.append(parts[2].strip())
    return ids, texts, np.asarray(scores, dtype=np.float64)


def drug_reviews(split: str) -> tuple[list[str], np.ndarray]:
    """(review texts, rating as -1 negative / 0 neutral / +1 positive) of the Drugs.com subset's 'Train' or 'Test'."""
    import html

    path = shared_data() / "reviews" / "drug_reviews_uci_subset" / f"drugsCom{split}.tsv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    texts = [html.unescape(row["review"]).strip().strip('"').strip() for row in rows]
    return texts, np.array([{"negative": -1.0, "neutral": 0.0, "positive": 1.0}[row["rating"]] for row in rows])


def clothing_reviews() -> tuple[list[str], np.ndarray]:
    """(review texts, 1-5 star rating) of the women's clothing reviews that have text."""
    path = shared_data() / "reviews" / "womens_clothing_reviews_first1000" / "Womens_Clothing_E-Commerce_Reviews_first1000.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Review Text"].strip()]
    return [row["Review Text"] for row in rows], np.array([float(row["Rating"]) for row in rows])
