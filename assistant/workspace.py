"""The workspace folder: atomic writes, the writer lock, run records.

Layout under $JOURNEY_HOME:
    config.toml        optional settings (no secrets)
    chroma/            embedded Chroma store (unless a Chroma server is configured)
    units.jsonl        the corpus: one FeedbackUnit per line (source of truth for grounding)
    maps/<map_id>/v<N>.json, HEAD   map versions and the current version pointer
    runs/<run_id>.jsonl              one record per LLM call and pipeline step
    prompts/           prompt overrides (same file names as prompts/ in the package)
    chats/<session>.jsonl            chat histories
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from filelock import FileLock, Timeout

from assistant.errors import ConfigError, WorkspaceBusyError, WorkspaceNotFoundError


def check_not_a_file(home: Path) -> None:
    """ConfigError when the workspace path names a file (a typo such as `-w map.json`)."""
    if home.exists() and not home.is_dir():
        raise ConfigError(f"the workspace {home} is a file, not a folder; pass a folder with --workspace DIR "
                          "(or set JOURNEY_HOME), e.g. the one you ingested into")


def require_existing(home: Path) -> None:
    """WorkspaceNotFoundError for a workspace folder that does not exist (commands that only read must not create one)."""
    check_not_a_file(home)
    if not home.is_dir():
        raise WorkspaceNotFoundError(f"no workspace at {home}: check --workspace / JOURNEY_HOME, "
                                     f"or create it by ingesting feedback: journey ingest PATH --workspace {home}")


def atomic_write_text(path: Path, text: str) -> None:
    """Write via a temp file + fsync + rename, so readers see the old or the new file, never half."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Bytes version of atomic_write_text: temp file in the same folder, fsync, os.replace, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def writer_lock(home: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """One writer per workspace. Readers never take it."""
    home.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(home / ".write.lock"))
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise WorkspaceBusyError(
            f"another journey process is writing to {home}; wait for it to finish "
            "(or pass --wait SECONDS) and run the command again"
        ) from None
    try:
        yield
    finally:
        lock.release()


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]


class RunLog:
    """Append-only JSONL record of one run: every LLM call and pipeline step."""

    def __init__(self, runs_dir: Path, run_id: str | None = None):
        self.run_id = run_id or new_run_id()
        self.path = runs_dir / f"{self.run_id}.jsonl"
        self._lock = threading.Lock()  # chains of one run may record from several threads

    def record(self, event: str, **fields: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"t": time.time(), "event": event, **fields}, ensure_ascii=False, default=str)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def records(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
