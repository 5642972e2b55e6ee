"""A new user's generation comparison in a real browser: the sample on the two bundled models."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import edit_cell, rerun, screenshot, settle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_sample_scenario_on_two_offline_models(app_url, page):
    page.goto(f"{app_url}/generation")
    page.get_by_role("heading", name="Compare generation models").wait_for()
    chosen = page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    assert "SmolLM2-135M-Instruct" in chosen and "gemma-3-270m" in chosen
    page.get_by_role("button", name="Load sample").click()
    # the prompts table draws on a canvas; the sample's system prompt shows that it loaded
    page.wait_for_function(
        "() => [...document.querySelectorAll('textarea')].some(t => t.value.includes('support assistant'))")
    max_tokens = page.get_by_label("Max new tokens")
    with rerun(page):
        max_tokens.fill("40")
        max_tokens.press("Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_role("heading", name="Answers side by side").wait_for(timeout=300_000)
    page.locator(".js-plotly-plot").first.wait_for()
    settle(page)   # the run has ended: everything below the answers is drawn
    screenshot(page, "generation_sample")

    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert body.count("· first token ") == 2 * 5, "timings under every answer of both models, shown once"
    assert "of 10 answers" not in body, "the streaming view gives way to the results"
    assert "Local models answered one at a time" in body, "the Summary says how the speeds were measured"
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Embeddings" in nav and "Generation" in nav, "the router ran, even on a first visit to /generation"
    assert "✅" in body or "❌" in body, "checks ran"


def test_a_prompt_typed_into_the_table_outlives_a_visit_to_another_page(app_url, page):
    page.goto(f"{app_url}/generation")
    page.get_by_role("heading", name="Compare generation models").wait_for()
    grid = page.locator('[data-testid="stDataFrame"]').first
    edit_cell(page, grid, 1, 0, "What is my balance?")   # the first row's prompt cell
    page.wait_for_function("() => /[?&](c|prompts)=/.test(location.search)")   # the rerun wrote the link
    with_prompt = page.url   # the link names the view's content (its prompts included): it must come back
    page.get_by_role("link", name="Embeddings").click()
    page.get_by_role("heading", name="Compare embedding models").wait_for()
    page.get_by_role("link", name="Generation").click()
    page.get_by_role("heading", name="Compare generation models").wait_for()
    page.wait_for_function("url => location.href === url", arg=with_prompt)
    settle(page)
    screenshot(page, "generation_prompt_kept")
