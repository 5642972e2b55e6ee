"""Query and document prompts in the browser: the evaluation page shows each model's prompts (the
catalog's for e5), an edited prompt runs and travels in the share link to a second visitor."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MINILM, E5 = "local:sentence-transformers/all-MiniLM-L6-v2", "local:intfloat/e5-base-v2"


def prompt_fields(page, role: str):
    return page.get_by_label(f"{role} prompt", exact=True)


def open_prompts(page) -> None:
    """Show the prompt fields. The expander opens by itself when a prompt is changed, but Streamlit keeps
    an expander's open state in the browser, so a rerun that redraws it can leave it closed: then click it."""
    fields = prompt_fields(page, "Query")
    try:
        fields.nth(1).wait_for(timeout=5_000)
    except PlaywrightTimeout:
        page.get_by_text("Query and document prompts").first.click()
        fields.nth(1).wait_for()


#: The page's script has finished its run (Streamlit's own attribute on the app's root), so the address
#: that run wrote is in the browser's location.
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def test_prompts_show_run_and_travel_in_the_link(app_url, page, browser):
    page.goto(f"{app_url}/?mode=evaluate&models={MINILM},{E5}")
    page.get_by_text("Query and document prompts").first.wait_for()
    open_prompts(page)   # a click on an expander that a rerun already opened would close it
    queries, documents = prompt_fields(page, "Query"), prompt_fields(page, "Document")
    # e5 starts from the catalog's prompts; the bundled MiniLM has none
    assert [queries.nth(i).input_value() for i in range(2)] == ["", "query: "]
    assert [documents.nth(i).input_value() for i in range(2)] == ["", "passage: "]
    queries.nth(0).fill("query: ")
    queries.nth(0).press("Enter")
    page.get_by_text("1 changed").wait_for()
    page.get_by_role("button", name="Load labeled sample").click()
    page.get_by_text("20 queries with judged texts").wait_for()
    page.locator(IDLE).wait_for()  # the run that loaded the sample has written its link
    before = page.url
    page.get_by_role("button", name="Run evaluation").click()
    page.get_by_role("heading", name="Retrieval metrics").wait_for(timeout=240_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    # e5 is neither bundled nor cached here, and the Hub is out of reach: its error says so; MiniLM ran
    page.get_by_text("The prompts each model ran with").wait_for()
    screenshot(page, "evaluation_prompts")
    page.locator(IDLE).wait_for()
    page.wait_for_function("before => window.location.href !== before", arg=before)  # the link now says run
    link = page.url
    assert "c=" in link or "prompts=" in link
    # the edit outlived the clicks after it (a click the browser sent before it took the address the
    # edit's run wrote once put the opening link's prompts back: ui.share.read_link)
    open_prompts(page)
    expect(prompt_fields(page, "Query").nth(0)).to_have_value("query: ")

    second = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    second.set_default_timeout(30_000)
    second.goto(link)
    second.get_by_role("heading", name="Retrieval metrics").wait_for(timeout=240_000)
    open_prompts(second)
    fields = prompt_fields(second, "Query")
    expect(fields.nth(1)).to_have_value("query: ", timeout=30_000)   # e5's, from the catalog
    expect(fields.nth(0)).to_have_value("query: ", timeout=30_000)   # MiniLM's, the link's override
    assert second.get_by_text("1 changed").count() == 1
    second.context.close()
