"""The ingest ratios' paired bootstrap interval."""

from bench.bench_store import paired_interval


def test_a_constant_per_chunk_ratio_has_a_zero_width_interval():
    chunks = [{"langchain": 1.1 * t, "store": t} for t in (0.8, 1.0, 1.3, 2.0)]
    low, high = paired_interval(chunks, "langchain", "store")
    assert abs(low - 1.1) < 1e-9 and abs(high - 1.1) < 1e-9


def test_noisy_chunks_give_an_interval_around_the_point_ratio():
    noisy = [{"langchain": t * f, "store": t} for t, f in zip((1.0, 1.1, 0.9, 1.0, 1.2, 1.0), (0.9, 1.15, 0.95, 1.1, 1.0, 0.98))]
    point = sum(c["langchain"] for c in noisy) / sum(c["store"] for c in noisy)
    low, high = paired_interval(noisy, "langchain", "store")
    assert low < point < high and high - low > 0.05

