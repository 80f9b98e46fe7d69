"""Source names: one name per file however it is passed, and never one name for two files.

A file passed directly is named by its file name; a file found in a folder by its path from that
folder's parent (`journey ingest interviews/` gives `interviews/p01.txt`). The store records each
file's absolute path (its origin), so a file ingested again keeps the name it was first stored
under, whether it is passed as a file or inside a folder, relative or absolute.

A name already held by another file is never reused: in an earlier run's store the new file's
name gets its parent folders (`feb/survey.csv` beside January's `survey.csv`); two files of one
run that would share a name are an error. Sources stored before origins were recorded are
adopted, not duplicated: by name, or by fingerprint when the same content sits under an older
name; an older source whose name only ends like the file's path may be it, so ingest warns.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

from vectorstore.base import SourceRecord


def default_name(path: Path, root: Path) -> str:
    """The name of `path` found under the argument `root`: relative to root's parent, or the file name."""
    base = root.resolve().parent
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.name


class NameClash(Exception):
    """Two files of one batch map to one source name."""

    def __init__(self, name: str, first: str):
        self.name, self.first = name, first
        super().__init__(name)


@dataclass(frozen=True)
class Naming:
    """The name chosen for a file, and a note for the user when the choice needs explaining."""

    name: str
    note: Optional[str] = None


class SourceNamer:
    """Names the files of one ingest run against what the store already holds."""

    def __init__(self, stored: Mapping[str, SourceRecord]):
        self._stored = dict(stored)
        self._by_origin = {record.origin: name for name, record in stored.items() if record.origin}
        self._claimed: dict[str, tuple[str, str]] = {}  # name -> (origin, the file as given) taken in this run

    def name(self, path: Path, default: str, fingerprint: str, explicit: Optional[str] = None) -> Naming:
        """The source name for `path` (`default` as iter_files gives it); NameClash when another
        file of this run has it. `explicit` names a file whose path means nothing later (an
        upload's temporary copy): it is used as given and replaces what that name holds.
        """
        origin = str(path.resolve())
        wanted = explicit if explicit is not None else self._by_origin.get(origin, default)
        holder = self._claimed.get(wanted)
        if holder is not None and holder[0] != origin:
            raise NameClash(wanted, holder[1])
        naming = Naming(wanted) if explicit is not None or origin in self._by_origin else self._choose(origin, default, fingerprint)
        self._claimed[naming.name] = (origin, str(path))
        if explicit is None:
            self._by_origin[origin] = naming.name
            self._stored[naming.name] = SourceRecord(fingerprint, origin)
        return naming

    def _taken(self, name: str, origin: str) -> bool:
        record = self._stored.get(name)
        return name in self._claimed or (record is not None and record.origin not in (None, origin))

    def _choose(self, origin: str, default: str, fingerprint: str) -> Naming:
        if self._taken(default, origin):
            held = self._stored[default].origin if default in self._stored else None
            parts = Path(origin).parts
            for size in range(len(Path(default).parts) + 1, len(parts)):
                longer = "/".join(parts[-size:])
                if not self._taken(longer, origin):
                    return Naming(longer, f"stored as '{longer}': '{default}' is another file ({held}); if this one "
                                          f"replaces it (a newer export), remove the old one with `journey remove {default}`")
            return Naming(Path(origin).as_posix())
        if default in self._stored:
            return Naming(default)  # this name, stored before origins were recorded: the same file again
        legacy = {name: r for name, r in self._stored.items() if not r.origin and name not in self._claimed}
        same = sorted(name for name, r in legacy.items() if r.fingerprint == fingerprint)
        if same:
            return Naming(same[0])
        alike = sorted(name for name in legacy if origin.endswith("/" + name))
        if alike:
            names = ", ".join(f"'{n}'" for n in alike)
            return Naming(default, f"stored as '{default}'; {names} in the store, ingested before file locations were "
                                   f"recorded, may be an older copy of this file: if so, remove it with `journey remove {alike[0]}`")
        return Naming(default)


def resolve_sources(args: Sequence[str], stored: Mapping[str, SourceRecord], cwd: Path) -> tuple[list[str], list[str]]:
    """(stored names, unknown arguments) for names as `journey stats` lists them, or files and folders as ingest takes them.

    A folder stands for every stored source whose file lies in it.
    """
    names: list[str] = []
    unknown: list[str] = []
    for arg in args:
        found = _matches(arg, stored, cwd)
        if found:
            names += [n for n in found if n not in names]
        else:
            unknown.append(arg)
    return names, unknown


def _matches(arg: str, stored: Mapping[str, SourceRecord], cwd: Path) -> list[str]:
    if arg in stored:
        return [arg]
    target = Path(cwd, arg).resolve()
    exact = [name for name, record in stored.items() if record.origin == str(target)]
    if exact:
        return exact
    inside = [name for name, record in stored.items() if record.origin and Path(record.origin).is_relative_to(target)]
    if inside or not target.is_dir():
        return sorted(inside)
    # a folder ingested before origins were recorded: its sources are named from the folder's own name on
    prefix = target.name + "/"
    return sorted(name for name, record in stored.items() if not record.origin and name.startswith(prefix))
