"""Runners on the shared benchmark data: clean skips without it, real scores with it."""

import pytest

from evals import benchmarks as B

HAVE_DATA = (B.shared_data() / "banking77").is_dir()
needs_data = pytest.mark.skipif(not HAVE_DATA, reason="shared benchmark data folder absent (set JOURNEY_SHARED_DATA)")


@pytest.mark.parametrize("name", sorted(B.SHARED_SUITES))
def test_runners_skip_cleanly_when_the_data_folder_is_absent(name, monkeypatch, tmp_path):
    monkeypatch.setenv("JOURNEY_SHARED_DATA", str(tmp_path / "nowhere"))
    report = B.SHARED_SUITES[name]()
    assert report.skipped and "JOURNEY_SHARED_DATA" in report.skipped and str(tmp_path) in report.skipped
    assert report.metrics == [] and report.passed


@needs_data
def test_banking77_stages_with_a_constant_predictor_scores_its_class_share():
    from assistant.analysis import corpora

    report = B.run_banking77_stages(limit=200, predict=lambda texts: ["everyday_use"] * len(texts))
    texts, intents = corpora.banking77("test")
    to_stage = corpora.banking77_stage_map()["intent_to_stage"]
    gold = [to_stage[intents[i]] for i in B._spread(len(texts), 200)]
    assert report.metric("stage_accuracy").score == pytest.approx(round(gold.count("everyday_use") / 200, 4))
    assert report.info == {"rows": 200, "split": "test"}


@needs_data
def test_banking77_stages_with_the_real_analysis_layer():
    report = B.run_banking77_stages(limit=80)
    if report.skipped:
        pytest.fail(f"stage runner skipped although assistant.analysis.stages exists: {report.skipped}")
    assert report.metric("stage_accuracy").score > 0.4  # measured baseline ~0.63 (OFFLINE-MODELS.md)


@needs_data
def test_vader_runner_with_vader_itself_reproduces_the_known_correlation():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    report = B.run_vader(limit=600, predict=lambda texts: [analyzer.polarity_scores(t)["compound"] for t in texts])
    assert 0.45 < report.metric("sentiment_pearson").score < 0.75  # 0.59 on the full file per OFFLINE-MODELS.md


@needs_data
def test_goemotions_runner_with_a_majority_predictor():
    report = B.run_goemotions(limit=300, predict=lambda texts: ["neutral"] * len(texts))
    assert 0 < report.metric("emotion_macro_f1").score < 0.2
