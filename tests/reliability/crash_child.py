"""Run an ingest that kills itself with SIGKILL right after the units of its Nth window reach Chroma.

Windows are cut at 100 units, so the sample corpus goes in several windows of a few files each.

    python -m tests.reliability.crash_child HOME CORPUS N
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from assistant import api
from assistant.ingest import runner
from vectorstore.store import FeedbackStore


def main(home: str, corpus: str, kill_after: int) -> None:
    original = FeedbackStore._add
    seen: list[int] = []

    def add_then_die(self, units, vectors=None):
        original(self, units, vectors)
        seen.append(len(units))
        print(f"wrote {len(units)} units", flush=True)
        if len(seen) >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no lock release, no fingerprint: a real crash

    FeedbackStore._add = add_then_die
    runner.WINDOW_UNITS = 100
    api.ingest([Path(corpus)], api.settings(home=home))
    print("finished without being killed", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
