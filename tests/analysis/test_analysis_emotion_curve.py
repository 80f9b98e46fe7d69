import pytest

from assistant.analysis.emotion_curve import emotion_summary
from assistant.models import EmotionSummary
from tests.analysis.conftest import make_unit


def test_mean_interval_and_dominant():
    stats = emotion_summary(["a", "b", "c", "d"], [-0.5, -0.3, 0.1, -0.1], [("anger", 0.9), ("anger", 0.6), ("joy", 0.8), ("sadness", 0.5)])
    assert stats.n == 4 and stats.mean_valence == -0.2
    assert stats.ci_low < -0.2 < stats.ci_high and stats.ci_low >= -1
    assert stats.dominant[0] == ("anger", 2, ["a", "b"])
    assert [d[0] for d in stats.dominant] == ["anger", "joy", "sadness"]


def test_single_and_empty():
    one = emotion_summary(["a"], [0.4], ["joy"])
    assert (one.mean_valence, one.ci_low, one.ci_high, one.n) == (0.4, None, None, 1)
    assert emotion_summary([], [], []).n == 0
    with pytest.raises(ValueError):
        emotion_summary(["a"], [], [])


def test_to_model_quotes_verbatim_evidence():
    units = [make_unit("I was furious about the delay. " * 12, 0), make_unit("Great service!", 1)]
    stats = emotion_summary([u.id for u in units], [-0.8, 0.9], ["anger", "joy"])
    model = stats.to_model({u.id: u for u in units})
    assert isinstance(model, EmotionSummary)
    quote = model.dominant[0].evidence[0]
    assert units[0].text.startswith(quote.quote) and len(quote.quote) <= 240
    EmotionSummary.model_validate(model.model_dump(), context={"units": {u.id: u for u in units}})
