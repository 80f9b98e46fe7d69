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


def test_a_text_of_several_sentences_gets_the_mean_of_its_sentences():
    praise, complaint = "I love the colour and the fit is perfect.", "But the zip broke after one wash and support never answered."
    review = f"{praise} {complaint}"
    assert sentiment.sentences_of(review) == [praise, complaint]
    parts = sentiment.valence([praise, complaint])
    assert parts[0] > 0.1 and parts[1] < -0.1
    assert np.isclose(sentiment.valence([review])[0], parts.mean())
    # scored whole, the praise wins; averaged, the complaint is not drowned
    assert sentiment.valence([review])[0] < sentiment.blended([review], _vectors([review]))[0]


def test_single_sentences_and_fragments_are_scored_whole():
    one = "Delivery was fast and the driver was friendly."
    assert sentiment.sentences_of(one) == [one]
    assert np.isclose(sentiment.valence([one])[0], sentiment.blended([one], _vectors([one]))[0])
    # a short fragment joins its sentence, as sentence ingest joins it
    assert sentiment.sentences_of("Wow! The app crashed again when I tried to pay.") == ["Wow! The app crashed again when I tried to pay."]
    assert sentiment.sentences_of("Dr. Smith was great") == ["Dr. Smith was great"]


def _vectors(texts):
    from vectorstore.embedders import default_embedder

    return default_embedder().embed(texts)
