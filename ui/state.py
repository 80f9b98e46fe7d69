"""Per-browser-session state: each tab of each browser gets its own chat session and pending edit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, Optional

import gradio as gr


@dataclass
class SessionState:
    """What one browser session holds between events; nothing here is shared between users."""

    chat_session: str = field(default_factory=lambda: "ui-" + uuid.uuid4().hex[:12])
    proposal: Optional[Any] = None  # assistant.refine.session.Proposal awaiting Accept / Reject
    messages: list = field(default_factory=list)  # the chat as shown: {"role", "content"} dicts
    last_citations: list = field(default_factory=list)


def session_state() -> gr.State:
    """A gr.State whose value is created fresh for every page load."""
    return gr.State(value=lambda: SessionState())


def ensure(state: SessionState | None) -> SessionState:
    """The session's state (a fresh one when a client sent none)."""
    return state if isinstance(state, SessionState) else SessionState()
