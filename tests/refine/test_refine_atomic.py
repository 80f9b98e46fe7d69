"""Saving a version is atomic: a failed or killed save never leaves a map that does not load."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.mapstore import MapStore
from assistant.models import JourneyMap
from assistant.refine import RenameEdit
from tests.mapfixtures import make_map

REPO = Path(__file__).resolve().parents[2]

SAVE_LOOP = """
import sys
from pathlib import Path
from assistant.mapstore import MapStore
from assistant.refine import Refiner, RewriteEdit
from tests.mapfixtures import make_map

units, jm = make_map()
store = MapStore(Path(sys.argv[1]))
if not store.map_ids():
    store.save_new(jm)
refiner = Refiner(store, jm.id, units)
n = 0
while True:
    n += 1
    saved = refiner.apply([RewriteEdit(claim_id="pp-purchase-1", text=f"Checkout fails, take {n}")], author="loop")
    print(saved.version, flush=True)
"""


def test_crash_while_writing_the_version_keeps_the_previous_one(refiner, store, monkeypatch):
    proposal = refiner.propose([RenameEdit(target="pp-purchase-1", new="Card payment fails")])

    def crash(src, dst):
        raise OSError("disk pulled out")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk pulled out"):
        refiner.accept(proposal)
    monkeypatch.undo()
    assert store.versions("map-test") == [1]
    assert store.load("map-test").stages[1].pain_points[0].text == "Checkout fails at payment"
    assert [p.name for p in (store.root / "map-test").iterdir() if p.name.endswith(".tmp")] == []


def test_crash_while_moving_head_keeps_head_on_the_previous_version(refiner, store, monkeypatch):
    proposal = refiner.propose([RenameEdit(target="pp-purchase-1", new="Card payment fails")])
    real_replace = os.replace
    calls = []

    def crash_on_head(src, dst):
        calls.append(dst)
        if str(dst).endswith("HEAD.json"):
            raise OSError("power cut")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_head)
    with pytest.raises(OSError, match="power cut"):
        refiner.accept(proposal)
    monkeypatch.undo()
    assert str(calls[0]).endswith("v2.json")
    assert store.head("map-test")["current"] == 1
    assert store.load("map-test").version == 1
    # the map stays editable: the next accepted edit branches from v1
    saved = refiner.apply([RenameEdit(target="persona-1", new="A")])
    assert (saved.version, saved.parent_version) == (3, 1)


def test_kill_9_during_a_loop_of_saves_leaves_every_version_loadable(tmp_path):
    maps = tmp_path / "maps"
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for _ in range(3):
        child = subprocess.Popen([sys.executable, "-c", SAVE_LOOP, str(maps)], cwd=REPO, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            for _ in range(rng.randint(3, 12)):
                line = child.stdout.readline()
                assert line, child.stderr.read()
            time.sleep(rng.uniform(0, 0.02))  # land somewhere inside the next save
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            child.stdout.close()
            child.stderr.close()
        assert child.returncode == -signal.SIGKILL

    units, _ = make_map()
    store = MapStore(maps)
    versions = store.versions("map-test")
    assert len(versions) >= 10
    for version in versions:
        saved = store.load("map-test", version)
        JourneyMap.model_validate(saved.model_dump(), context={"units": units})
        assert saved.parent_version is None or saved.parent_version in versions
    head = store.head("map-test")["current"]
    assert head in versions
    assert store.load("map-test").version == head
