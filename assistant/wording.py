"""Small helpers for the words the CLI and the app print."""


def noun(n: int, word: str) -> str:
    """'file' for 1, 'files' otherwise."""
    return word if n == 1 else word + "s"


def plural(n: int, word: str) -> str:
    """'1 file', '2 files'."""
    return f"{n} {noun(n, word)}"
