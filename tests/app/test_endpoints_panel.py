"""The sidebar's Endpoints panel in AppTest, against the scripted fault server."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.pages import shown as as_read
from tests.integration.fault_server import FaultServer


def _panel_only():
    import streamlit as st

    from ui.endpoints import endpoint_settings, render_endpoints

    render_endpoints()
    st.session_state["seen_settings"] = endpoint_settings()  # what a page reads


def test_test_connection_lists_the_server_models_and_keeps_the_key_out_of_the_page(monkeypatch):
    monkeypatch.delenv("HFCOMPARE_OPENAI_BASE_URL", raising=False)
    with FaultServer() as server:
        at = AppTest.from_function(_panel_only, default_timeout=30).run()
        at.text_input(key="endpoints_openai_url").set_value(server.url)
        at.text_input(key="endpoints_openai_key").set_value("sk-PAGEcanary-0001").run()
        next(b for b in at.button if b.label == "Test connection").click().run()
    assert not at.exception
    assert "2 model(s): ok, slow" in as_read(at.success[0].value)
    settings = at.session_state["seen_settings"]["openai"]
    assert settings.base_url == server.url and settings.api_key == "sk-PAGEcanary-0001"
    shown = " ".join(str(e.value) for e in [*at.success, *at.error, *at.warning])
    assert "sk-PAGEcanary-0001" not in shown


def test_test_connection_failure_is_a_message(monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    at = AppTest.from_function(_panel_only, default_timeout=60).run()
    at.text_input(key="endpoints_openai_url").set_value(f"http://127.0.0.1:{port}/v1")
    at.number_input(key="endpoints_openai_timeout").set_value(1.0).run()
    next(b for b in at.button if b.label == "Test connection").click().run()
    assert not at.exception
    assert "Connection failed (connection)" in at.error[0].value


def test_env_token_is_not_shown_in_the_field(monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "hf_ENVcanary000111")
    at = AppTest.from_function(_panel_only, default_timeout=30).run()
    field = at.text_input(key="endpoints_hf_token")
    assert field.value == "" and "environment" in field.placeholder
    assert at.session_state["seen_settings"]["hf"].api_key == "hf_ENVcanary000111"


def _page_then_panel():
    """As app.py runs them: the page reads the settings before the panel is drawn."""
    import streamlit as st

    from ui.endpoints import endpoint_settings, render_endpoints

    st.session_state["page_saw"] = endpoint_settings()
    render_endpoints()


def test_the_page_reads_the_panels_values_before_the_panel_is_drawn(monkeypatch):
    monkeypatch.setenv("HFCOMPARE_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    at = AppTest.from_function(_page_then_panel, default_timeout=30).run()
    assert at.session_state["page_saw"]["openai"].base_url == "http://127.0.0.1:9/v1"   # the environment's
    at.text_input(key="endpoints_openai_url").set_value("http://127.0.0.1:8/v1")
    at.number_input(key="endpoints_openai_batch").set_value(7)
    at.selectbox(key="endpoints_hf_provider").set_value("auto").run()
    seen = at.session_state["page_saw"]
    assert seen["openai"].base_url == "http://127.0.0.1:8/v1" and seen["openai"].batch_size == 7
    assert seen["hf"].provider == "auto"
    at.text_input(key="endpoints_openai_url").set_value("").run()                        # cleared: the environment's
    assert at.session_state["page_saw"]["openai"].base_url == "http://127.0.0.1:9/v1"
