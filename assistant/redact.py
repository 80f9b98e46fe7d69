"""PII redaction: emails, phone numbers, payment cards, postal addresses and self-named people.

    text, counts = redact("Call me on +44 20 7946 0958, I'm Jane Doe")
    # "Call me on [PHONE], I'm [NAME]", {"phone": 1, "name": 1}

Phones come from `phonenumbers` (Google's libphonenumber rules, offline); the rest are
precise patterns: cards must pass the Luhn check, addresses need a house number and a street
suffix (or a UK postcode), and names are only taken where the text introduces or signs them
("my name is ...", "I'm First Last", "Thanks,\\nFirst"). Speaker labels stay: they are the
respondent ids. Redaction runs at ingest (ReadOptions.redact), before embedding and any LLM call.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from typing import Any, Callable, Iterable, Optional
from urllib.parse import urlparse

import phonenumbers

from assistant.models import FeedbackUnit, MetaValue, unit_id_for

PLACEHOLDERS = {"email": "[EMAIL]", "card": "[CARD]", "address": "[ADDRESS]", "phone": "[PHONE]", "name": "[NAME]"}
Counts = dict[str, int]

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_DIGITS = re.compile(r"\d+")
_UK_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]? ?[0-9][ABD-HJLNP-UW-Z]{2})\b")
_SUFFIX = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Terrace|Close|"
           r"Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Gardens|Grove|Mews|Row|Way)")
_STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'’-]+\.?\s+){1,4}" + _SUFFIX + r"\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Unit|Flat|#)\.?\s*[A-Za-z0-9-]+)?"
    r"(?:,\s*[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2},\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?)?"
)
_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)?"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,2}}"
_FULL_NAME = rf"{_WORD}(?:\s+{_WORD}){{1,2}}"
_INTRO_ANY = re.compile(rf"(?i:\b(?:my name is|my name's|name's|call me)\s+)(?P<name>{_NAME})")
_INTRO_FULL = re.compile(rf"(?i:\b(?:i am|i'm|i’m|this is)\s+)(?P<name>{_FULL_NAME})\b")
_SIGN_OFF = re.compile(
    rf"(?im)^[ \t]*(?:thanks|thank you|many thanks|regards|best regards|kind regards|warm regards|best|cheers|"
    rf"sincerely|yours sincerely|yours truly|all the best)[ \t]*[,!.-]?[ \t]*(?:\n[ \t]*)?(?P<name>{_NAME})[ \t]*\.?$"
)
# Capitalised words that follow "I'm"/"This is" or close a sign-off without being names.
_NOT_NAMES = frozenset("""
    A An The This That It Not So Very Really Just Still Also Always Never Happy Glad Sorry Sure Done Back Here There
    Again Everyone All Team Support Customer Service Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April May June July August September October November December Threadline Thanks You
""".split())
_PHONE_REGIONS = ("GB", "US")
# Words that say the number after them is a phone number, within a few words before it.
_PHONE_CUE = re.compile(r"(?i)\b(?:call|called|calling|phone|phoned|ring|rang|text|texted|mobile|mob|cell|tel|telephone|"
                        r"landline|whatsapp|sms|contact|reach)\b[^\d\n.!?]{0,24}$")
_MIN_PHONE_DIGITS = 9


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _card_spans(text: str) -> list[tuple[int, int]]:
    """Luhn-valid runs of 13-19 digits in groups split by single spaces or dashes (longest first)."""
    runs: list[list[re.Match[str]]] = []
    for group in _DIGITS.finditer(text):
        if runs and group.start() - runs[-1][-1].end() == 1 and text[group.start() - 1] in " -":
            runs[-1].append(group)
        else:
            runs.append([group])
    candidates = []
    for run in runs:
        for i in range(len(run)):
            digits = ""
            for j in range(i, len(run)):
                digits += run[j].group()
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and len(set(digits)) > 1 and _luhn(digits):
                    candidates.append((run[i].start(), run[j].end()))
    spans: list[tuple[int, int]] = []
    for start, end in sorted(candidates, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= a or start >= b for a, b in spans):
            spans.append((start, end))
    return spans


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Numbers in UK or US conventions (any country when written with +).

    Valid numbers by libphonenumber's rules always; numbers of a possible length that its rules
    call invalid (reserved ranges such as the UK's 07700 900xxx, new allocations) only when
    written with + or after a word like "call", "text" or "mobile", so prices, order numbers
    and dates stay.
    """
    spans: set[tuple[int, int]] = set()
    for region in _PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.POSSIBLE):
            if phonenumbers.is_valid_number(match.number) or _phone_in_context(text, match.start, match.raw_string):
                spans.add((match.start, match.end))
    return sorted(spans)


def _phone_in_context(text: str, start: int, raw: str) -> bool:
    if sum(ch.isdigit() for ch in raw) < _MIN_PHONE_DIGITS:
        return False
    return raw.startswith("+") or bool(_PHONE_CUE.search(text, max(0, start - 40), start))


def _name_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for pattern in (_INTRO_ANY, _INTRO_FULL, _SIGN_OFF):
        for match in pattern.finditer(text):
            words = match.group("name").split()
            while words and words[-1] in _NOT_NAMES:
                words.pop()
            if not words or words[0] in _NOT_NAMES or (pattern is _INTRO_FULL and len(words) < 2):
                continue
            start = match.start("name")
            spans.append((start, start + len(" ".join(words))))
    return spans


