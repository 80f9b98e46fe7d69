"""Pure helpers of the UI: filter parsing, auth parsing, evidence context."""

from __future__ import annotations

import gradio as gr
import pytest

from assistant.errors import ConfigError
from assistant.models import Evidence
from tests.mapfixtures import make_map, make_units
from ui.app import parse_auth
from ui.common import parse_where, to_gr_error
from ui.evidence import claim_entries, claim_for_anchor, context_html
from assistant.export.html_page import anchor


def test_parse_where_reads_key_value_pairs_and_repeats_as_any_of():
    assert parse_where("") is None
    assert parse_where("m.segment=new, source = a.csv") == {"m.segment": "new", "source": "a.csv"}
    assert parse_where("stage=purchase\nstage=delivery") == {"stage": ["purchase", "delivery"]}
    with pytest.raises(gr.Error, match="not key=value"):
        parse_where("m.segment")


def test_parse_auth_takes_a_pair_or_a_file(tmp_path):
    assert parse_auth(None) is None
    assert parse_auth("maya:s3cret:x") == [("maya", "s3cret:x")]
    users = tmp_path / "users.txt"
    users.write_text("# team\nmaya:one\n\nowen:two\n", encoding="utf-8")
    assert parse_auth(str(users)) == [("maya", "one"), ("owen", "two")]
    with pytest.raises(ConfigError, match="user:password"):
        parse_auth("nopassword")


def test_typed_errors_keep_their_message_and_others_hide_the_trace():
    assert to_gr_error(ConfigError("set JOURNEY_X")).message == "set JOURNEY_X"
    message = to_gr_error(KeyError("boom")).message
    assert message.startswith("unexpected KeyError") and "server log" in message


def test_evidence_context_marks_the_quote_and_spills_into_neighbours():
    units = make_units()
    unit = next(u for u in units.values() if u.text.startswith("Promo code"))
    html = context_html(Evidence.from_unit(unit, "never applied"), units, width=30)
    assert "<mark>never applied</mark>" in html
    assert "at checkout, so annoying." in html
    assert "…ee times.\nPromo code" in html  # the tail of the previous unit of the same source, clipped
    assert "\nPay…" in html  # the head of the next one


def test_card_anchor_maps_back_to_its_claim():
    _, journey_map = make_map()
    labels = {cid: label for label, cid, _ in claim_entries(journey_map)}
    assert labels["op-purchase-1"].startswith("purchase · Opportunity")
    assert claim_for_anchor(journey_map, anchor("c", "pp-delivery-1")) == "pp-delivery-1"
    assert claim_for_anchor(journey_map, anchor("o", "op-purchase-1")) == "op-purchase-1"
    assert claim_for_anchor(journey_map, "nothing") is None


def test_counts_say_one_file_and_two_files():
    from assistant.wording import noun, plural

    assert [plural(n, "file") for n in (0, 1, 2)] == ["0 files", "1 file", "2 files"]
    assert noun(1, "respondent") == "respondent" and noun(3, "respondent") == "respondents"
