"""The bundled sample corpus: feedback for "Threadline", a fictional online clothing store."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import ConfigError

_CORPUS = Path(__file__).resolve().parent / "clothing"
_DATA_SUFFIXES = frozenset({".txt", ".md", ".vtt", ".docx", ".csv", ".jsonl", ".json", ".xlsx"})


def sample_corpus_path() -> Path:
    """Folder of the bundled Threadline corpus (interviews, survey, reviews, tickets)."""
    if not (_CORPUS / "survey").is_dir():
        raise ConfigError(
            f"the bundled sample corpus is missing at {_CORPUS}; reinstall the package "
            "(`uv pip install -e .`) so the assistant/samples/clothing data files are included"
        )
    return _CORPUS


def sample_corpus_files() -> list[Path]:
    """The corpus's feedback files, sorted (its documentation lives one folder up, in samples/README.md)."""
    root = sample_corpus_path()
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in _DATA_SUFFIXES and p.parent != root
    )
