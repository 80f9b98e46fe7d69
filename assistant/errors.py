"""Typed errors. The library raises these; the CLI and UI turn them into messages.

Every message names what went wrong and the fix (a command, a flag or a setting).
"""

from __future__ import annotations

from typing import Any


class JourneyError(Exception):
    """Base class for every error the product raises on purpose."""

    exit_code = 1


class ConfigError(JourneyError):
    """A setting is missing or invalid."""

    exit_code = 2


class IngestError(JourneyError):
    """One input file could not be read; names the file and the reason."""

    def __init__(self, path: str, reason: str, fix: str | None = None):
        self.path = path
        self.reason = reason
        self.fix = fix
        message = f"{path}: {reason}"
        if fix:
            message += f" ({fix})"
        super().__init__(message)


class EmbedderMismatchError(JourneyError):
    """The index was built with another embedder than the one configured."""


class StoreError(JourneyError):
    """The vector store (embedded Chroma or a Chroma server) failed."""


class UnknownSourceError(StoreError):
    """A source named for removal is not in the store."""


class SearchRequestError(JourneyError):
    """A search or its filters cannot match anything as written: empty query, k below 1, unknown key or persona."""

    exit_code = 2


class ModelUnavailableError(JourneyError):
    """A model file or endpoint is missing or unreachable."""


class LLMCallError(JourneyError):
    """A chat-model call failed at the transport level after retries."""


class StructuredOutputError(JourneyError):
    """A chain gave up: the model never produced output that validated.

    Carries everything needed to debug it: the attempts, the last raw output,
    the validation errors of the last attempt and the token usage.
    """

    def __init__(
        self,
        chain: str,
        attempts: int,
        last_raw: str | None,
        errors: list[str],
        usage: dict[str, int] | None = None,
    ):
        self.chain = chain
        self.attempts = attempts
        self.last_raw = last_raw
        self.errors = errors
        self.usage = usage or {}
        detail = "; ".join(errors[:3]) or "no output"
        super().__init__(
            f"chain '{chain}' produced no valid output after {attempts} attempt(s): {detail}"
        )


class PromptError(JourneyError):
    """A prompt file is missing, malformed, or rendered with wrong variables."""


class GroundingError(JourneyError):
    """Evidence does not hold: a quote is not verbatim, an id does not exist, or a claim lacks evidence."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "; ".join(problems[:5])
        more = f" (+{len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{len(problems)} grounding problem(s): {shown}{more}")


class MapNotFoundError(JourneyError):
    """No map (or no such version) in the workspace."""


class EditRefusedError(JourneyError):
    """A map edit would break the grounding rules or names something that does not exist."""


class WorkspaceBusyError(JourneyError):
    """Another process holds the workspace write lock."""


class WorkspaceNotFoundError(JourneyError):
    """A command that only reads was pointed at a workspace folder that does not exist."""


def describe(exc: BaseException) -> dict[str, Any]:
    """A JSON-safe description of an error for run logs."""
    return {"type": type(exc).__name__, "message": str(exc)}
