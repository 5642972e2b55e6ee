"""A new user's path in a real browser: open the app, run the sample on the bundled models."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SAMPLE_SHOWN, screenshot, settle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_sample_scenario_renders_heatmaps_with_the_bundled_models(app_url, page):
    page.goto(app_url)
    page.get_by_role("heading", name="Compare embedding models").wait_for()
    page.get_by_role("button", name="Load sample").click()
    text_area = page.get_by_role("textbox", name="Texts, one per line")
    page.wait_for_function(SAMPLE_SHOWN)
    assert "How do I create an invoice?" in text_area.input_value()

    page.get_by_role("button", name="Run comparison").click()
    page.get_by_role("heading", name="Similarity matrices").wait_for(timeout=240_000)
    page.locator(".js-plotly-plot .heatmaplayer").first.wait_for()
    page.get_by_role("heading", name="Nearest neighbours").wait_for(timeout=240_000)   # the run's last section
    settle(page)  # the run has ended: every chart is drawn before the screenshot
    screenshot(page, "embeddings_sample")

    heatmaps = page.locator(".js-plotly-plot .heatmaplayer .hm")
    assert heatmaps.count() == 3, "one heatmap per default model (MiniLM, mpnet, TF-IDF)"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    titles = page.locator(".js-plotly-plot").first.locator(".annotation-text").all_text_contents()
    assert titles[:3] == ["all-MiniLM-L6-v2 · local", "all-mpnet-base-v2 · local", "tfidf · lexical"]
    assert "Cache" in page.locator('[data-testid="stSidebar"]').inner_text()
