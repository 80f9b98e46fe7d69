"""Bundled gold datasets (YAML); see README.md here for formats and how each set was built."""

from pathlib import Path

DATASETS = Path(__file__).resolve().parent
THREADLINE_QUESTIONS = DATASETS / "threadline_questions.yaml"
