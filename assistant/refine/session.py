"""A refining session on one map: propose edits as a diff, accept (save a new version) or reject, undo, redo."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Optional

from filelock import FileLock, Timeout
from pydantic import Field

from assistant.errors import EditRefusedError, WorkspaceBusyError
from assistant.mapstore import MapStore
from assistant.models import JourneyMap, Strict
from assistant.refine.apply import apply_edits
from assistant.refine.claims import Regenerate, Units
from assistant.refine.diff import MapDiff, diff_maps
from assistant.refine.edits import MapEdit, parse_edit


class Proposal(Strict):
    """Edits applied to a preview of the map; nothing is saved until it is accepted."""

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    map_id: str
    base_version: int = Field(description="The version the edits were applied to.")
    edits: list[MapEdit]
    diff: MapDiff
    diff_text: str
    preview_map: JourneyMap


class Refiner:
    """Edits one map of a MapStore; every accepted proposal becomes a new immutable version."""

    def __init__(self, map_store: MapStore, map_id: str, units: Units, regenerate: Optional[Regenerate] = None):
        self.store = map_store
        self.map_id = map_store.resolve(map_id)
        self.units = units
        self.regenerate = regenerate
        self._closed: set[str] = set()
        self._seen_ids: dict[int, set[str]] = {}
        self.store.head(self.map_id)  # fails early with MapNotFoundError

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """One writer at a time per map (the lock file does not match the v<N>.json pattern)."""
        lock = FileLock(str(self.store.root / self.map_id / ".edit.lock"))
        try:
            lock.acquire(timeout=30)
        except Timeout:
            raise WorkspaceBusyError(f"another session has been saving map '{self.map_id}' for 30 s; "
                                     "wait for it to finish and try again") from None
        try:
            yield
        finally:
            lock.release()

    def _used_ids(self) -> set[str]:
        """Claim ids of every saved version, so a new claim never reuses an old claim's id."""
        for version in self.store.versions(self.map_id):
            if version not in self._seen_ids:
                m = self.store.load(self.map_id, version)
                self._seen_ids[version] = {c.id for _, c in m.all_claims()}
        return set().union(*self._seen_ids.values())

    def current(self) -> JourneyMap:
        return self.store.load(self.map_id)

    def propose(self, edits: Iterable[Any], regenerate: Optional[Regenerate] = None) -> Proposal:
        """Apply `edits` to a copy of the current version and show the diff; saves nothing."""
        base = self.current()
        parsed = [parse_edit(e) for e in edits]
        preview = apply_edits(base, parsed, self.units, author="proposal", regenerate=regenerate or self.regenerate,
                              reserved_ids=self._used_ids())
        diff = diff_maps(base, preview)
        return Proposal(map_id=self.map_id, base_version=base.version, edits=parsed, diff=diff,
                        diff_text=diff.text(), preview_map=preview)

    def accept(self, proposal: Proposal, author: str = "user") -> JourneyMap:
        """Save the proposal's preview as the next version and make it current."""
        if proposal.map_id != self.map_id:
            raise EditRefusedError(f"proposal {proposal.id} is for map '{proposal.map_id}', not '{self.map_id}'")
        if proposal.id in self._closed:
            raise EditRefusedError(f"proposal {proposal.id} was already accepted or rejected; propose the edits again")
        with self._lock():
            current = self.store.head(self.map_id)["current"]
            if current != proposal.base_version:
                raise EditRefusedError(f"map '{self.map_id}' is at version {current}, but proposal {proposal.id} was made "
                                       f"on version {proposal.base_version}; propose the edits again")
            final = proposal.preview_map.model_copy(update={"author": author, "created_at": datetime.now(timezone.utc)})
            saved = self.store.save_new(final)
        self._closed.add(proposal.id)
        return saved

    def apply(self, edits: Iterable[Any], author: str = "user") -> JourneyMap:
        """Propose and accept in one step."""
        return self.accept(self.propose(edits), author=author)

    def reject(self, proposal: Proposal) -> None:
        """Drop a proposal; it can no longer be accepted."""
        self._closed.add(proposal.id)

    def undo(self) -> JourneyMap:
        with self._lock():
            return self.store.undo(self.map_id)

    def redo(self) -> JourneyMap:
        with self._lock():
            return self.store.redo(self.map_id)

    def history(self) -> list[dict]:
        return self.store.history(self.map_id)

    def diff(self, v_a: int, v_b: int) -> MapDiff:
        return diff_maps(self.store.load(self.map_id, v_a), self.store.load(self.map_id, v_b))

