"""Benchmark of the analysis layer on the shared data; prints a Markdown table, writes bench/results/analysis.json.

    .venv/bin/python bench/bench_analysis.py

Stage examples are picked from BANKING77 train (the 7,003 rows outside the 3,000-row dev split
used for tuning); the emotion and valence heads were trained on GoEmotions train / VADER tweets.
Test splits are only scored here. Embeddings are cached (assistant.analysis.corpora.cache_dir).
"""

from __future__ import annotations

import collections
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr
from sklearn.cluster import KMeans
from sklearn.metrics import accuracy_score, f1_score, normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.analysis import corpora, emotion, sentiment, stages, themes  # noqa: E402
from assistant.analysis.stage_examples import pick_examples  # noqa: E402
from assistant.stagesets import load_stage_set  # noqa: E402
from vectorstore.embedders import default_embedder  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
DEV_ROWS = 3000


def purity(gold: list[str], pred: np.ndarray) -> float:
    """Share of items whose cluster's majority gold label is their own."""
    gold_arr = np.asarray(gold)
    return sum(collections.Counter(gold_arr[pred == k]).most_common(1)[0][1] for k in np.unique(pred)) / len(gold)


def bench_stages(embedder) -> dict:
    stage_map = corpora.banking77_stage_map()
    stage_set = load_stage_set(str(corpora.shared_data() / "banking77" / "stage_map.json"))
    train_texts, train_intents = corpora.banking77("train")
    train_vectors = corpora.cached_embed(train_texts, embedder, "banking77-train")
    fit = np.random.default_rng(0).permutation(len(train_texts))[DEV_ROWS:]
    picked = pick_examples(
        train_vectors[fit], [stage_map["intent_to_stage"][train_intents[i]] for i in fit], [train_texts[i] for i in fit], stage_set, embedder
    )
    # row numbers only: the shared data is not copied into the repo
    row_of = {text: int(i) for i in fit for text in [train_texts[i]]}
    example_rows = {s.name: [row_of[x] for x in s.examples] for s in picked.stages}
    texts, intents = corpora.banking77("test")
    vectors = corpora.cached_embed(texts, embedder, "banking77-test")
    gold = [stage_map["intent_to_stage"][i] for i in intents]

    def score(stage_set_used, **kwargs) -> dict:
        pred = [a.stage or "unassigned" for a in stages.assign_stages(vectors, stage_set_used, embedder, **kwargs)]
        return {
            "accuracy": round(accuracy_score(gold, pred), 4),
            "macro_f1": round(f1_score(gold, pred, labels=sorted(set(gold)), average="macro"), 4),
            "unassigned": round(pred.count("unassigned") / len(pred), 4),
        }

    go_texts, _ = corpora.goemotions_ekman("test")
    off_topic = stages.assign_stages(corpora.cached_embed(go_texts, embedder, "goemotions-test"), picked, embedder, smooth=0)
    return {
        "zero_shot_descriptions": score(stage_set, smooth=0, threshold=-1.0),
        "descriptions_smoothed": score(stage_set),
        "ours": score(picked),
        "ours_unsmoothed": score(picked, smooth=0),
        "off_topic_unassigned": round(sum(a.stage is None for a in off_topic) / len(off_topic), 4),
        "example_train_rows": example_rows,
    }


def bench_emotion(embedder) -> dict:
    texts, gold = corpora.goemotions_ekman("test")
    vectors = corpora.cached_embed(texts, embedder, "goemotions-test")
    pred = [label for label, _ in emotion.emotions(vectors, texts)]
    majority = collections.Counter(corpora.goemotions_ekman("train")[1]).most_common(1)[0][0]
    return {
        "rows": len(texts),
        "ours_macro_f1": round(f1_score(gold, pred, average="macro"), 4),
        "ours_accuracy": round(accuracy_score(gold, pred), 4),
        "majority_macro_f1": round(f1_score(gold, [majority] * len(gold), average="macro", labels=list(emotion.LABELS)), 4),
    }


