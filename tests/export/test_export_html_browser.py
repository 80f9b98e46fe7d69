"""The HTML map in a real headless Chromium: no script from data runs, cards open, the curve lines up."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.export import export_map
from assistant.export.html_page import anchor
from tests.export.export_bigmap import crowded_map, hostile_map, make_big_map
from tests.mapfixtures import make_map

pytestmark = pytest.mark.integration
playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    executable = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    with playwright_api.sync_playwright() as driver:
        try:
            launched = driver.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        except playwright_api.Error as exc:  # no system Chromium and no Playwright browser download
            pytest.skip(f"no Chromium to run: install it with `apt-get install chromium` ({exc.message[:80]})")
        yield launched
        launched.close()


def _open(browser, path: Path, width: int = 1400):
    page = browser.new_page(viewport={"width": width, "height": 1000})
    problems: list[str] = []
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("request", lambda request: problems.append(f"request: {request.url}") if not request.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    return page, problems


def test_hostile_text_runs_nothing_and_loads_nothing(browser, tmp_path: Path):
    units, journey_map = hostile_map()
    page, problems = _open(browser, export_map(journey_map, units, "html", tmp_path / "map.html"))
    page.click("button[data-jm=open]")
    assert problems == []
    assert page.locator("h1").inner_text() == "<script>alert(1)</script>"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    page.close()


def test_clicking_a_claim_shows_its_quotes_and_links_open_targets(browser, tmp_path: Path):
    units, journey_map = make_map()
    page, problems = _open(browser, export_map(journey_map, units, "html", tmp_path / "map.html"))
    card = page.locator(f'#{anchor("c", "pp-purchase-1")}')
    quote = card.locator("blockquote").first
    assert not quote.is_visible()
    card.locator("summary").click()
    assert quote.is_visible() and quote.inner_text() == "The checkout kept crashing"
    assert "survey.csv · respondent r1 · row 1" in card.locator(".jm-cite").first.inner_text()
    card.locator("summary").click()
    assert not quote.is_visible()
    page.locator(f'#{anchor("o", "op-purchase-1")} summary').click()
    page.locator("a.jm-ref").click()
    assert card.evaluate("el => el.open") is True
    page.click("button[data-jm=open]")
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => d.open)")
    page.click("button[data-jm=close]")
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
    assert problems == []
    page.close()


@pytest.mark.parametrize("width", [1600, 900])
def test_curve_points_sit_under_their_stage_columns(browser, tmp_path: Path, width: int):
    units, journey_map = make_big_map()
    page, problems = _open(browser, export_map(journey_map, units, "html", tmp_path / "map.html"), width)
    heads = page.locator(".jm-stagehead").all()
    centres = [box["x"] + box["width"] / 2 for box in (h.bounding_box() for h in heads)]
    measured = [i for i, s in enumerate(journey_map.stages) if s.emotion.mean_valence is not None]
    points = [p.bounding_box() for p in page.locator(".jm-pt").all()]
    assert len(points) == len(measured)
    for index, box in zip(measured, points):
        assert abs(box["x"] + box["width"] / 2 - centres[index]) < 2
    # lower valence sits lower on the page
    ys = {journey_map.stages[i].emotion.mean_valence: box["y"] for i, box in zip(measured, points)}
    assert [ys[v] for v in sorted(ys)] == sorted(ys.values(), reverse=True)
    # a wide map scrolls inside its frame; the page itself never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert problems == []
    page.close()


def test_a_link_to_a_folded_theme_opens_its_fold(browser, tmp_path: Path):
    units, journey_map = crowded_map()
    page, problems = _open(browser, export_map(journey_map, units, "html", tmp_path / "map.html"))
    target = page.locator(f'#{anchor("c", "pp-many-11")}')
    assert not target.is_visible()
    page.locator(f'#{anchor("o", "op-smallest")} summary').click()
    page.locator(f'#{anchor("o", "op-smallest")} a.jm-ref').click()
    assert target.is_visible() and target.evaluate("el => el.open") is True
    page.click("button[data-jm=close]")
    assert not target.is_visible()
    assert problems == []
    page.close()
