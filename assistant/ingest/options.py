"""Options that change how a file is parsed (they are part of the re-ingest fingerprint)."""

from __future__ import annotations

import codecs
import warnings
from dataclasses import dataclass
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ReadOptions(BaseModel):
    """Parsing options; None means auto-detect."""

    model_config = ConfigDict(extra="forbid")

    text_column: Optional[str] = Field(default=None, description="Column or JSON key (dotted for nested) holding the feedback text.")
    id_column: Optional[str] = Field(default=None, description="Column or JSON key holding a record id; keeps unit ids stable when rows move.")
    respondent_column: Optional[str] = Field(default=None, description="Column or JSON key naming who wrote the feedback.")
    encoding: Optional[str] = Field(default=None, description="Text encoding override, e.g. 'latin-1'; default: detected.")

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: Optional[str]) -> Optional[str]:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError as exc:
                raise ValueError(f"unknown encoding {value!r}: use a Python codec name such as 'utf-8' or 'latin-1'") from exc
        return value


class IngestWarning(UserWarning):
    """A file was read, but something in it was repaired or skipped."""


@dataclass(frozen=True)
class ReadContext:
    """What a reader needs besides the bytes: names for messages and ids, and the options."""

    path: str
    source: str
    stem: str
    options: ReadOptions

    def warn(self, message: str) -> None:
        """Report a repair or skip; ingest_paths collects these per file."""
        warnings.warn(IngestWarning(f"{self.path}: {message}"), stacklevel=2)
