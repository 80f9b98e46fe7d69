"""Words that say how the asker frames a question, not what it is about.

"What do customers dislike about the returns fee?" is about the returns fee: "dislike" asks for
the customers' attitude, and the feedback need not contain that word (they write "£2.50 to send
it back is a joke"). The evidence gate therefore never counts these words as topical terms that
need corpus support.

``FEELING_LEMMAS`` lists verbs and adjectives of liking, disliking, wanting and concern in their
base forms. Any inflection or derived noun counts ("frustrates", "frustrated", "frustrating",
"frustration" -> "frustrate"; "complaints" -> "complain"; "annoyance" -> "annoy"), resolved by
``lemma_candidates`` stripping suffixes rather than by prefixes, so "hats" is never read as "hate".
Words that are also common topics in feedback ("care" as in care label, "value") are left out.

Topic words that merely carry feeling ("refund", "delay", "price") are not listed: a question
about them must still find them in the corpus.
"""

from __future__ import annotations

FEELING_LEMMAS = frozenset("""
like dislike love hate loathe enjoy prefer adore appreciate admire praise
frustrate annoy irritate bother upset anger infuriate disappoint dissatisfy satisfy please delight
complain moan grumble gripe criticise criticize struggle worry fear concern confuse
want wish need expect hope
happy unhappy angry glad pleased displeased
""".split())

# suffix -> what replaces it to reach the base form, tried longest first
_SUFFIXES = (
    ("ations", "e"), ("ations", ""), ("ation", "e"), ("ation", ""), ("ances", ""), ("ance", ""), ("ments", ""), ("ment", ""),
    ("ions", "e"), ("ion", "e"), ("ingly", "e"), ("ingly", ""), ("ing", "e"), ("ing", ""),
    ("ied", "y"), ("ies", "y"), ("iest", "y"), ("ier", "y"), ("ily", "y"), ("iness", "y"),
    ("ed", "e"), ("ed", ""), ("es", ""), ("s", ""), ("d", ""), ("t", ""), ("er", ""), ("ers", ""), ("ly", ""),
)


def lemma_candidates(word: str) -> set[str]:
    """The word and the base forms its inflections could come from ("worried" -> "worry"); two
    suffixes deep, for a derived noun's plural ("complaints" -> "complaint" -> "complain")."""
    found = {word.lower()}
    for _ in range(2):
        found |= {base for form in found for base in _strip_one(form)}
    return found


def _strip_one(word: str) -> set[str]:
    bases = set()
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)] + replacement
            bases.add(base)
            if base[-1] == base[-2] and replacement == "":  # a doubled consonant: "upsetting" -> "upset"
                bases.add(base[:-1])
    return bases


def is_feeling_word(word: str) -> bool:
    """True for a feeling or stance word in any inflection ("dislikes", "irritating", "complaints")."""
    return bool(lemma_candidates(word) & FEELING_LEMMAS)
