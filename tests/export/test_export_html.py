"""HTML journey map: self-contained, every text escaped, every claim and quote present, emotion SVG."""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from assistant.export import export_map, render_html
from assistant.export.html_page import CELL_SHOWN, anchor
from tests.export.export_bigmap import HOSTILE, PAYLOAD, crowded_map, hostile_map, make_big_map
from tests.mapfixtures import make_map

EXTERNAL = re.compile(r"""(?i)(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:|//))|url\(|@import""")


def test_every_claim_and_quote_is_in_the_page_escaped(tmp_path: Path):
    for units, journey_map in (make_map(), make_big_map()):
        page = export_map(journey_map, units, "html", tmp_path / "map.html").read_text(encoding="utf-8")
        for _, claim in journey_map.all_claims():
            assert escape(claim.text) in page, claim.text
        for _, evidence in journey_map.all_evidence():
            assert escape(evidence.quote) in page, evidence.quote
        for stage in journey_map.stages:
            for opportunity in stage.opportunities:
                assert escape(opportunity.text) in page


def test_no_script_from_data_reaches_the_page():
    units, journey_map = hostile_map()
    page = render_html(journey_map, units)
    assert page.lower().count("<script") == 1  # ours, holding no data
    assert "<img" not in page
    assert escape(PAYLOAD) in page
    assert escape(HOSTILE) in page
    assert escape('<img src=x onerror="alert(2)">.csv') in page
    script = page[page.lower().index("<script"):]
    assert "alert" not in script


def test_page_is_self_contained():
    for units, journey_map in (make_map(), hostile_map()):
        page = render_html(journey_map, units)
        assert not EXTERNAL.search(page)
        assert "<link" not in page and "<iframe" not in page
        assert "default-src 'none'" in page  # CSP: the browser fetches nothing even if something slipped through
    units, journey_map = make_map()
    assert "http:" not in render_html(journey_map, units) and "https:" not in render_html(journey_map, units)


def test_emotion_curve_is_drawn_from_the_map():
    units, journey_map = make_map()
    page = render_html(journey_map, units)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "<polyline" in svg and "<polygon" in svg  # mean line and 95% band
    # three stages, STEP=100 per stage: x centres 50/150/250; valence 0.0, -0.2, -0.1 on a 220px plot
    assert 'points="50.0,108.0 150.0,123.6 250.0,115.8"' in svg
    assert page.count('class="jm-pt ') == 3
    for n in ("n = 2", "n = 3"):
        assert n in page
    assert "95% CI −0.80 to +0.40, n = 3" in page


def test_curve_breaks_where_a_stage_has_no_valence():
    units, journey_map = make_big_map()
    page = render_html(journey_map, units)
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert svg.count("<polyline") == 2  # awareness..purchase, returns..loyalty
    assert "no data" in page
    assert page.count('class="jm-pt ') == 5


def test_stages_are_columns_in_order_and_lanes_are_rows():
    units, journey_map = make_big_map()
    shuffled = journey_map.model_copy(update={"stages": list(reversed(journey_map.stages))})
    page = render_html(shuffled, units)
    heads = re.findall(r'<span class="jm-num">(\d+)</span>([^<]+)</h3>', page)
    assert heads == [(str(i), s.name) for i, s in enumerate(journey_map.stages, start=1)]
    lanes = re.findall(r'<div class="jm-lane">([A-Za-z ]+)', page)
    assert lanes == ["Stage", "Touchpoints", "Goals", "Emotion", "Pain points", "Delights", "Opportunities"]
    assert "grid-template-columns: 150px repeat(6, minmax(230px, 1fr))" in page


def test_claim_cards_carry_badges_and_quotes_with_provenance():
    units, journey_map = make_map()
    page = render_html(journey_map, units)
    card_start = page.index(f'id="{anchor("c", "pp-purchase-1")}"')
    card = page[card_start:page.index("</details>", card_start)]
    assert "Checkout fails at payment" in card
    assert "2 units · 2 respondents" in card
    assert "<blockquote>The checkout kept crashing</blockquote>" in card
    assert '<span class="jm-src">survey.csv</span> · respondent r1 · row 1' in card
    assert "<blockquote>Promo code FREESHIP never applied</blockquote>" in card
    assert ">inferred<" in page and "impact high" in page
    assert f'href="#{anchor("c", "pp-purchase-1")}"' in page  # the opportunity links to what it addresses


def test_persona_cards_show_share_attributes_quotes_and_stage_emotion():
    units, journey_map = make_big_map()
    page = render_html(journey_map, units)
    card = page[page.index(f'id="{anchor("p", "p-bargain")}"'):page.index(f'id="{anchor("p", "p-loyal")}"')]
    assert "Bargain hunter" in card and "<b>45%</b>" in card
    assert "segment: web (3)" in card and "age: 25-34 (2)" in card
    assert "Top quotes" in card and "Emotion by stage" in card
    assert "purchase −0.45" in card and "delivery –" in card


def test_fragment_for_embedding_has_no_document_or_script():
    units, journey_map = make_map()
    fragment = render_html(journey_map, units, standalone=False)
    assert fragment.startswith("<style>")
    assert "<html" not in fragment and "<script" not in fragment and "<button" not in fragment
    assert "Checkout fails at payment" in fragment


def test_anchor_ids_are_safe_and_unique():
    assert anchor("c", 'a"><b') != anchor("c", "a--b")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", anchor("c", 'x"><script>'))


def test_a_crowded_lane_shows_its_largest_themes_and_folds_the_rest():
    units, journey_map = crowded_map(CELL_SHOWN + 4)
    page = render_html(journey_map, units)
    fold = page[page.index('<details class="jm-more">'):]
    assert fold.startswith('<details class="jm-more"><summary>4 smaller themes · 4 units</summary>')
    for k, claim in enumerate(journey_map.stages[0].pain_points):
        assert (f'id="{anchor("c", claim.id)}"' in fold) == (k >= CELL_SHOWN)
    assert page.count('class="jm-more"') == 1  # the other lanes are short
