"""Benchmarks: one script per area, and `python -m bench` (or `journey bench`) to run them all into one table."""
