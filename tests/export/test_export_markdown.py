"""Markdown report: every claim and quote present; corpus text cannot break the document."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt

from assistant.export import export_map, render_markdown
from tests.export.export_bigmap import HOSTILE, PAYLOAD, hostile_map, make_big_map
from tests.mapfixtures import make_map


class _Text(HTMLParser):
    """Collects the visible text and the tags of rendered HTML."""

    def __init__(self):
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def _rendered(markdown: str) -> _Text:
    parser = _Text()
    parser.feed(MarkdownIt("commonmark").enable("table").render(markdown))
    return parser


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_report_has_provenance_claims_and_quotes(tmp_path: Path):
    units, journey_map = make_map()
    text = export_map(journey_map, units, "md", tmp_path / "map.md").read_text(encoding="utf-8")
    assert text.startswith("# Test map\n")
    for expected in ("| Version | 1 |", "local / test (embedder toy)", journey_map.corpus_fingerprint,
                     "## Personas", "### Careful shopper — 40% of respondents", "channel = web (2)",
                     "## Journey", "### 1. consideration", "### 2. purchase", "### 3. delivery",
                     "mean valence −0.20 (95% CI −0.80 to +0.40, n = 3)", "dominant: neutral (2)",
                     "2 units · 2 respondents · observed", "inferred", "#### Opportunities",
                     "Addresses: “Checkout fails at payment”", "impact high"):
        assert expected in text, expected
    for _, claim in journey_map.all_claims():
        assert claim.text in text
    for _, evidence in journey_map.all_evidence():
        assert f"> {evidence.quote}" in text
    assert "— *survey.csv, respondent r1, row 1*" in text


def test_stages_appear_in_order():
    units, journey_map = make_map()
    shuffled = journey_map.model_copy(update={"stages": list(reversed(journey_map.stages))})
    text = render_markdown(shuffled, units)
    positions = [text.index(f". {name}\n") for name in ("consideration", "purchase", "delivery")]
    assert positions == sorted(positions)


def test_extractive_origin_is_marked():
    units, journey_map = make_big_map()
    text = render_markdown(journey_map, units)
    assert "observed · confidence 0.70 · extractive label" in text


def test_hostile_corpus_text_cannot_break_the_document():
    units, journey_map = make_big_map()
    rendered = _rendered(render_markdown(journey_map, units))
    assert "script" not in rendered.tags
    assert "a" not in rendered.tags  # no link built from [link](javascript:x)
    # headings: the title, two section headings, persona and stage headings, lane headings; none from corpus text
    assert rendered.tags.count("h1") == 1
    assert rendered.tags.count("h3") == len(journey_map.personas) + len(journey_map.stages)
    visible = _flat("".join(rendered.text))
    assert _flat(HOSTILE) in visible
    assert "# not a heading" in visible and "> not a quote" in visible


def test_every_claim_and_quote_survives_rendering():
    units, journey_map = make_big_map()
    visible = _flat("".join(_rendered(render_markdown(journey_map, units)).text))
    for _, claim in journey_map.all_claims():
        assert _flat(claim.text) in visible
    for _, evidence in journey_map.all_evidence():
        assert _flat(evidence.quote) in visible


def test_markup_in_titles_names_and_sources_stays_text():
    units, journey_map = hostile_map()
    rendered = _rendered(render_markdown(journey_map, units))
    assert "script" not in rendered.tags and "img" not in rendered.tags
    visible = "".join(rendered.text)
    assert visible.count(PAYLOAD) >= 5  # title, persona name and summary, stage name, respondent
    assert '<img src=x onerror="alert(2)">.csv' in visible


def test_a_share_of_a_few_respondents_reads_under_one_percent_not_zero():
    from assistant.export.common import percent, prevalence_text
    from assistant.models import Prevalence

    assert [percent(s) for s in (0.0, 0.003, 0.0051, 0.37, 1.0)] == ["0%", "<1%", "1%", "37%", "100%"]
    assert prevalence_text(Prevalence(units=3, respondents=3, share=3 / 958)) == "3 units · 3 respondents · <1% of respondents"
