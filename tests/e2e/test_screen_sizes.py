"""Any screen from 800 px up: every page at 800 and 1,400 px, with a sample run where a page has one.
No button's label is cut (a button whose text is wider than the button is); below 1,000 px the
sidebar starts folded. Screenshots of each page at both widths go to $HFCOMPARE_SCREENSHOTS."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SAMPLE_SHOWN, new_context, screenshot, settle
from ui import prose

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# a label is cut when its text needs more room than the button gives it
CUT_LABELS = """() => [...document.querySelectorAll('button')]
  .filter(b => b.offsetParent !== null && b.innerText.trim())
  .filter(b => !b.closest('[data-testid="stSidebar"][data-collapsed="true"]'))   // folded away: not on screen
  .filter(b => { const t = b.querySelector('p, span, div') || b; return t.scrollWidth > t.clientWidth + 1
                 || b.scrollWidth > b.clientWidth + 1; })
  .map(b => b.innerText.trim())"""
SIDEBAR_FOLDED = """() => document.querySelector('[data-testid="stSidebar"]').getAttribute('data-collapsed')"""


def _visit(page, url: str, heading: str, action=None) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=60_000)
    if action:
        action(page)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def _embeddings_sample(page) -> None:
    page.get_by_role("button", name="Load sample").click()
    page.wait_for_function(SAMPLE_SHOWN)
    page.get_by_role("button", name="Run comparison").click()
    page.get_by_role("heading", name="Speed and size").wait_for(timeout=240_000)


def _scorecard_candidates(page) -> None:
    page.get_by_role("heading", name="Recommendation").wait_for(timeout=60_000)


@pytest.mark.parametrize("width", [800, 1400])
def test_every_page_fits_the_screen_with_no_button_label_cut(app_url, browser, width):
    pages = [("", prose.EMBEDDINGS_TITLE, _embeddings_sample), ("scorecard", prose.SC_TITLE, _scorecard_candidates),
             ("discover", prose.DISCOVER_TITLE, None), ("generation", prose.GENERATION_TITLE, None),
             ("arena", prose.ARENA_TITLE, None), ("monitor", prose.MONITOR_TITLE, None)]
    context = new_context(browser, width)
    try:
        page = context.new_page()
        for path, heading, action in pages:
            _visit(page, f"{app_url}/{path}", heading, action)
            if width < 1000:   # folded by the app's script after the page paints: wait for it (a busy machine)
                page.wait_for_function(f"() => ({SIDEBAR_FOLDED})() === 'true'", timeout=30_000)
            assert page.evaluate(SIDEBAR_FOLDED) == ("true" if width < 1000 else "false"), path
            assert page.evaluate(CUT_LABELS) == [], f"/{path} at {width} px"
            screenshot(page, f"{width}px_{path or 'embeddings'}")
            page.set_viewport_size({"width": width, "height": 1000})  # screenshot() made it tall
    finally:
        context.close()
