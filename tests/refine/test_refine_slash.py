"""Slash commands: parsing, usage errors and running them against a Refiner."""

from __future__ import annotations

import pytest

from assistant.errors import EditRefusedError
from assistant.refine import (
    AddClaimEdit, DeleteEdit, MergeClaimsEdit, MoveEdit, RenameEdit, RewriteEdit, SlashUsageError, parse_slash, run_slash,
)
from assistant.refine.slash import EXAMPLES, USAGE, help_text, syntax


@pytest.mark.parametrize("text, edit", [
    ("/rename pp-purchase-1 Card payment fails", RenameEdit(target="pp-purchase-1", new="Card payment fails")),
    ('/rename "Careful shopper" Size-anxious shopper', RenameEdit(target="Careful shopper", new="Size-anxious shopper")),
    ("/rewrite gl-purchase-1   Pay fast, without errors ", RewriteEdit(claim_id="gl-purchase-1", text="Pay fast, without errors")),
    ("/merge a b c", MergeClaimsEdit(claim_ids=["a", "b", "c"])),
    ("/merge a b as Orders don't arrive as promised", MergeClaimsEdit(claim_ids=["a", "b"], text="Orders don't arrive as promised")),
    ("/move pp-purchase-1 delivery.pain_points", MoveEdit(target="pp-purchase-1", destination="delivery.pain_points")),
    ("/move pp-purchase-1#2 pp-delivery-1", MoveEdit(target="pp-purchase-1", destination="pp-delivery-1", evidence_index=1)),
    ("/delete op-purchase-1", DeleteEdit(target="op-purchase-1")),
    ("/delete pp-delivery-1#1", DeleteEdit(target="pp-delivery-1", evidence_index=0)),
    ("/add purchase.pain_points u_1,u_2 Promo codes fail", AddClaimEdit(location="purchase.pain_points", unit_ids=["u_1", "u_2"], text="Promo codes fail")),
])
def test_editing_commands_parse_to_typed_edits(text, edit):
    assert parse_slash(text).edits == [edit]


def test_other_commands_parse():
    assert parse_slash("/undo").name == "undo"
    assert parse_slash(" /HISTORY ").name == "history"
    assert parse_slash("/diff v3 v5").versions == (3, 5)
    assert parse_slash("/diff 1 2").versions == (1, 2)
    assert parse_slash("/diff").versions is None


@pytest.mark.parametrize("text, problem, usage", [
    ("/rename pp-purchase-1", "needs an id and the new text", USAGE["rename"]),
    ("/merge only-one", "at least two ids", USAGE["merge"]),
    ("/merge a b as", "'as' must be followed by the merged text", USAGE["merge"]),
    ("/move pp-purchase-1", "needs a claim id and a destination", USAGE["move"]),
    ("/move pp-purchase-1#0 pp-delivery-1", "quote numbers from 1", USAGE["move"]),
    ("/delete a b", "exactly one id", USAGE["delete"]),
    ("/add purchase u_1", "needs a lane like purchase.pain_points", USAGE["add"]),
    ("/diff v3", "needs two versions", USAGE["diff"]),
    ("/diff v3 latest", "'latest' is not a version", USAGE["diff"]),
    ("/undo twice", "takes no arguments", USAGE["undo"]),
    ("/rewrite", "needs arguments", USAGE["rewrite"]),
])
def test_bad_syntax_gives_the_usage_line(text, problem, usage):
    with pytest.raises(SlashUsageError) as caught:
        parse_slash(text)
    assert problem in str(caught.value)
    name = text.split()[0][1:]
    assert str(caught.value).endswith(f"usage: {usage}" + (f"   e.g. {EXAMPLES[name]}" if name in EXAMPLES else ""))
    assert str(caught.value).endswith(syntax(name))


