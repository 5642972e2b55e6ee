"""A mixed comparison in the browser: bundled models beside models on a (scripted) server.

The server's key and an HF token come from the environment as canaries; neither may appear in
the page's HTML or anywhere under HFCOMPARE_HOME.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SAMPLE_SHOWN, add_typed_model, screenshot, start_streamlit, stop
from tests.integration.fault_server import FaultServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CANARY_KEY = "sk-BROWSERcanary-0123456789"
CANARY_HF = "hf_BROWSERcanary0123456789"


def test_mixed_comparison_with_a_failing_server_model_and_no_secret_in_the_page(tmp_path, page):
    home = tmp_path / "home"
    with FaultServer() as server:
        env = {"HFCOMPARE_OPENAI_BASE_URL": server.url, "HFCOMPARE_OPENAI_API_KEY": CANARY_KEY,
               "HF_TOKEN": CANARY_HF, "HFCOMPARE_MAX_RETRIES": "1", "HFCOMPARE_BACKOFF_S": "0.05"}
        process, url = start_streamlit(home, tmp_path / "streamlit.log", env)
        try:
            page.goto(url)
            page.get_by_role("heading", name="Compare embedding models").wait_for()
            picker = page.locator('[data-testid="stMultiSelect"]').first
            add_typed_model(page, picker, "openai:ok")
            add_typed_model(page, picker, "openai:denied")
            page.get_by_role("button", name="Load sample").click()
            page.wait_for_function(SAMPLE_SHOWN)
            page.get_by_role("button", name="Run comparison").click()
            page.get_by_role("heading", name="Nearest neighbours").wait_for(timeout=240_000)
            page.locator(".js-plotly-plot .heatmaplayer").first.wait_for()
            screenshot(page, "embeddings_mixed_remote")
            html = page.content()
            errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
            heatmaps = page.locator(".js-plotly-plot .heatmaplayer .hm").count()
        finally:
            stop(process)
        assert server.counts["ok"] >= 1 and server.counts["denied"] == 1

    assert heatmaps == 4, "three bundled models and the server's `ok` model"
    assert len(errors) == 1 and "openai:denied" in errors[0] and "not authorized" in errors[0]
    assert page.locator('[data-testid="stException"]').count() == 0
    for secret in (CANARY_KEY, CANARY_HF):
        assert secret not in html
        leaked = [p for p in home.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
        assert leaked == []


def test_public_mode_endpoints_refuse_a_visitor_url_in_words_and_send_nothing(tmp_path, page):
    """Public mode, as a visitor sees it: the Endpoints panel says which servers the app contacts; a URL
    the operator did not set up or allow gets a warning and a disabled Test connection, and the
    visitor's server hears nothing. The operator's URL password and keys are nowhere in the page."""
    from tests.e2e.conftest import rerun, settle

    home = tmp_path / "home"
    with FaultServer() as operator, FaultServer() as visitor:
        env = {"HFCOMPARE_PUBLIC": "1", "HFCOMPARE_ALLOWED_HOSTS": "models.example.org",
               "HFCOMPARE_OPENAI_BASE_URL": operator.url.replace("http://", "http://team:PWcanary9@"),
               "HFCOMPARE_OPENAI_API_KEY": CANARY_KEY, "HF_TOKEN": CANARY_HF}
        process, url = start_streamlit(home, tmp_path / "streamlit.log", env)
        try:
            page.goto(url)
            page.get_by_role("heading", name="Compare embedding models").wait_for()
            settle(page)
            page.get_by_text("Endpoints", exact=True).click()
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_text("it contacts only the servers its operator set up").wait_for()
            for label, typed in (("Base URL", visitor.url),
                                 ("TEI / TGI / Endpoint URL", visitor.url.removesuffix("/v1"))):
                box = page.get_by_role("textbox", name=label)
                box.fill(typed)
                with rerun(page):
                    box.press("Enter")
            warnings = sidebar.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
            tests = page.get_by_role("button", name="Test connection")
            disabled = [tests.nth(i).is_disabled() for i in range(tests.count())]
            sidebar.get_by_text("Hugging Face", exact=True).scroll_into_view_if_needed()
            screenshot(page, "endpoints_public_refused")
            info = sidebar.locator('[data-testid="stAlertContentInfo"]').all_inner_texts()
            html = page.content()
        finally:
            stop(process)
        assert visitor.headers_seen == [] and operator.headers_seen == []

    assert any("models.example.org" in text and "run hfcompare on your own computer" in text for text in info), info
    assert len(warnings) == 2 and all("will not send requests to" in w for w in warnings), warnings
    assert disabled == [True, True]
    assert page.locator('[data-testid="stException"]').count() == 0
    for secret in ("PWcanary9", CANARY_KEY, CANARY_HF):
        assert secret not in html
