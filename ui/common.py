"""Shared pieces of the tabs: error translation, filter parsing, concurrency groups."""

from __future__ import annotations

import functools
import inspect
import logging
from typing import Any, Callable

import gradio as gr
from pydantic import ValidationError

from assistant.errors import JourneyError

log = logging.getLogger("journey.ui")

# Events that write to the workspace share one queue slot, so two browsers never write at once.
WRITE_GROUP = "workspace-write"
# Events that call the chat model share the model's parallel slots.
LLM_GROUP = "llm"


def to_gr_error(exc: BaseException) -> gr.Error:
    """A gr.Error with the typed error's message; unexpected errors are logged, never shown as a trace."""
    if isinstance(exc, gr.Error):
        return exc
    if isinstance(exc, JourneyError):
        return gr.Error(str(exc), print_exception=False)
    if isinstance(exc, ValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3])
        return gr.Error(f"invalid input: {problems}", print_exception=False)
    log.exception("unexpected error in a UI event")
    return gr.Error(f"unexpected {type(exc).__name__}: {exc}. See the server log for details.", print_exception=False)


def guarded(fn: Callable) -> Callable:
    """Wrap an event handler so every error reaches the browser as a gr.Error message."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any):
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                raise to_gr_error(exc) from None
        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise to_gr_error(exc) from None
    return wrapper


def parse_where(text: str | None) -> dict[str, Any] | None:
    """'m.segment=new, source=a.csv' -> {'m.segment': 'new', 'source': 'a.csv'}; a key given twice means 'any of'."""
    where: dict[str, Any] = {}
    for part in (text or "").replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise gr.Error(f"filter {part!r} is not key=value; e.g. m.segment=new, source=survey.csv", print_exception=False)
        key, value = key.strip(), value.strip()
        if key in where:
            previous = where[key]
            where[key] = (previous if isinstance(previous, list) else [previous]) + [value]
        else:
            where[key] = value
    return where or None


def clip(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
