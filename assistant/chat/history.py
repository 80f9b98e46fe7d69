"""Chat history per session, kept in the workspace (chats/<session>.jsonl)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str  # "user" or "assistant"
    text: str
    query: Optional[str] = None  # a user turn's retrieval query (the question, or it with the topic it follows up)


class ChatHistory:
    def __init__(self, chats_dir: Path, session: str = "default"):
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", session):
            raise ValueError(f"invalid session name {session!r}: use letters, digits, '.', '_' or '-'")
        self.path = chats_dir / f"{session}.jsonl"
        self.turns: list[Turn] = []
        if self.path.exists():
            self.turns = [Turn.model_validate_json(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def add(self, role: str, text: str, query: Optional[str] = None) -> None:
        turn = Turn(role=role, text=text, query=query)
        self.turns.append(turn)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(turn.model_dump_json(exclude_none=True) + "\n")

    def recent(self, n: int = 6) -> list[Turn]:
        return self.turns[-n:]

    def clear(self) -> None:
        self.turns = []
        self.path.unlink(missing_ok=True)
