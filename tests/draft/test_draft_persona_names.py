"""Names for personas the model did not name: attribute values most of the segment shares, else its words."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.draft.assemble import _fallback_name, _lazy_segment_keywords, _unrelated
from assistant.models import AttributeCount
from tests.mapfixtures import make_units

FEW = [AttributeCount(key="age_band", value="45-54", count=3), AttributeCount(key="channel", value="both", count=4)]
OVERALL = {("age_band", "45-54"): 0.02, ("channel", "both"): 0.03, ("segment", "Thread Club"): 0.1}


def test_values_most_of_the_segment_shares_name_it():
    shared = FEW + [AttributeCount(key="segment", value="Thread Club", count=9)]
    assert _fallback_name(shared, OVERALL, size=12, k=1) == "45-54 · both customers"
    assert _fallback_name(shared, OVERALL, size=40, k=1) == "Thread Club customers"  # 3 and 4 of 40 are too few


def test_a_segment_whose_values_few_share_is_named_by_what_it_talks_about():
    units = make_units()
    ids = list(units)
    segments = [SimpleNamespace(unit_ids=ids[: len(ids) // 2]), SimpleNamespace(unit_ids=ids[len(ids) // 2 :])]
    keywords = _lazy_segment_keywords(segments, units)
    name = _fallback_name(FEW, OVERALL, size=180, k=2, keywords=lambda: keywords()[1])
    assert name.endswith(" customers") and "45-54" not in name
    terms = name.removesuffix(" customers").split(" · ")
    words = [w for t in terms for w in t.split()]
    assert len(terms) == 2 and len(set(words)) == len(words)  # two terms, no word named twice
    assert all(any(w in u.text.lower() for u in units.values()) for w in words)
    assert keywords() is keywords()  # computed once
    assert _fallback_name([], {}, size=5, k=3) == "Segment 3"


def test_name_terms_skip_contractions_and_words_already_named():
    assert _unrelated(["it's", "fabric", "fabric soft", "good", "sizing"], 2) == ["fabric", "good"]
