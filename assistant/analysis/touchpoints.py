"""Touchpoints named in feedback: channels, places, people and tools, found by a lexicon of common ones.

Used for the extractive touchpoints of a stage (a small model's drafts, or any draft whose model
answer failed): each touchpoint is a channel that the stage's own units mention, ranked by how many
units mention it, and cited by the sentence that mentions it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Sequence

# label -> alternatives (regular expressions, matched case-insensitively on word boundaries)
CHANNELS: dict[str, tuple[str, ...]] = {
    "Mobile app": (r"apps?", r"mobile app", r"ios", r"android"),
    "Website": (r"web ?site", r"site", r"online shop", r"online store", r"homepage", r"web page"),
    "Email": (r"e-?mails?", r"e-?mailed", r"inbox"),
    "Newsletter": (r"newsletters?",),
    "Text messages": (r"text messages?", r"texted", r"sms", r"whatsapp"),
    "Phone line": (r"phoned", r"phone calls?", r"on the phone (?:to|with)", r"rang", r"hotline", r"phone line", r"called (?:them|customer service|support)"),
    "Live chat": (r"live chat", r"chat", r"chatbot", r"bot"),
    "Customer service": (r"customer services?", r"support", r"agents?", r"helpdesk"),
    "Shop": (r"in[- ]store", r"(?:the|your|a|local|physical) (?:shop|store)s?", r"branch(?:es)?", r"showroom", r"high street"),
    "Checkout": (r"checkout", r"check-?out", r"basket", r"cart"),
    "Payment": (r"payments?", r"paypal", r"apple pay", r"google pay", r"klarna", r"card details", r"credit card", r"debit card"),
    "Discount codes": (r"discount codes?", r"promo codes?", r"vouchers?", r"coupons?"),
    "Account": (r"account", r"log ?in", r"sign ?in", r"password"),
    "Search": (r"search(?:ed|ing)?",),
    "Filters": (r"filters?",),
    "Size guide": (r"size guide", r"size chart", r"sizing chart", r"fit notes?"),
    "Product pages": (r"product pages?", r"product descriptions?", r"photos?", r"pictures?", r"product details"),
    "Reviews": (r"reviews?", r"ratings?", r"trustpilot"),
    "Social media": (r"instagram", r"tiktok", r"facebook", r"social media", r"youtube", r"pinterest", r"influencers?"),
    "Ads": (r"ads?", r"adverts?", r"advertising", r"advertisements?", r"sponsored"),
    "Word of mouth": (r"friends?", r"recommended", r"word of mouth", r"colleagues?"),
    "Delivery": (r"delivery", r"deliveries", r"delivered", r"courier", r"driver", r"postman", r"parcels?", r"shipping", r"dispatch(?:ed)?"),
    "Order tracking": (r"tracking", r"track(?:ed)? (?:my|the) (?:order|parcel)"),
    "Packaging": (r"packaging", r"packed", r"box", r"tissue paper"),
    "Parcel locker or pickup point": (r"lockers?", r"pick-?up point", r"click and collect", r"collection point"),
    "Returns": (r"returns?", r"returned", r"exchange[ds]?"),
    "Refunds": (r"refunds?", r"refunded", r"money back"),
    "Loyalty programme": (r"loyalty", r"reward points", r"rewards?", r"membership", r"club"),
    "Subscription": (r"subscriptions?", r"subscribed", r"renewal", r"billing"),
    "Help centre": (r"help cent(?:re|er)", r"faqs?", r"knowledge base", r"help page"),
    "Receipts and invoices": (r"receipts?", r"invoices?", r"order confirmation", r"confirmation email"),
    "Instructions": (r"instructions", r"manual", r"user guide", r"setup guide", r"onboarding", r"tutorial"),
}

# One pass per text: every alternative of every channel in one pattern, a named group per channel.
_GROUP = {f"c{n}": label for n, label in enumerate(CHANNELS)}
_PATTERN = re.compile(r"\b(?:" + "|".join(f"(?P<c{n}>{'|'.join(alts)})" for n, alts in enumerate(CHANNELS.values())) + r")\b", re.I)
_SENTENCE_END = re.compile(r"[.!?](?:\s+|$)")


@dataclass(frozen=True)
class Touchpoint:
    """A channel the units mention: its label, the units that mention it and, per unit, the sentence that does."""

    label: str
    unit_ids: tuple[str, ...]
    sentences: Mapping[str, str]


def find_touchpoints(texts: Mapping[str, str], top: int = 3, min_units: int = 1) -> list[Touchpoint]:
    """The `top` channels mentioned by most units (at least `min_units` each), most mentioned first.

    `texts` maps unit id -> text; ties keep the lexicon's order so the result is deterministic.
    """
    mentions: dict[str, dict[str, str]] = {label: {} for label in CHANNELS}
    for unit_id, text in texts.items():
        for match in _PATTERN.finditer(text):
            holders = mentions[_GROUP[match.lastgroup]]
            if unit_id not in holders:
                holders[unit_id] = _sentence_at(text, match.start())
    found = [Touchpoint(label, tuple(holders), holders) for label, holders in mentions.items() if len(holders) >= max(min_units, 1)]
    found.sort(key=lambda t: -len(t.unit_ids))  # stable: ties stay in lexicon order
    return found[:top]


def _sentence_at(text: str, position: int) -> str:
    """The sentence of `text` around `position`, verbatim (stripped of surrounding spaces)."""
    begin = 0
    for end in _SENTENCE_END.finditer(text):
        if end.end() > position:
            return text[begin:end.end()].strip()
        begin = end.end()
    return text[begin:].strip()


def units_texts(unit_ids: Sequence[str], units: Mapping[str, object]) -> dict[str, str]:
    """unit id -> text for the evidence units among `unit_ids` (interviewer and agent turns are not evidence)."""
    return {i: units[i].text for i in unit_ids if i in units and getattr(units[i], "is_evidence", True)}