def _regex_spans(pattern: re.Pattern[str]) -> Callable[[str], list[tuple[int, int]]]:
    return lambda text: [m.span() for m in pattern.finditer(text)]


# Order matters: each detector sees the text with earlier findings already replaced.
_DETECTORS: tuple[tuple[str, Callable[[str], list[tuple[int, int]]]], ...] = (
    ("email", _regex_spans(_EMAIL)),
    ("card", _card_spans),
    ("address", _regex_spans(_STREET)),
    ("address", _regex_spans(_UK_POSTCODE)),
    ("phone", _phone_spans),
    ("name", _name_spans),
)


def _replace(text: str, spans: Iterable[tuple[int, int]], placeholder: str) -> tuple[str, int]:
    """Replace non-overlapping spans (earliest wins) with the placeholder."""
    out, last, n = [], 0, 0
    for start, end in sorted(spans):
        if start < last or end <= start:
            continue
        out += [text[last:start], placeholder]
        last, n = end, n + 1
    out.append(text[last:])
    return "".join(out), n


def redact(text: str) -> tuple[str, Counts]:
    """`text` with PII replaced by [EMAIL], [PHONE], [CARD], [ADDRESS], [NAME]; counts per kind."""
    counts: Counts = {}
    for kind, find in _DETECTORS:
        for _ in range(3):  # a replacement can expose a number the matcher had merged with its neighbour
            spans = find(text)
            if not spans:
                break
            text, n = _replace(text, spans, PLACEHOLDERS[kind])
            counts[kind] = counts.get(kind, 0) + n
    return text, counts


def add_counts(total: Counts, more: Counts) -> Counts:
    """Sum `more` into `total` (in place) and return it."""
    for kind, n in more.items():
        total[kind] = total.get(kind, 0) + n
    return total


def _record_key(unit: FeedbackUnit) -> str:
    """The key the reader hashed into the unit id (position label, or a record id when rows are keyed)."""
    loc = unit.locator
    label = loc.label()
    if unit.id == unit_id_for(unit.source, label, unit.text):
        return label
    suffix = f" part {loc.part + 1}" if loc.part else ""
    for value in unit.metadata.values():
        if value is not None:
            key = f"{loc.kind} id={str(value).strip()}{suffix}"
            if unit.id == unit_id_for(unit.source, key, unit.text):
                return key
    return label


def _redact_respondent(respondent: Optional[str], counts: Counts) -> Optional[str]:
    """Speaker labels stay; a respondent id that is itself PII (an email, a phone) becomes a stable pseudonym."""
    if not respondent:
        return respondent
    cleaned, found = redact(respondent)
    if not found or not (found.keys() - {"name"}):
        return respondent
    add_counts(counts, found)
    return "respondent-" + hashlib.sha256(respondent.encode("utf-8")).hexdigest()[:10]


def redact_unit(unit: FeedbackUnit, counts: Counts) -> FeedbackUnit:
    """A copy of `unit` with text, string metadata and PII-shaped respondent redacted; id recomputed on the new text."""
    text, found = redact(unit.text)
    add_counts(counts, found)
    metadata: dict[str, MetaValue] = {}
    for key, value in unit.metadata.items():
        if isinstance(value, str):
            value, meta_found = redact(value)
            add_counts(counts, meta_found)
        metadata[key] = value
    # The locator keeps the span in the original source, so a reviewer with the file can find it.
    new_id = unit_id_for(unit.source, _record_key(unit), text)
    return unit.model_copy(update={"id": new_id, "text": text, "metadata": metadata,
                                   "respondent": _redact_respondent(unit.respondent, counts)})


def redact_units(units: Iterable[FeedbackUnit]) -> tuple[list[FeedbackUnit], Counts]:
    """Redacted copies of `units` and the total counts per kind."""
    counts: Counts = {}
    return [redact_unit(u, counts) for u in units], counts


# --- remote providers --------------------------------------------------------------------

_warned: set[tuple[Any, ...]] = set()


def is_remote_provider(settings: Any) -> bool:
    """True when chat calls leave this machine: openai, or openai-compatible at a non-loopback host."""
    provider = settings.provider or "local"
    if provider == "local":
        return False
    if not settings.llm_base_url:
        return provider == "openai"
    url = settings.llm_base_url if "://" in settings.llm_base_url else f"http://{settings.llm_base_url}"
    host = (urlparse(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def warn_remote_without_redaction(settings: Any, once: bool = True) -> str | None:
    """A warning text when feedback goes to a remote model unredacted; None otherwise (and after the first time when `once`)."""
    if settings.redact or not is_remote_provider(settings):
        return None
    key = (settings.provider, settings.llm_base_url)
    if once and key in _warned:
        return None
    _warned.add(key)
    where = settings.llm_base_url or "api.openai.com"
    return (f"feedback text will be sent to a remote model ({settings.provider} at {where}) without PII redaction; "
            "set JOURNEY_REDACT=1 (or redact = true in config.toml) and re-ingest to replace emails, phone numbers, "
            "cards, addresses and names with placeholders")
