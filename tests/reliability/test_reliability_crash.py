"""kill -9 in the middle of an ingest, then run it again: no duplicates, nothing lost, a consistent index."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

from assistant import api
from assistant.ingest import ReadOptions, iter_files, read_file
from assistant.workspace import writer_lock

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "assistant" / "samples" / "clothing"


def clean_env() -> dict[str, str]:
    """The environment without JOURNEY_* settings, so a child process sees only what the test passes."""
    return {k: v for k, v in os.environ.items() if not k.startswith("JOURNEY_") and k != "OPENAI_API_KEY"}


def expected_units() -> dict[str, str]:
    """id -> text of a clean parse of the sample corpus (what a clean ingest stores)."""
    units = [u for path, source in iter_files([SAMPLES]) for u in read_file(path, source, ReadOptions())]
    return {u.id: u.text for u in units}


@pytest.fixture(scope="module")
def crashed_then_resumed(tmp_path_factory):
    home = tmp_path_factory.mktemp("crash") / "ws"
    child = subprocess.run([sys.executable, "-m", "tests.reliability.crash_child", str(home), str(SAMPLES), "3"],
                           cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=300)
    # Count in a separate process: an embedded Chroma store opened here would keep a stale view
    # once the resumed ingest (another process) writes to it.
    count = f"from assistant import api; print(api.open_store(api.settings(home={str(home)!r})).count())"
    after_crash = int(subprocess.run([sys.executable, "-c", count], cwd=REPO, env=clean_env(), capture_output=True,
                                     text=True, timeout=300, check=True).stdout.strip())
    resumed = subprocess.run([sys.executable, "-m", "assistant.cli", "ingest", str(SAMPLES), "--workspace", str(home)],
                             cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=300)
    return home, child, after_crash, resumed


def test_the_child_really_died_mid_ingest(crashed_then_resumed):
    _, child, after_crash, _ = crashed_then_resumed
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    assert child.stdout.count("wrote") == 3 and "finished" not in child.stdout
    assert 0 < after_crash < len(expected_units())  # some units were written, not all


def test_rerun_ends_with_exactly_the_clean_corpus(crashed_then_resumed):
    home, _, _, resumed = crashed_then_resumed
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    expected = expected_units()
    store = api.open_store(api.settings(home=home))
    units = store.all_units()
    assert len(units) == store.count() == len(expected)  # no duplicates, nothing lost
    assert {u.id: u.text for u in units} == expected
    sources = {source for _, source in iter_files([SAMPLES])}
    assert all(store.source_fingerprint(s) for s in sources)


def test_index_and_bm25_cache_are_consistent_after_the_crash(crashed_then_resumed):
    home, _, _, _ = crashed_then_resumed
    store = api.open_store(api.settings(home=home))
    expected = expected_units()
    index = store.index()
    assert sorted(index.ids) == sorted(expected) and all(index.documents[index.row_of[i]] == t for i, t in expected.items())
    for mode in ("vector", "bm25", "hybrid"):
        hits = store.search("the checkout kept crashing", k=5, mode=mode)
        assert hits and all(h.unit_id in expected for h in hits), mode
    fresh = api.open_store(api.settings(home=home)).index()  # a new process reads the cache from disk
    assert sorted(fresh.ids) == sorted(index.ids)


def test_the_killed_writer_left_no_lock_behind(crashed_then_resumed):
    home, _, _, _ = crashed_then_resumed
    with writer_lock(home, wait_seconds=0):
        pass
