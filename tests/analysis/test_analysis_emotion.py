import numpy as np

from assistant.analysis import emotion


def test_real_texts_get_plausible_emotions():
    from vectorstore.embedders import default_embedder

    texts = [
        "I am furious, this is unacceptable!",
        "Thank you so much, I love it, you made my day!",
        "I'm really scared that my account was hacked.",
        "Wow, I did not expect that at all!",
    ]
    out = emotion.emotions(default_embedder().embed(texts), texts)
    assert [label for label, _ in out] == ["anger", "joy", "fear", "surprise"]
    assert all(0 < p <= 1 for _, p in out)


def test_probabilities_sum_to_one_and_head_is_small():
    from vectorstore.embedders import default_embedder

    texts = ["ok", "meh, whatever"]
    probs = emotion.emotion_probs(default_embedder().embed(texts), texts)
    assert probs.shape == (2, 7) and np.allclose(probs.sum(1), 1)
    assert emotion.HEAD_PATH.stat().st_size < 2_000_000
    assert tuple(emotion.load_head()["labels"]) == emotion.LABELS
    assert emotion.emotions(np.zeros((0, 384)), []) == []


def test_forward_of_a_hand_made_mlp_head():
    head = {
        "W0": np.eye(2, dtype=np.float32), "b0": np.zeros(2, np.float32),
        "W1": np.array([[1, 0] + [0] * 5, [0, 1] + [0] * 5], np.float32) * 10, "b1": np.zeros(7, np.float32),
        "offsets": np.zeros(7, np.float32),
    }
    probs = emotion.forward(head, np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], np.float32))
    assert probs[0].argmax() == 0 and probs[1].argmax() == 1
    assert np.allclose(probs[2], 1 / 7)  # ReLU zeroes the negative input
