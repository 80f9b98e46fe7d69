import numpy as np
import pytest
from sklearn.metrics import ndcg_score

from evals import metrics as M


def test_accuracy_and_macro_f1():
    gold = ["a", "a", "b", "c"]
    pred = ["a", "b", "b", "b"]
    assert M.accuracy(gold, pred) == 0.5
    # F1: a = 2/3, b = 1/2 (p=1/3, r=1), c = 0 -> macro 7/18
    assert M.macro_f1(gold, pred) == pytest.approx(7 / 18)


def test_macro_f1_counts_classes_never_predicted():
    assert M.macro_f1(["x", "y"], ["x", "x"]) == pytest.approx((2 / 3 + 0) / 2)


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="differ in length"):
        M.accuracy(["a"], ["a", "b"])


def test_pearson_and_degenerate_cases():
    assert M.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert M.pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert M.pearson([1, 1, 1], [1, 2, 3]) == 0.0
    assert M.pearson([1], [1]) == 0.0


def test_nmi_and_purity():
    gold = ["a", "a", "b", "b"]
    assert M.nmi(gold, [1, 1, 2, 2]) == pytest.approx(1.0)
    assert M.purity(gold, [7, 7, 9, 9]) == 1.0
    assert M.purity(gold, [1, 1, 1, 1]) == 0.5
    assert M.nmi(gold, [1, 2, 1, 2]) == pytest.approx(0.0, abs=1e-9)


def test_precision_at_k():
    rel = {"d1": 1, "d3": 2, "d9": 0}
    assert M.precision_at_k(["d1", "d2", "d3", "d9"], rel, 4) == 0.5
    assert M.precision_at_k(["d1"], rel, 2) == 0.5  # a short list counts missing slots as misses


def test_ndcg_matches_sklearn_when_every_judged_doc_is_ranked():
    rel = {"a": 3, "b": 2, "c": 0, "d": 1}
    ranked = ["c", "a", "d", "b"]
    scores = np.array([[4 - ranked.index(d) for d in "abcd"]], dtype=float)
    truth = np.array([[2**rel[d] - 1 for d in "abcd"]], dtype=float)  # sklearn uses linear gains
    assert M.ndcg_at_k(ranked, rel, 3) == pytest.approx(ndcg_score(truth, scores, k=3))


def test_ndcg_perfect_and_empty():
    rel = {"a": 2, "b": 1}
    assert M.ndcg_at_k(["a", "b", "x"], rel, 3) == pytest.approx(1.0)
    assert M.ndcg_at_k(["x", "y"], rel, 2) == 0.0
    assert M.ndcg_at_k(["a"], {}, 1) == 0.0