def test_unknown_commands_and_plain_text():
    with pytest.raises(SlashUsageError, match="unknown command '/frobnicate'.*/rename.*/help"):
        parse_slash("/frobnicate x")
    with pytest.raises(SlashUsageError, match="not a slash command"):
        parse_slash("rename the first pain point")


def test_run_slash_proposes_then_accept_applies_immediately(refiner, store):
    result = run_slash(refiner, "/rename pp-purchase-1 Card payment fails")
    assert result.proposal is not None and result.saved is None
    assert "~ renamed pain point 'Checkout fails at payment' → 'Card payment fails'" in result.message
    assert store.versions("map-test") == [1]
    saved = refiner.accept(result.proposal, author="maya")
    assert saved.version == 2

    now = run_slash(refiner, "/delete op-purchase-1", accept=True, author="maya")
    assert now.saved is not None and now.saved.version == 3
    assert now.message.startswith("saved version 3")
    assert store.load("map-test").stages[1].opportunities == []


def test_run_slash_undo_redo_history_diff_help(refiner):
    run_slash(refiner, "/rewrite dl-delivery-1 Next-day delivery", accept=True)
    run_slash(refiner, "/merge pp-purchase-1 pp-delivery-1 as Orders go wrong", accept=True)
    assert run_slash(refiner, "/undo").message == "undo: map 'map-test' is now at version 2"
    assert run_slash(refiner, "/redo").saved.version == 3
    history = run_slash(refiner, "/history").message.splitlines()
    assert history[0].startswith("v1  ") and "(drafted)" in history[0]
    assert history[2].startswith("v3 ← v2") and "merge pp-purchase-1, pp-delivery-1 as 'Orders go wrong'" in history[2]
    assert history[2].endswith("[current]")
    diff = run_slash(refiner, "/diff v1 v3")
    assert diff.message.startswith("--- map-test v1\n+++ map-test v3")
    assert "- deleted pain point 'Tracking does not reflect where the parcel is' (stage delivery)" in diff.message
    assert run_slash(refiner, "/diff").message.startswith("--- map-test v2\n+++ map-test v3")
    assert run_slash(refiner, "/help").message == help_text()


def test_help_shows_every_commands_syntax_with_an_example():
    text = help_text()
    for name, usage in USAGE.items():
        assert usage.split("   or   ")[0] in text
        if name in EXAMPLES:
            assert f"{usage.split('   or   ')[0]}\n" in text and f"    e.g. {EXAMPLES[name]}" in text
    assert "/merge <id> <id> [...] [as <text>]\n    e.g. /merge pp-purchase-1 pp-purchase-2 as Checkout fails" in text
    assert "/undo" not in help_text(("rename", "merge")) and "/rename" in help_text(("rename", "merge"))


def test_merge_text_without_as_is_explained_with_the_fixed_command(refiner, store):
    with pytest.raises(SlashUsageError) as caught:
        run_slash(refiner, "/merge pp-purchase-1 pp-delivery-1 Payment fails at checkout")
    message = str(caught.value)
    assert message.startswith("'Payment fails at checkout' is not a claim id; to name the merged claim, put 'as' before its "
                              "text: /merge pp-purchase-1 pp-delivery-1 as Payment fails at checkout; usage: /merge")
    assert "tp-purchase-1" not in message  # no dump of every id
    assert store.versions("map-test") == [1]
    # an id-shaped typo is left to the map lookup, which names the closest ids
    with pytest.raises(EditRefusedError, match="no claim 'pp-delivery-7' in the map; closest: pp-delivery-1"):
        run_slash(refiner, "/merge pp-purchase-1 pp-delivery-7")


def test_run_slash_refuses_what_the_map_does_not_have(refiner):
    with pytest.raises(EditRefusedError, match="no lane 'checkout.pain_points'"):
        run_slash(refiner, "/move pp-purchase-1 checkout.pain_points")
    with pytest.raises(EditRefusedError, match="unit 'u_nope' does not exist"):
        run_slash(refiner, "/add purchase.pain_points u_nope Promo codes fail")
