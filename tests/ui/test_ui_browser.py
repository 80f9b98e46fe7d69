"""End to end in headless Chromium: upload, ingest, draft, evidence, chat, edit, undo, export."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from assistant import api
from tests.ui.conftest import SAMPLES, free_port

pytestmark = pytest.mark.integration
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "ui"
UPLOADS = [SAMPLES / "interviews" / "interview_02_dean.txt", SAMPLES / "interviews" / "interview_06_owen.txt"]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    from ui.app import launch

    settings = api.settings(home=tmp_path_factory.mktemp("ui-browser-home"))
    port = free_port()
    app = launch(settings, port=port, block=False)
    yield f"http://127.0.0.1:{port}/", settings
    app.close()


@pytest.fixture(scope="module")
def page():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/install-browser` once")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        yield tab
        browser.close()
        assert not errors, f"JavaScript errors in the app: {errors[:3]}"


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_for(page, selector: str, text: str, timeout_s: float) -> None:
    """Wait until `selector` shows `text`; fail at once with the message of an error toast instead."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = page.locator(selector)
        if found.count() and text in (found.first.text_content() or ""):
            return
        toasts = page.locator(".toast-body")
        if toasts.count():
            pytest.fail(f"the app showed an error instead of {text!r}: {toasts.first.inner_text()[:400]}")
        page.wait_for_timeout(250)
    pytest.fail(f"{selector} did not show {text!r} within {timeout_s:.0f} s")


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_upload_ingest_draft_and_ask(app_url, page):
    url, settings = app_url
    page.goto(url)
    sync_api.expect(page.locator("#corpus-stats")).to_contain_text("The corpus is empty", timeout=30_000)

    # upload two interviews and ingest them
    page.locator("#upload-files input[type=file]").set_input_files([str(p) for p in UPLOADS])
    sync_api.expect(page.locator("#upload-files")).to_contain_text("interview_06_owen", timeout=30_000)
    page.locator("#ingest-button").click()
    wait_for(page, "#ingest-summary", "Ingested 2 of 2 files", 120)
    wait_for(page, "#corpus-stats", "2 sources", 10)
    shot(page, "01-corpus")

    # draft a map with the local model
    open_tab(page, "Map")
    page.locator("#draft-button").click()
    wait_for(page, "#draft-status", "Drafted", 240)
    wait_for(page, "#map-view .jm", "Journey", 30)
    shot(page, "02-draft")

    # a question gets an answer with a citation and a sources panel
    open_tab(page, "Chat")
    page.locator("#chat-input textarea").fill("Why can't customers stack discount codes?")
    page.locator("#chat-send").click()
    wait_for(page, "#chat-sources .src-panel", "", 240)
    sync_api.expect(page.locator("#chatbot")).to_contain_text(re.compile(r"\[\d+\]|doesn't cover"), timeout=10_000)
    shot(page, "03-chat")


def test_evidence_edit_undo_evals_and_export(server, ui_settings, page):
    expect = sync_api.expect
    page.goto(server)
    open_tab(page, "Map")
    wait_for(page, "#map-view .jm", "Test map", 30)

    # clicking a claim card opens its evidence with the surrounding source text
    page.locator("#map-view details.jm-claim > summary", has_text="Tracking does not reflect").first.click()
    wait_for(page, "#evidence-panel mark", "the tracking page never updated", 30)
    expect(page.locator("#evidence-panel")).to_contain_text("My parcel took 11 days")
    shot(page, "04-evidence")

    # an edit is proposed as a diff, accepted as a new version, then undone
    before = api.load_map(ui_settings).version
    open_tab(page, "Chat")
    page.locator("#chat-input textarea").fill("/rename dl-delivery-1 Next-day delivery in recyclable boxes")
    page.locator("#chat-send").click()
    wait_for(page, "#proposal-diff", "Next-day delivery in recyclable boxes", 30)
    shot(page, "05-proposal")
    page.locator("#accept-edit").click()
    wait_for(page, "#edit-status", f"version {before + 1}", 30)
    assert api.load_map(ui_settings).version == before + 1
    open_tab(page, "Map")
    wait_for(page, "#map-view", "Next-day delivery in recyclable boxes", 30)
    open_tab(page, "Chat")
    page.locator("#undo-edit").click()
    wait_for(page, "#edit-status", f"version {before}", 30)
    assert api.load_map(ui_settings).version == before
    open_tab(page, "Map")
    wait_for(page, "#map-view", "Fast delivery in recyclable packaging", 30)

    # the grounding suite runs on the map
    open_tab(page, "Evals")
    page.locator("#run-evals").click()
    wait_for(page, "#evals-summary", "PASSED", 60)
    shot(page, "06-evals")

    # download the HTML export
    open_tab(page, "Export")
    page.locator("#export-button").click()
    link = page.locator("#export-file a").first
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        link.click()
    saved = Path(download.value.path())
    assert "<!doctype html>" in saved.read_text(encoding="utf-8").lower()
    shot(page, "07-export")
