"""Model-written prose: repeats dropped, text cut at a schema limit ends at its last whole sentence."""

from __future__ import annotations

from assistant.draft.tidy import archetype_name, field_limit, tidy_prose
from assistant.llm.outputs import PersonaProfile

CUT = ("The app crashed at payment and emptied my basket. The customer service lady on email sorted out my wrong "
       "item in a day and didn't make me send it back. The customer service lady on email sorted out my wrong item "
       "in a day and didn't make me se")


def test_limits_come_from_the_output_schema():
    assert (field_limit(PersonaProfile, "name"), field_limit(PersonaProfile, "summary")) == (40, 240)
    assert field_limit(PersonaProfile, "goals") is None


def test_a_summary_cut_at_its_limit_keeps_its_whole_sentences_once():
    assert tidy_prose(CUT, 240) == ("The app crashed at payment and emptied my basket. The customer service lady on email "
                                    "sorted out my wrong item in a day and didn't make me send it back.")
    assert tidy_prose(CUT[:-4], 240) == tidy_prose(CUT, 240)  # the grammar stopped a word short of the limit
    assert tidy_prose(CUT, None).endswith("send it back.")  # an unfinished repeat goes at any length
    assert tidy_prose("Orders twice a month and hates queues", 37) == ""  # nothing finished is left


def test_a_summary_under_its_limit_only_loses_repeats():
    assert tidy_prose("Shops on the app. Shops on the app! Returns a lot", 240) == "Shops on the app. Shops on the app! Returns a lot"
    assert tidy_prose("Shops on the app. shops on  the app. Returns a lot", 240) == "Shops on the app. Returns a lot"


def test_a_name_cut_at_its_limit_or_copied_from_a_quote_is_not_a_name():
    quotes = ["Nice clothes but I found out about the £2.50 return fee on small orders only when my refund arrived short."]
    assert archetype_name("Nice clothes but I found out about the £", quotes, 40) == ""
    assert archetype_name("Nice clothes but I found", quotes, 40) == ""
    assert archetype_name("Bargain-hunting returner", quotes, 40) == "Bargain-hunting returner"
    assert archetype_name("Nice clothes", quotes, 40) == "Nice clothes"  # too short to be a copied quote
    assert archetype_name("The Curve jeans", ["The Curve jeans fit really well."], 40) == ""  # a product, not people
