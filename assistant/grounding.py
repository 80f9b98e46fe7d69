"""Quote location, evidence checks and unsupported-mention checks shared by validators, chains, the draft and evals.

A quote counts as verbatim when it occurs in the unit text exactly, or after
collapsing runs of whitespace on both sides (so a line break in a transcript
does not make a real quote fail). Offsets always point into the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator, Mapping, Protocol

_WS = re.compile(r"\s+")


class HasText(Protocol):
    text: str


def _collapse(text: str) -> tuple[str, list[int]]:
    """Whitespace-collapsed text plus, for each kept char, its index in the original."""
    out: list[str] = []
    index: list[int] = []
    in_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                index.append(i)
            in_space = True
        else:
            out.append(ch)
            index.append(i)
            in_space = False
    return "".join(out), index


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of `quote` in `text`, exact first, then whitespace-normalised; None if absent."""
    quote = quote.strip()
    if not quote:
        return None
    pos = text.find(quote)
    if pos >= 0:
        return pos, pos + len(quote)
    collapsed, index = _collapse(text)
    needle = _WS.sub(" ", quote)
    pos = collapsed.find(needle)
    if pos < 0:
        return None
    return index[pos], index[pos + len(needle) - 1] + 1


def quote_matches(text: str, quote: str, start: int, end: int) -> bool:
    """True when text[start:end] is the quote (modulo whitespace runs)."""
    if not (0 <= start < end <= len(text)):
        return False
    span = text[start:end]
    return span == quote or _WS.sub(" ", span.strip()) == _WS.sub(" ", quote.strip())


def check_evidence(
    unit_id: str, quote: str, start: int, end: int, units: Mapping[str, HasText]
) -> str | None:
    """A problem description, or None when the evidence holds against the corpus."""
    unit = units.get(unit_id)
    if unit is None:
        return f"unit id '{unit_id}' does not exist in the corpus"
    if not quote_matches(unit.text, quote, start, end):
        found = locate_quote(unit.text, quote)
        if found is None:
            return f"quote {quote[:60]!r} is not verbatim in unit '{unit_id}'"
        return f"quote {quote[:60]!r} is in unit '{unit_id}' at {found[0]}-{found[1]}, not at {start}-{end}"
    return None


# --- names and numbers a text mentions ------------------------------------------------------
# A model-written claim may say only what its evidence says: the numbers in it and the names (brands, places,
# people) must appear in its quotes or units. The draft checks its own LLM-written text with these functions
# and `journey eval` (evals/grounding_checks.py) scores maps with the same ones.

_NUMBER = re.compile(r"(?<![\w.])([£$€]\s?)?(\d+(?:[.,]\d+)*)(?:\s?(%|[a-zA-Z]+))?")
# words that bind a number to what it counts, so "£8" is not supported by "8 items" (singular forms)
UNIT_WORDS = frozenset({"%", "£", "$", "€", "p", "pence", "pound", "quid", "dollar", "euro", "percent", "cm", "mm", "m", "kg",
                        "g", "inch", "day", "week", "month", "year", "hour", "hr", "minute", "min", "second", "time",
                        "item", "order", "star", "point", "parcel", "call", "email"})
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'\u2019-]*[A-Za-z0-9]|[A-Za-z]")  # "MAYA15" is one word
_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*)[\"'\u201c(*\-\u2022]*\s*$")
_ALWAYS_CAPITALISED = frozenset({"I", "I'm", "I've", "I'd", "I'll", "OK"})


def _norm_number(token: str) -> str:
    return token.replace(",", "").rstrip(".")


_SAME_UNIT = {"pound": "£", "quid": "£", "dollar": "$", "euro": "€", "percent": "%"}


def _unit_word(word: str | None) -> str | None:
    if not word:
        return None
    word = word.strip().lower()
    for candidate in (word, word[:-1] if word.endswith("s") else word):
        if candidate in UNIT_WORDS:
            return _SAME_UNIT.get(candidate, candidate)
    return None


def _mentions(text: str) -> Iterator[tuple[str, str | None, str]]:
    """(number, unit, as written) for each number written with digits; see number_mentions."""
    for match in _NUMBER.finditer(text):
        currency, digits, after = match.groups()
        unit = currency.strip() if currency else _unit_word(after)
        written = (currency or "") + digits + ("" if currency or unit is None else ("%" if after == "%" else f" {after}"))
        yield _norm_number(digits), unit, written


def number_mentions(text: str) -> set[tuple[str, str | None]]:
    """(number, unit) for each number written with digits: "£1,200" -> ("1200", "£"), "in 2 days" -> ("2", "day"),
    "size 26" -> ("26", None). The unit is a currency sign before it, or "%" or a unit word right after it."""
    return {(number, unit) for number, unit, _ in _mentions(text)}


def numbers_in(text: str) -> set[str]:
    """Numbers written with digits, normalised (1,200 -> 1200)."""
    return {number for number, _ in number_mentions(text)}


def unsupported_numbers(text: str, support: str, allowed: Iterable[str] = ()) -> list[str]:
    """Numbers of `text` that `support` lacks, as written ("£8", "2.5 hours"). A number with a unit needs the same
    number with the same unit in the support ("£8" is not supported by "8 items"); one without a unit needs the
    number. `allowed` numbers always pass (a claim may state its own prevalence)."""
    said = number_mentions(support)
    said_numbers = {n for n, _ in said}
    allowed = set(allowed)
    missing = []
    for number, unit, written in _mentions(text):
        supported = number in said_numbers if unit is None else (number, unit) in said
        if not supported and number not in allowed and written not in missing:
            missing.append(written)
    return missing


