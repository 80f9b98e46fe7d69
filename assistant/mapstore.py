"""Map versions in the workspace: immutable version files, a HEAD pointer, undo/redo.

    maps/<map_id>/v<N>.json   one file per version (written atomically, never rewritten)
    maps/<map_id>/HEAD.json   {"current": N, "redo": [...]}  which version is current
    maps/LATEST               id of the most recently drafted map

Undo moves HEAD to the parent version and remembers the undone one for redo; a new
edit on top of an undone version clears the redo stack (like any editor).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.errors import MapNotFoundError
from assistant.models import JourneyMap
from assistant.workspace import atomic_write_json, atomic_write_text

_VERSION_FILE = re.compile(r"^v(\d+)\.json$")


class MapStore:
    """Reads and writes map versions under a workspace's maps/ folder."""

    def __init__(self, maps_dir: Path):
        self.root = maps_dir

    def _dir(self, map_id: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", map_id):
            raise MapNotFoundError(f"invalid map id {map_id!r}; list maps with `journey map list`")
        return self.root / map_id

    def map_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and (p / "HEAD.json").exists())

    def latest_id(self) -> str:
        marker = self.root / "LATEST"
        if marker.exists():
            return marker.read_text(encoding="utf-8").strip()
        ids = self.map_ids()
        if not ids:
            raise MapNotFoundError("no map in this workspace yet; draft one with `journey draft`")
        return ids[-1]

    def resolve(self, ref: str | None) -> str:
        """A map id from an id, 'latest' or None."""
        return self.latest_id() if ref in (None, "", "latest") else ref

    def versions(self, map_id: str) -> list[int]:
        folder = self._dir(map_id)
        if not folder.is_dir():
            raise MapNotFoundError(f"no map '{map_id}'; list maps with `journey map list`")
        return sorted(int(m.group(1)) for p in folder.iterdir() if (m := _VERSION_FILE.match(p.name)))

    def head(self, map_id: str) -> dict:
        path = self._dir(map_id) / "HEAD.json"
        if not path.exists():
            raise MapNotFoundError(f"no map '{map_id}'; list maps with `journey map list`")
        return json.loads(path.read_text(encoding="utf-8"))

    def load(self, map_id: str | None = None, version: int | None = None) -> JourneyMap:
        map_id = self.resolve(map_id)
        version = version or self.head(map_id)["current"]
        path = self._dir(map_id) / f"v{version}.json"
        if not path.exists():
            raise MapNotFoundError(f"map '{map_id}' has no version {version}; see `journey map history {map_id}`")
        return JourneyMap.model_validate_json(path.read_text(encoding="utf-8"))

    def save_new(self, journey_map: JourneyMap) -> JourneyMap:
        """Save a map as the next version of its id and make it current."""
        folder = self._dir(journey_map.id)
        existing = self.versions(journey_map.id) if folder.is_dir() else []
        version = (max(existing) + 1) if existing else 1
        saved = journey_map.model_copy(update={"version": version})
        atomic_write_text(folder / f"v{version}.json", saved.model_dump_json(indent=2))
        atomic_write_json(folder / "HEAD.json", {"current": version, "redo": []})
        atomic_write_text(self.root / "LATEST", journey_map.id)
        return saved

    def undo(self, map_id: str) -> JourneyMap:
        head = self.head(map_id)
        current = self.load(map_id, head["current"])
        if current.parent_version is None:
            raise MapNotFoundError(f"nothing to undo: version {current.version} is the first")
        atomic_write_json(self._dir(map_id) / "HEAD.json", {"current": current.parent_version, "redo": [current.version] + head["redo"]})
        return self.load(map_id, current.parent_version)

    def redo(self, map_id: str) -> JourneyMap:
        head = self.head(map_id)
        if not head["redo"]:
            raise MapNotFoundError("nothing to redo")
        version, *rest = head["redo"]
        atomic_write_json(self._dir(map_id) / "HEAD.json", {"current": version, "redo": rest})
        return self.load(map_id, version)

    def history(self, map_id: str) -> list[dict]:
        """One line per version: version, parent, author, time, number of edits, current flag."""
        current = self.head(map_id)["current"]
        rows = []
        for version in self.versions(map_id):
            m = self.load(map_id, version)
            rows.append({"version": version, "parent": m.parent_version, "author": m.author,
                         "created_at": m.created_at.isoformat(timespec="seconds"),
                         "edits": [e.get("summary", e.get("op", "")) for e in m.edits], "current": version == current})
        return rows
