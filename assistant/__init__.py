"""Journey Assistant: grounded personas and customer-journey maps from qualitative feedback."""

__version__ = "0.1.0"
