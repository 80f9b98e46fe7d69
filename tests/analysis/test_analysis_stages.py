import numpy as np
import pytest

from assistant.analysis.stages import assign_stages
from assistant.models import StageDefinition, StageSet
from assistant.stagesets import load_stage_set

TOY_SET = StageSet(
    name="toy",
    stages=[
        StageDefinition(name="delivery", description="parcel courier shipping", examples=["parcel arrived late", "courier lost the parcel"]),
        StageDefinition(name="payment", description="checkout card payment", examples=["card payment failed at checkout"]),
    ],
)


def test_units_go_to_the_stage_they_share_words_with(toy_embedder):
    texts = ["the parcel arrived late again", "my card payment failed", "the courier lost my parcel"]
    out = assign_stages(toy_embedder.embed(texts), TOY_SET, toy_embedder, smooth=0)
    assert [a.stage for a in out] == ["delivery", "payment", "delivery"]
    assert all(0 < a.confidence <= 1 for a in out)
    assert set(out[0].scores) == {"delivery", "payment"}
    assert out[0].scores["delivery"] > out[0].scores["payment"]


def test_unrelated_unit_is_unassigned(toy_embedder):
    out = assign_stages(toy_embedder.embed(["zebra quantum violin"]), TOY_SET, toy_embedder)
    assert out[0].stage is None and out[0].confidence == 0.0


def test_empty_input(toy_embedder):
    assert assign_stages(np.zeros((0, 384), np.float32), TOY_SET, toy_embedder) == []


def test_smoothing_is_deterministic(toy_embedder):
    texts = [f"parcel {w} late" for w in "abcdefghij"] + ["card payment checkout failed", "payment card failed"]
    vectors = toy_embedder.embed(texts)
    first = assign_stages(vectors, TOY_SET, toy_embedder)
    again = assign_stages(vectors, TOY_SET, toy_embedder)
    assert [(a.stage, a.scores) for a in first] == [(a.stage, a.scores) for a in again]
    assert first[-1].stage == "payment" and first[0].stage == "delivery"


def test_llm_hook_overrides_with_real_stage_names_only(toy_embedder):
    texts = ["the parcel arrived late", "my card payment failed"]
    calls = []

    def classify(batch, stage_set):
        calls.append((list(batch), stage_set.name))
        return ["payment", "not-a-stage"]

    out = assign_stages(toy_embedder.embed(texts), TOY_SET, toy_embedder, texts=texts, llm_classify=classify, smooth=0)
    assert calls == [(texts, "toy")]
    assert [a.stage for a in out] == ["payment", "payment"]
    with pytest.raises(ValueError, match="texts"):
        assign_stages(toy_embedder.embed(texts), TOY_SET, toy_embedder, llm_classify=classify)


def test_real_embedder_on_b2c_preset():
    from vectorstore.embedders import default_embedder

    embedder = default_embedder()
    texts = [
        "The box was crushed and the parcel came a week late.",
        "My discount code was rejected at checkout.",
        "I've recommended this shop to all my friends.",
        "Sending it back for a refund took ages.",
    ]
    out = assign_stages(embedder.embed(texts), load_stage_set("b2c"), embedder)
    assert [a.stage for a in out] == ["delivery", "purchase", "advocacy", "returns_support"]
