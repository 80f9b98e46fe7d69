"""Expanding paths (files and folders) into (file, source identity) pairs."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from assistant.errors import IngestError
from assistant.ingest.registry import SUPPORTED_EXTENSIONS


def _hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")  # ~$ = Office lock files


def _source(path: Path, root: Path) -> str:
    base = root.resolve().parent
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.name


def iter_files(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    """(file, source) for each path; folders recurse (sorted, hidden and unsupported files skipped).

    source is the path relative to the argument's parent in posix form: ingesting `samples/`
    gives `samples/interviews/a.txt`. A file named directly is always yielded, whatever its type.
    """
    seen: set[Path] = set()
    for root in map(Path, paths):
        if not root.exists():
            raise IngestError(str(root), "no such file or folder", "check the path")
        if root.is_dir():
            found = sorted(
                p for p in root.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS
                and not any(_hidden(part) for part in p.relative_to(root).parts)
            )
        else:
            found = [root]
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path, _source(path, root)