def bench_sentiment(embedder) -> dict:
    _, texts, gold = corpora.vader_ground_truth("amazonReviewSnippets")
    vectors = corpora.cached_embed(texts, embedder, "vader-amazonReviewSnippets")
    return {
        "rows": len(texts),
        "vader_r": round(float(pearsonr(sentiment.vader_valence(texts), gold)[0]), 4),
        "head_only_r": round(float(pearsonr(sentiment.head_valence(vectors), gold)[0]), 4),
        "ours_r": round(float(pearsonr(sentiment.valence(texts, vectors), gold)[0]), 4),
    }


def bench_review_sentiment(embedder) -> dict:
    """Whole reviews: valence as shipped (mean of sentences) vs the whole text scored at once.

    Drug reviews test (its train split chose the mean) and the clothing reviews (not used for any
    choice). Lowest-rated: drug 'negative', clothing 1-2 stars; top-rated: 'positive', 5 stars.
    A review lands in the pain lane at valence <= NEGATIVE_BELOW, in delights at >= POSITIVE_ABOVE.
    """
    results = {}
    for name, (texts, rating), lowest in (("drug_test", corpora.drug_reviews("Test"), -1), ("clothing", corpora.clothing_reviews(), 2)):
        vectors = corpora.cached_embed(texts, embedder, f"{name}-reviews")
        results[name] = {"rows": len(texts), "ours": _review_lanes(sentiment.valence(texts, vectors), rating, lowest),
                         "whole_text": _review_lanes(sentiment.blended(texts, vectors), rating, lowest)}
    return results


def _review_lanes(valences: np.ndarray, rating: np.ndarray, lowest: float) -> dict:
    from scipy.stats import spearmanr

    low, top = valences[rating <= lowest], valences[rating == rating.max()]
    return {"spearman": round(float(spearmanr(valences, rating)[0]), 4),
            "lowest_to_pain": round(float(np.mean(low <= themes.NEGATIVE_BELOW)), 3),
            "lowest_to_delights": round(float(np.mean(low >= themes.POSITIVE_ABOVE)), 3),
            "top_to_delights": round(float(np.mean(top >= themes.POSITIVE_ABOVE)), 3),
            "top_to_pain": round(float(np.mean(top <= themes.NEGATIVE_BELOW)), 3)}


def bench_themes(embedder) -> dict:
    texts, intents = corpora.banking77("test")
    vectors = corpora.cached_embed(texts, embedder, "banking77-test")
    ours = themes.cluster_vectors(vectors)
    kmeans = KMeans(n_clusters=len(set(intents)), n_init=10, random_state=0).fit_predict(vectors)
    row = lambda pred: {  # noqa: E731
        "nmi": round(normalized_mutual_info_score(intents, pred), 4),
        "purity": round(purity(intents, pred), 4),
        "clusters": int(len(np.unique(pred))),
    }
    return {"ours": row(ours) | {"singletons": int((np.bincount(ours) == 1).sum())}, "kmeans_true_k": row(kmeans)}


def bench_theme_quotes(embedder) -> dict:
    """How often a theme's first quote (its title's source) says what its lane says, with and without POLARITY_BOOST.

    Pain and delight themes of the VADER amazon snippets at odd positions (the even ones tuned the
    boost); a first quote agrees when its human rating has the lane's sign.
    """
    from assistant.models import FeedbackUnit, Locator, unit_id_for

    _, texts, gold = corpora.vader_ground_truth("amazonReviewSnippets")
    vectors = corpora.cached_embed(texts, embedder, "vader-amazonReviewSnippets")[1::2]
    texts, gold = texts[1::2], gold[1::2]
    units = [FeedbackUnit(id=unit_id_for("amazon", f"row:{i}", text), text=text, source="amazon", respondent=f"r{i}",
                          locator=Locator(kind="row", index=i, char_start=0, char_end=len(text)), speaker_role="respondent")
             for i, text in enumerate(texts)]
    row_of = {u.id: i for i, u in enumerate(units)}
    valences = sentiment.valence(texts, vectors).tolist()
    tuned = themes.POLARITY_BOOST

    def score(boost: float) -> dict:
        themes.POLARITY_BOOST = boost
        try:
            found = [t for t in themes.find_themes(units, vectors, [None] * len(units), valences) if not t.outlier]
        finally:
            themes.POLARITY_BOOST = tuned
        sign = lambda t: -1 if t.polarity == "pain" else 1  # noqa: E731
        first = [row_of[t.representative_ids[0]] for t in found]
        centroids = [vectors[[row_of[i] for i in t.unit_ids]].mean(0) for t in found]
        return {"themes": len(found),
                "first_quote_agrees": round(float(np.mean([sign(t) * gold[r] > 0 for t, r in zip(found, first)])), 4),
                "first_quote_cosine": round(float(np.mean([vectors[r] @ c / np.linalg.norm(c) for r, c in zip(first, centroids)])), 4)}

    return {"boost": tuned, "ours": score(tuned), "no_boost": score(0.0)}