def named_entities_in(text: str) -> set[str]:
    """Capitalised words that do not start a sentence (a cheap stand-in for named entities)."""
    found = set()
    for match in re.finditer(r"\b[A-Z][\w'\u2019-]*", text):
        if match.group() in _ALWAYS_CAPITALISED or _SENTENCE_START.search(text[: match.start()]):
            continue
        found.add(match.group())
    return found


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lowercase whole words of the MiniLM tokenizer's vocabulary (about 22,000 common English words, from
    lowercased English text): what counts as an ordinary word when a word's case does not tell."""
    import json

    from vectorstore.model_files import MINILM_TOKENIZER

    vocab = json.loads(MINILM_TOKENIZER.verified_path().read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w for w in vocab if w.isalpha() and w.islower() and len(w) > 1)


_CLITIC = re.compile(r"(?:n't|'s|'d|'ll|'re|'ve|'m)$")


@lru_cache(maxsize=1)
def product_words() -> frozenset[str]:
    """Lowercase words of the shipped prompts and stage sets ("checkout", "refunds", "hassle"): the model reads
    them on every request, so writing them back names nothing new."""
    from assistant.llm.prompts import builtin_dir
    from assistant.stagesets.loader import PRESET_DIR

    files = [*builtin_dir().glob("*.yaml"), *PRESET_DIR.glob("*.yaml")]
    return frozenset(w for path in files for w in _WORD.findall(path.read_text(encoding="utf-8")) if w.islower())


def _stems(word: str) -> Iterator[str]:
    word = _CLITIC.sub("", word) if _CLITIC.search(word) and len(word) > 3 else word  # "didn't" -> "did", "it's" -> "it"
    yield word
    if word in {"ca", "wo", "sha"}:  # "can't", "won't", "shan't"
        yield word + "n"
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("d", ""),
                         ("ing", ""), ("ing", "e"), ("ly", ""), ("er", ""), ("est", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            yield word[: len(word) - len(suffix)] + repl


class Vocabulary:
    """Ordinary words: common English (`english_words`), the product's own (`product_words`) and every word the
    corpus writes in lower case.

    A word a text writes in lower case or at a sentence start is a name when it is none of these ("Paypal
    error", "pay with klarna"); a word capitalised mid-sentence or with a capital inside ("PayPal") is one anyway.
    """

    def __init__(self, corpus_texts: Iterable[str] = ()):
        self.words = set(english_words()) | product_words()
        for text in corpus_texts:
            self.words.update(w for w in _WORD.findall(text) if w.islower())

    def ordinary(self, word: str) -> bool:
        lowered = word.lower().replace("\u2019", "'")
        return any(stem in self.words for stem in _stems(lowered)) or any(
            all(any(s in self.words for s in _stems(part)) for part in lowered.split(sep) if part)
            for sep in ("-", "'") if sep in lowered)

    def names_in(self, text: str) -> set[str]:
        """Words of `text` that look like names: capitalised mid-sentence, with an inner capital, or unknown words."""
        found = set()
        for match in _WORD.finditer(text):
            word = match.group()
            if word in _ALWAYS_CAPITALISED or len(word) == 1 or (word.isupper() and self.ordinary(word)):
                continue  # "SO good", "EVERYTHING" is emphasis, not a name
            inner_capital = any(c.isupper() for c in word[1:]) and not word.isupper()
            starts = _SENTENCE_START.search(text[: match.start()]) is not None
            if inner_capital or (word[0].isupper() and not starts) or not self.ordinary(word):
                found.add(word)
        return found


def unsupported_names(text: str, support: str, vocabulary: Vocabulary) -> list[str]:
    """Names in `text` that `support` never mentions (compared case-insensitively, as whole words)."""
    lowered = support.lower()
    return sorted(n for n in vocabulary.names_in(text) if not re.search(rf"(?<!\w){re.escape(n.lower())}(?!\w)", lowered))


def mention_problem(text: str, support: str, vocabulary: Vocabulary, allowed_numbers: Iterable[str] = ()) -> str | None:
    """Why `text` says more than `support` ("numbers ['£8'] and names ['PayPal'] appear in none of its evidence"), or None."""
    numbers = unsupported_numbers(text, support, allowed_numbers)
    names = unsupported_names(text, support, vocabulary)
    if not numbers and not names:
        return None
    parts = ([f"numbers {numbers}"] if numbers else []) + ([f"names {names}"] if names else [])
    return f"{' and '.join(parts)} appear in none of its evidence (possible hallucination)"


def support_text(owner: Any, units: Mapping[str, Any]) -> str:
    """What a claim or opportunity may draw on: its quotes, and the text, respondent and source of its units."""
    unit_ids = set(getattr(owner, "unit_ids", [])) | {e.unit_id for e in owner.evidence}
    parts = [e.quote for e in owner.evidence]
    for unit_id in sorted(unit_ids):
        unit = units.get(unit_id)
        if unit is not None:
            parts += [unit.text, unit.respondent or "", unit.source]
    return "\n".join(parts)
