"""Expanding paths (files and folders) into the files to read, and the ones left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from assistant.errors import IngestError
from assistant.ingest.naming import default_name
from assistant.ingest.registry import SUPPORTED_EXTENSIONS


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")  # ~$ = Office lock files


@dataclass
class Expanded:
    """What one path argument stands for: files to read, and files in its folders of unsupported types."""

    files: list[Path] = field(default_factory=list)
    unsupported: list[Path] = field(default_factory=list)


def expand(root: Path) -> Expanded:
    """A file named directly is read whatever its type (and fails there if unsupported); a folder
    recurses, sorted, skipping hidden files; IngestError when the path does not exist."""
    if not root.exists():
        raise IngestError(str(root), "no such file or folder", "check the path")
    if not root.is_dir():
        return Expanded([root])
    out = Expanded()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or any(_hidden(part) for part in path.relative_to(root).parts):
            continue
        (out.files if path.suffix.lower() in SUPPORTED_EXTENSIONS else out.unsupported).append(path)
    return out


def iter_files(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    """(file, default source name) for each supported file under `paths`, each file once.

    The name is the path relative to the argument's parent in posix form: ingesting `samples/`
    gives `samples/interviews/a.txt`, a file named directly its file name. ingest_paths keeps
    the name the store already has for a file, and never gives one name to two files.
    """
    seen: set[Path] = set()
    for root in map(Path, paths):
        for path in expand(root).files:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path, default_name(path, root)