def markdown(results: dict) -> str:
    s, e, v, t, q = results["stages"], results["emotion"], results["sentiment"], results["themes"], results["theme_quotes"]
    r = results["review_sentiment"]
    lanes = lambda x: f"{x['lowest_to_pain']} / {x['lowest_to_delights']}; {x['top_to_delights']} / {x['top_to_pain']}"  # noqa: E731
    lines = [
        "| metric | data | ours | baseline |",
        "|---|---|---|---|",
        f"| stage accuracy | BANKING77 test (3,080), 5 stages | {s['ours']['accuracy']} | zero-shot descriptions {s['zero_shot_descriptions']['accuracy']} |",
        f"| stage macro-F1 | BANKING77 test | {s['ours']['macro_f1']} | zero-shot descriptions {s['zero_shot_descriptions']['macro_f1']} |",
        f"| stage accuracy, no smoothing | BANKING77 test | {s['ours_unsmoothed']['accuracy']} | descriptions + smoothing {s['descriptions_smoothed']['accuracy']} |",
        f"| unassigned share | BANKING77 test / GoEmotions test (off-topic) | {s['ours']['unassigned']} / {s['off_topic_unassigned']} | |",
        f"| emotion macro-F1 | GoEmotions test single-label ({e['rows']}), Ekman-7 | {e['ours_macro_f1']} | majority class {e['majority_macro_f1']} |",
        f"| sentiment Pearson r | VADER amazon snippets ({v['rows']}) | {v['ours_r']} (head alone {v['head_only_r']}) | VADER {v['vader_r']} |",
        *(f"| review sentiment Spearman with rating | {data} ({r[key]['rows']}) | {r[key]['ours']['spearman']} (mean of sentences) | "
          f"whole text {r[key]['whole_text']['spearman']} |" for key, data in (("drug_test", "drug reviews test"), ("clothing", "clothing reviews"))),
        *(f"| lowest-rated reviews in pain / delights; top-rated in delights / pain | {data} | {lanes(r[key]['ours'])} | "
          f"whole text {lanes(r[key]['whole_text'])} |" for key, data in (("drug_test", "drug reviews test"), ("clothing", "clothing reviews 1-2 / 5 stars"))),
        f"| theme NMI | BANKING77 test vs 77 intents | {t['ours']['nmi']} ({t['ours']['clusters']} clusters) | k-means k=77 {t['kmeans_true_k']['nmi']} |",
        f"| theme purity | BANKING77 test vs 77 intents | {t['ours']['purity']} | k-means k=77 {t['kmeans_true_k']['purity']} |",
        f"| theme's first quote has its lane's sign | VADER amazon snippets, held-out half ({q['ours']['themes']} themes) | "
        f"{q['ours']['first_quote_agrees']} (cosine to centroid {q['ours']['first_quote_cosine']}) | "
        f"closest to centroid only {q['no_boost']['first_quote_agrees']} ({q['no_boost']['first_quote_cosine']}) |",
    ]
    return "\n".join(lines)


def main() -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    embedder = default_embedder()
    results, timings = {}, {}
    for name, bench in (("stages", bench_stages), ("emotion", bench_emotion), ("sentiment", bench_sentiment),
                        ("review_sentiment", bench_review_sentiment), ("themes", bench_themes),
                        ("theme_quotes", bench_theme_quotes)):
        started = time.perf_counter()
        results[name] = bench(embedder)
        timings[name] = round(time.perf_counter() - started, 1)
    results["seconds"] = timings
    (RESULTS / "analysis.json").write_text(json.dumps(results, indent=1))
    print(markdown(results))
    print(f"\nseconds per part: {timings}; JSON in {RESULTS / 'analysis.json'}")


if __name__ == "__main__":
    main()
