"""Train the Ekman-7 emotion head (run `python -m assistant.analysis.train_emotion`).

Steps: embed GoEmotions train/dev single-label rows with MiniLM (cached outside the repo,
see corpora.cache_dir), add VADER scores, fit candidate heads on train (class-balanced logistic
regression over C, small MLPs), tune per-class log-prior offsets on dev for macro-F1, keep the
candidate with the best dev macro-F1 and write its weights to data/emotion_head.npz.
GoEmotions test is never read here; bench/bench_analysis.py scores it.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.neural_network import MLPClassifier
from sklearn.utils.class_weight import compute_sample_weight

from assistant.analysis import corpora
from assistant.analysis.emotion import HEAD_PATH, LABELS, features, forward

OFFSET_GRID = np.round(np.arange(-1.5, 1.51, 0.25), 2)


def load_split(split: str, embedder) -> tuple[np.ndarray, np.ndarray]:
    """(features with VADER, label indices) of one GoEmotions split."""
    texts, labels = corpora.goemotions_ekman(split)
    vectors = corpora.cached_embed(texts, embedder, f"goemotions-{split}")
    return features(vectors, texts, uses_vader=True), np.array([LABELS.index(label) for label in labels])


def export(model, mean: np.ndarray, scale: np.ndarray) -> dict[str, np.ndarray]:
    """The fitted sklearn model as numpy arrays that emotion.forward reads."""
    if isinstance(model, LogisticRegression):
        layers = [(model.coef_.T, model.intercept_)]
    else:
        layers = list(zip(model.coefs_, model.intercepts_))
    head = {"mean": mean.astype(np.float32), "scale": scale.astype(np.float32)}
    for i, (w, b) in enumerate(layers):
        head[f"W{i}"], head[f"b{i}"] = w.astype(np.float32), b.astype(np.float32)
    head.update(offsets=np.zeros(len(LABELS), np.float32), labels=np.array(LABELS), uses_vader=np.array(True))
    return head


def tune_offsets(head: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, rounds: int = 3) -> float:
    """Coordinate ascent on per-class log-prior offsets for macro-F1; sets head['offsets'], returns the F1."""
    offsets = np.zeros(len(LABELS), np.float32)
    head["offsets"] = offsets
    logits = np.log(forward(head, x) + 1e-12)
    best = f1_score(y, logits.argmax(1), average="macro")
    for _ in range(rounds):
        for k in range(len(LABELS)):
            for value in OFFSET_GRID:
                trial = offsets.copy()
                trial[k] = value
                score = f1_score(y, (logits + trial).argmax(1), average="macro")
                if score > best + 1e-6:
                    best, offsets = score, trial
    head["offsets"] = offsets.astype(np.float32)
    return float(best)


def candidates(seed: int):
    """(name, unfitted model, uses class-balanced sample weights) to try."""
    for c in (0.3, 1.0, 3.0):
        yield f"logreg C={c}", LogisticRegression(C=c, max_iter=2000, class_weight="balanced"), False
    for hidden, alpha in (((256,), 1e-3), ((256,), 1e-2), ((512,), 1e-2)):
        mlp = MLPClassifier(hidden, alpha=alpha, early_stopping=True, max_iter=200, random_state=seed)
        yield f"mlp {hidden} alpha={alpha}", mlp, True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="try only the first candidate")
    args = parser.parse_args(argv)
    from vectorstore.embedders import default_embedder

    embedder = default_embedder()
    x_train, y_train = load_split("train", embedder)
    x_dev, y_dev = load_split("dev", embedder)
    mean, scale = x_train.mean(0), x_train.std(0) + 1e-6
    z_train = (x_train - mean) / scale
    best_name, best_head, best_f1 = "", None, -1.0
    for name, model, weighted in candidates(args.seed):
        started = time.time()
        weights = compute_sample_weight("balanced", y_train) if weighted else None
        model.fit(z_train, y_train, sample_weight=weights)
        head = export(model, mean, scale)
        raw = f1_score(y_dev, forward(head, x_dev).argmax(1), average="macro")
        tuned = tune_offsets(head, x_dev, y_dev)
        print(f"{name}: dev macro-F1 {raw:.4f} -> {tuned:.4f} with offsets ({time.time() - started:.0f}s)", flush=True)
        if tuned > best_f1:
            best_name, best_head, best_f1 = name, head, tuned
        if args.quick:
            break
    HEAD_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(HEAD_PATH, **best_head)
    print(f"kept {best_name} (dev macro-F1 {best_f1:.4f}); wrote {HEAD_PATH} ({HEAD_PATH.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
