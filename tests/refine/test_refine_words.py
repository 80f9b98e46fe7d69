"""Edit requests in words that name ids become the same typed edits as the slash commands, with no model."""

from __future__ import annotations

import pytest

from assistant.errors import EditRefusedError
from assistant.refine import SlashUsageError, parse_slash
from assistant.refine.words import edits_from_words, mentioned_ids, run_edit


@pytest.mark.parametrize("words, command", [
    ("rename pp-delivery-1 to Parcels arrive late", "/rename pp-delivery-1 Parcels arrive late"),
    ("Please rename persona-1 to 'Careful shopper'", "/rename persona-1 Careful shopper"),
    ("call pp-delivery-1 Late parcels", "/rename pp-delivery-1 Late parcels"),
    ('rewrite gl-purchase-1 as "Pay fast, without errors"', "/rewrite gl-purchase-1 Pay fast, without errors"),
    ("merge pp-purchase-1 and pp-delivery-1 as Checkout fails", "/merge pp-purchase-1 pp-delivery-1 as Checkout fails"),
    ("combine pp-purchase-1, pp-delivery-1 and dl-delivery-1", "/merge pp-purchase-1 pp-delivery-1 dl-delivery-1"),
    ("merge pp-purchase-1 and pp-delivery-1 and call it Orders go wrong", "/merge pp-purchase-1 pp-delivery-1 as Orders go wrong"),
    ("delete op-purchase-1", "/delete op-purchase-1"),
    ("remove pp-delivery-1#1.", "/delete pp-delivery-1#1"),
    ("move pp-purchase-1 to delivery.pain_points", "/move pp-purchase-1 delivery.pain_points"),
    ("move pp-purchase-1 to the delivery stage", "/move pp-purchase-1 delivery.pain_points"),
    ("move pp-purchase-1 to delivery delights", "/move pp-purchase-1 delivery.delights"),
    ("move pp-purchase-1#2 to pp-delivery-1", "/move pp-purchase-1#2 pp-delivery-1"),
    ('add "Promo codes fail" to purchase.pain_points from u_00aa11, u_00bb22', "/add purchase.pain_points u_00aa11,u_00bb22 Promo codes fail"),
])
def test_words_with_ids_make_the_slash_commands_edits(jm, words, command):
    assert edits_from_words(words, jm) == parse_slash(command).edits


def test_several_deletes_in_one_request(jm):
    assert edits_from_words("drop op-purchase-1 and tp-purchase-1", jm) == (
        parse_slash("/delete op-purchase-1").edits + parse_slash("/delete tp-purchase-1").edits)


@pytest.mark.parametrize("request_text", [
    "merge the two delivery pain points", "rename the purchase stage to Checkout", "split persona-2 by age_band",
    "what are the top pain points?",
])
def test_requests_without_ids_or_without_a_command_are_left_to_the_model(jm, request_text):
    assert edits_from_words(request_text, jm) is None


@pytest.mark.parametrize("request_text, problem, form", [
    ("merge pp-purchase-1 pp-delivery-1 Payment fails at checkout", "'Payment fails at checkout' is not a claim id",
     "write: merge <id> and <id> [as <text>], or the command /merge <id> <id> [...] [as <text>]"),
    ("rename pp-delivery-1 Parcels", "say the new text after 'to'", "write: rename <id> to <new text>"),
    ("merge pp-delivery-1", "name at least two ids", "e.g. /merge pp-purchase-1 pp-purchase-2 as Checkout fails"),
    ("delete pp-delivery-1 because it is wrong", "'because it is wrong' is not an id", "write: delete <id> [and <id>]"),
    ("move pp-delivery-1 somewhere", "say where to after 'to'", "or the command /move"),
])
def test_requests_with_ids_in_the_wrong_form_show_the_syntax(jm, request_text, problem, form):
    with pytest.raises(SlashUsageError) as caught:
        edits_from_words(request_text, jm)
    assert problem in str(caught.value) and form in str(caught.value)


def test_an_unknown_stage_lists_the_stages(jm):
    with pytest.raises(EditRefusedError, match="no stage 'checkout' in the map; stages: consideration, purchase, delivery"):
        edits_from_words("move pp-purchase-1 to checkout", jm)


def test_mentioned_ids_are_claim_opportunity_persona_or_id_shaped(jm):
    assert mentioned_ids("merge pp-purchase-1, persona-2 and pp-nowhere-9 in delivery", jm) == [
        "pp-purchase-1", "persona-2", "pp-nowhere-9"]


def test_run_edit_saves_words_and_commands_alike(refiner, store):
    saved = run_edit(refiner, "rename pp-delivery-1 to Parcels arrive late", author="cli").saved
    assert saved.version == 2 and saved.stages[2].pain_points[0].text == "Parcels arrive late"
    assert run_edit(refiner, "/undo").saved.version == 1
    with pytest.raises(SlashUsageError, match="neither a slash command nor an edit naming claim ids"):
        run_edit(refiner, "merge the two delivery pain points")
    assert store.head("map-test")["current"] == 1
