"""Options that change how a file is parsed (they are part of the re-ingest fingerprint)."""

from __future__ import annotations

import codecs
import warnings
from dataclasses import dataclass
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_MAX_BYTES = 100_000_000  # 100 MB, as `journey ingest --max-mb` counts

class ReadOptions(BaseModel):
    """Parsing options; None means auto-detect."""

    model_config = ConfigDict(extra="forbid")

    text_column: Optional[str] = Field(default=None, description="Column or JSON key (dotted for nested) holding the feedback text.")
    id_column: Optional[str] = Field(default=None, description="Column or JSON key holding a record id; keeps unit ids stable when rows move.")
    respondent_column: Optional[str] = Field(default=None, description="Column or JSON key naming who wrote the feedback.")
    encoding: Optional[str] = Field(default=None, description="Text encoding override, e.g. 'latin-1'; default: detected.")
    redact: bool = Field(default=False, description="Replace emails, phones, cards, addresses and self-named people with placeholders before units are stored.")
    sentences: bool = Field(default=False, description="One unit per sentence instead of per answer, review or paragraph: a complaint inside a happy review becomes its own pain point.")
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=1, description="Files larger than this are refused (not read into memory); raise it for bigger exports.")

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
