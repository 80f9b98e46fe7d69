import numpy as np

from assistant.analysis import sentiment


def test_valence_orders_positive_neutral_negative():
    texts = ["I absolutely love this, it is wonderful!", "The package is blue.", "This is terrible, I hate it and want my money back."]
    values = sentiment.valence(texts)
    assert values.shape == (3,) and np.all(np.abs(values) <= 1)
    assert values[0] > 0.5 and values[2] < -0.5 and abs(values[1]) < 0.3


def test_given_vectors_are_used_and_foreign_vectors_reembedded():
    from vectorstore.embedders import default_embedder

    texts = ["Fantastic support, thank you!", "Worst delivery ever."]
    vectors = default_embedder().embed(texts)
    with_vectors = sentiment.valence(texts, vectors)
    assert np.allclose(with_vectors, sentiment.valence(texts))
    assert np.allclose(with_vectors, sentiment.valence(texts, np.ones((2, 1536), np.float32)))


def test_empty_and_head_is_small():
    assert sentiment.valence([]).shape == (0,)
    assert sentiment.HEAD_PATH.stat().st_size < 2_000_000
    coef, _, blend = sentiment._head()
    assert coef.shape == (384,) and 0 <= blend <= 1
