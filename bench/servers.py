"""A real `chroma run` on 127.0.0.1, for the store benchmark and the integration tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ChromaServer:
    """`chroma run` on 127.0.0.1 with a fixed port and data folder, so it can be stopped and started again.

    The database lives in `db` (default: data/db); the server's log is data/server.log.
    """

    def __init__(self, data: Path, db: Path | None = None, start_timeout_s: float = 60.0):
        self.port, self.data, self.proc = free_port(), data, None
        self.db = db or data / "db"
        self.start_timeout_s = start_timeout_s
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        chroma = Path(sys.executable).with_name("chroma")
        log = (self.data / "server.log").open("a")
        self.proc = subprocess.Popen([str(chroma), "run", "--host", "127.0.0.1", "--port", str(self.port), "--path", str(self.db)],
                                     stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        deadline = time.monotonic() + self.start_timeout_s
        while True:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma run did not come up: {(self.data / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
