"""Eight visitors run the sample comparison at once against one server: no click is lost, every
session shows its own results, and each embedding is computed once for all of them."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SESSIONS = 8
#: the bundled models the Embeddings page picks by default that go through the cache (TF-IDF is refitted)
CACHED_MODELS = 2


def open_sessions(browser, url: str, n: int) -> tuple[list, list]:
    contexts, pages = [], []
    for _ in range(n):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(120_000)
        contexts.append(context)
        pages.append(page)
    for page in pages:  # all loading at once: their first runs overlap on the server
        page.goto(url, wait_until="commit")
    return contexts, pages


def run_sample_everywhere(pages) -> list[str]:
    """In each session, "Load sample" then "Run comparison" at once, without waiting for the page to
    show the sample (the Run click usually reaches the server before the browser has drawn it); then
    wait for every session's results. Returns what went wrong, one entry per session at fault."""
    for page in pages:
        page.get_by_role("heading", name="Compare embedding models").wait_for()
        page.get_by_role("button", name="Load sample").wait_for()
    for page in pages:
        page.get_by_role("button", name="Load sample").click()
        page.get_by_role("button", name="Run comparison").click()
    problems = []
    for i, page in enumerate(pages):
        finished = page.get_by_role("heading", name="Similarity matrices").or_(
            page.get_by_text("Enter at least two texts")).or_(page.get_by_text("Choose at least one model"))
        finished.first.wait_for(timeout=600_000)
        if page.get_by_text("Enter at least two texts").count():
            problems.append(f"session {i}: Load sample was lost")
            continue
        if page.get_by_text("Choose at least one model").count():
            problems.append(f"session {i}: the default models were lost")
            continue
        page.locator(".js-plotly-plot .heatmaplayer").first.wait_for()
        page.get_by_role("heading", name="Nearest neighbours").wait_for()
        if page.locator(".js-plotly-plot .heatmaplayer .hm").count() != 3:
            problems.append(f"session {i}: not one heatmap per default model")
        if page.locator('[data-testid="stException"]').count():
            problems.append(f"session {i}: an exception is shown")
        page.wait_for_function("() => document.querySelector('textarea').value.includes('invoice')")
    return problems


def test_eight_sessions_at_once_lose_no_click_and_compute_each_embedding_once(browser, app_url, tmp_path):
    from hfcompare.refs import parse_texts
    from hfcompare.samples import load_sample
    from hfcompare.storage.cache import EmbeddingCache

    texts = parse_texts("\n".join(load_sample("invoice_chatbot")["texts"]))
    contexts, pages = open_sessions(browser, app_url, SESSIONS)
    try:
        assert run_sample_everywhere(pages) == []
        screenshot(pages[-1], "concurrent_sessions_last")
    finally:
        for context in contexts:
            context.close()

    stats = EmbeddingCache(tmp_path / "home" / "cache").stats()
    assert stats.entries == CACHED_MODELS * len(texts)
    assert stats.misses == CACHED_MODELS * len(texts), "each vector computed once, by one session"
    assert stats.hits == (SESSIONS - 1) * CACHED_MODELS * len(texts)
