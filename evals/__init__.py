"""Eval suites that check drafted maps: grounding (no LLM), LLM-judged support, accuracy against gold, chat.

Start with `evals.grounding.run_grounding` or `evals.cli_support.run_eval`; formats and metrics are in evals/README.md.
"""

from evals.core import Case, Dataset, EvalResult, FailingItem, SuiteReport

__all__ = ["Case", "Dataset", "EvalResult", "FailingItem", "SuiteReport"]
