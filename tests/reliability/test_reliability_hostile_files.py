"""One ingest batch over hostile files: each gets a clear per-file error or a correct parse, and the batch goes on."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.ingest import ReadOptions, ingest_paths
from tests.reliability.hostile_corpus import build, units_by_source
from vectorstore.store import FeedbackStore


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    paths, cases = build(root)
    store = FeedbackStore.from_settings(Settings(home=root / "ws"))
    started = time.perf_counter()
    report = ingest_paths(paths, store, ReadOptions())
    seconds = time.perf_counter() - started
    yield report, cases, store, seconds
    (root / "corpus" / "huge.txt").unlink(missing_ok=True)  # 200 MB: do not keep it around


def test_every_hostile_file_gets_a_clear_outcome(hostile_run):
    report, cases, store, _ = hostile_run
    grouped = units_by_source(store)
    problems = [p for case in cases if (p := case.problem(report, grouped))]
    assert not problems, "\n".join(problems)
    assert report.files == len(cases)
    assert len(report.failed) == sum(c.expect == "failed" for c in cases)
    assert all(f.reason and "unexpected" not in f.reason for f in report.failed), report.failed  # no reader crashed


def test_the_big_file_is_refused_quickly_with_the_option_to_raise(hostile_run):
    report, _, _, seconds = hostile_run
    (reason,) = [f.reason for f in report.failed if Path(f.path).name == "huge.txt"]
    assert reason.startswith("file too large (209.7 MB; the limit is 100.0 MB)") and "--max-mb" in reason and "max_bytes" in reason
    assert seconds < 30, f"batch took {seconds:.1f}s: the big file must not be read"


def test_the_store_is_searchable_after_the_hostile_batch(hostile_run):
    report, cases, store, _ = hostile_run
    assert store.count() == report.units_added > 0
    hits = store.search("courier friendly returns", k=3)
    assert any("Returns were painless" in h.text for h in hits)


def test_formula_cells_are_kept_as_inert_text(hostile_run):
    _, _, store, _ = hostile_run
    rows = units_by_source(store)["corpus/formulas.csv"]
    assert rows[0].metadata["link"] == "=1+2" and rows[1].metadata["link"] == "=SUM(A1:A9)"


def test_the_limit_can_be_raised_and_lowered(tmp_path):
    from tests.ingest.ingest_helpers import FakeStore

    small = tmp_path / "small.txt"
    small.write_text("The size guide was accurate and the jeans fit well.")
    report = ingest_paths([small], FakeStore(), ReadOptions(max_bytes=10))
    assert report.failed[0].reason == ("file too large (51 bytes; the limit is 10 bytes) (split the file, or raise the limit: "
                                       "--max-mb on the command line, ReadOptions(max_bytes=...) in Python)")
    report = ingest_paths([small], FakeStore(), ReadOptions(max_bytes=10_000))
    assert not report.failed and report.units_added == 1


def test_sizes_read_in_the_unit_that_shows_the_difference():
    from assistant.ingest.runner import human_size

    assert [human_size(n) for n in (1, 143, 4_800, 12_500_000)] == ["1 byte", "143 bytes", "4.8 KB", "12.5 MB"]


def test_max_bytes_is_not_part_of_the_fingerprint(tmp_path):
    from assistant.ingest import fingerprint

    data = b"same bytes"
    assert fingerprint(data, ReadOptions()) == fingerprint(data, ReadOptions(max_bytes=5))
    assert fingerprint(data, ReadOptions()) != fingerprint(data, ReadOptions(redact=True))
