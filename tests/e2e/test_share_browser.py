"""A share link in the browser: build a comparison, copy its link, open it in a fresh browser
context, and get the same numbers from the cache."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import run_sample, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def download_similarities(page) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all pairwise similarities (CSV)").click()
    return open(download.value.path(), "rb").read()


def test_share_link_reopens_the_same_comparison_from_the_cache(app_url, browser, page):
    run_sample(page, app_url)
    original = download_similarities(page)

    page.get_by_text("Share this view").click()
    link = page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert link.startswith(app_url) and ("texts=" in link or "c=" in link)

    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        other.set_default_timeout(60_000)
        other.goto(link)
        other.get_by_role("heading", name="Nearest neighbours").wait_for(timeout=240_000)
        other.get_by_text("every result came from the cache").wait_for()
        assert download_similarities(other) == original
        assert other.locator('[data-testid="stException"]').count() == 0
        screenshot(other, "share_link_reopened")
    finally:
        fresh.close()
