"""An operator's keys go only where the operator sent them (issue 25, point 1).

Two scripted servers log every Authorization header: the operator's (configured in the environment
with its key) and a visitor's (typed into the Endpoints panel or given as a CLI flag). The operator's
keys must never reach the visitor's server, through any path that makes a request; in public mode
the visitor's server is not reached at all unless the operator allowed its host."""

from __future__ import annotations

import pytest

from tests.app.pages import open_app, open_link
from tests.integration.fault_server import FaultServer

OPERATOR_OPENAI = "sk-OPERATORcanary-1111"
OPERATOR_HF = "hf_OPERATORcanary2222"
VISITOR_KEY = "sk-VISITORtyped-3333"
TEXTS = "How do I create an invoice?\nInvoice templates\nReset my password"


@pytest.fixture
def servers(monkeypatch):
    with FaultServer() as operator, FaultServer() as visitor:
        monkeypatch.setenv("HFCOMPARE_OPENAI_BASE_URL", operator.url)
        monkeypatch.setenv("HFCOMPARE_OPENAI_API_KEY", OPERATOR_OPENAI)
        monkeypatch.setenv("HF_TOKEN", OPERATOR_HF)
        for name in ("HFCOMPARE_HF_BASE_URL", "OPENAI_API_KEY", "HFCOMPARE_PUBLIC", "HFCOMPARE_ALLOWED_HOSTS",
                     "HFCOMPARE_ALLOWED_MODELS"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HFCOMPARE_MAX_RETRIES", "0")
        monkeypatch.setenv("HFCOMPARE_TIMEOUT_S", "5")
        yield operator, visitor


def authorizations(server: FaultServer) -> list[str]:
    return [{k.lower(): v for k, v in h.items()}.get("authorization", "") for h in server.headers_seen]


def leaked(server: FaultServer) -> list[str]:
    return [a for a in authorizations(server) if OPERATOR_OPENAI in a or OPERATOR_HF in a]


def host(server: FaultServer) -> str:
    return server.url.removeprefix("http://").split("/")[0]


def test_settings_bind_an_operator_key_to_its_own_url(servers):
    from hfcompare.backends import settings_from_environment

    operator, visitor = servers
    openai = settings_from_environment("openai")
    assert openai.key_for(operator.url) == OPERATOR_OPENAI
    assert openai.key_for(operator.url + "/") == OPERATOR_OPENAI
    typed = openai.with_overrides(base_url=visitor.url)
    assert typed.key_for(visitor.url) is None and typed.key_withheld()
    assert openai.with_overrides(base_url=visitor.url, api_key=VISITOR_KEY).key_for(visitor.url) == VISITOR_KEY
    hf = settings_from_environment("hf")
    assert hf.key_for(None) == OPERATOR_HF                       # Hugging Face's own API
    assert hf.with_overrides(base_url=visitor.url).key_for(visitor.url) is None


def _panel_test_connection(url_key: str, url: str, button_key: str):
    at = open_app()
    at.text_input(key=url_key).set_value(url).run()
    next(b for b in at.button if b.key == button_key).click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("public", [False, True])
def test_visitor_urls_never_receive_the_operator_keys(servers, monkeypatch, public):
    """Test connection (both backends), the Embeddings page, the Generation page and the Arena, with
    the visitor's server typed in the panel: requests arrive (public mode: its host is allowed) and
    none carries an operator key. The operator's own server still gets its key."""
    operator, visitor = servers
    if public:
        monkeypatch.setenv("HFCOMPARE_PUBLIC", "1")
        monkeypatch.setenv("HFCOMPARE_ALLOWED_HOSTS", host(visitor))
        monkeypatch.setenv("HFCOMPARE_ALLOWED_MODELS", "openai:ok,hf:ok,openai:latency-1")
    root = visitor.url.removesuffix("/v1")

    for url_key, url, button in (("endpoints_openai_url", visitor.url, "endpoints_openai_test"),
                                 ("endpoints_hf_url", f"{root}/tei/ok", "endpoints_hf_test")):
        connected = _panel_test_connection(url_key, url, button)
        assert any("Connected" in s.value for s in connected.success), [e.value for e in connected.error]

    embeddings = open_link({"models": "openai:ok,hf:ok", "texts": TEXTS})
    embeddings.text_input(key="endpoints_openai_url").set_value(visitor.url)
    embeddings.text_input(key="endpoints_hf_url").set_value(f"{root}/tei/ok").run()
    next(b for b in embeddings.button if b.label.startswith(("Run comparison", "Compute"))).click().run()
    assert not embeddings.exception
    failures = [e.value for e in embeddings.error]
    assert not failures, failures

    generation = open_app("app_pages/generation.py")
    generation.text_input(key="endpoints_openai_url").set_value(visitor.url).run()
    from tests.app.pages import current_key

    generation.multiselect(key=current_key(generation, "gen_models")).set_value(["openai:ok"])
    next(b for b in generation.button if b.label == "Load sample").click().run()
    generation.selectbox(key="gen_check_embedder").set_value("(no reference checks)")
    next(b for b in generation.button if b.label == "Run").click().run()
    assert not generation.exception

    arena = open_app("app_pages/arena.py")
    arena.text_input(key="endpoints_openai_url").set_value(visitor.url).run()
    arena.multiselect[0].set_value(["openai:ok", "openai:latency-1"])
    arena.text_input[0].set_value("Where is my invoice?").run()
    next(b for b in arena.button if b.key == "arena_new_generation").click().run()
    assert not arena.exception

    seen = authorizations(visitor)
    assert len(seen) >= 5, seen                      # every path reached the visitor's server
    assert leaked(visitor) == []

    # positive control: the operator's server, untouched in the panel, gets the operator's key
    control = _panel_test_connection("endpoints_openai_key", "", "endpoints_openai_test")
    assert any("Connected" in s.value for s in control.success)
    assert f"Bearer {OPERATOR_OPENAI}" in authorizations(operator)


def test_a_key_typed_with_the_url_goes_to_that_url(servers):
    _, visitor = servers
    at = open_app()
    at.text_input(key="endpoints_openai_url").set_value(visitor.url)
    at.text_input(key="endpoints_openai_key").set_value(VISITOR_KEY).run()
    next(b for b in at.button if b.key == "endpoints_openai_test").click().run()
    assert authorizations(visitor) == [f"Bearer {VISITOR_KEY}"]


def test_public_mode_refuses_a_url_the_operator_did_not_allow(servers, monkeypatch):
    operator, visitor = servers
    monkeypatch.setenv("HFCOMPARE_PUBLIC", "1")
    at = _panel_test_connection("endpoints_openai_url", visitor.url, "endpoints_openai_test")
    assert any("public mode" in e.value for e in at.error), [e.value for e in at.error]
    assert any("public mode" in w.value.lower() for w in at.warning)
    assert any("Public mode" in i.value for i in at.info)
    assert visitor.headers_seen == []
    # the operator's own server stays reachable
    control = _panel_test_connection("endpoints_openai_key", "", "endpoints_openai_test")
    assert any("Connected" in s.value for s in control.success)


def test_cli_flags_do_not_carry_the_operator_key_to_another_url(servers, tmp_path, capsys):
    from hfcompare.cli import main

    operator, visitor = servers
    source = tmp_path / "texts.txt"
    source.write_text(TEXTS, encoding="utf-8")
    out = tmp_path / "out.npy"
    assert main(["embed", "--model", "openai:ok", "--base-url", visitor.url, "--input", str(source),
                 "--output", str(out)]) == 0
    assert main(["generate", "--model", "openai:ok", "--base-url", visitor.url, "--prompt", "hi",
                 "--max-tokens", "4"]) == 0
    assert main(["embed", "--model", "hf:any", "--base-url", f"{visitor.url.removesuffix('/v1')}/tei/ok",
                 "--input", str(source), "--output", str(out)]) == 0
    assert len(visitor.headers_seen) >= 3 and leaked(visitor) == []
    # a key named with --api-key-env goes with the flag's URL, as the person asked
    import os

    os.environ["VISITOR_KEY_FOR_TEST"] = VISITOR_KEY
    try:
        assert main(["models", "--backend", "openai", "--base-url", visitor.url,
                     "--api-key-env", "VISITOR_KEY_FOR_TEST"]) == 0
    finally:
        del os.environ["VISITOR_KEY_FOR_TEST"]
    assert authorizations(visitor)[-1] == f"Bearer {VISITOR_KEY}"
    assert main(["embed", "--model", "openai:ok", "--input", str(source), "--output", str(out)]) == 0
    assert f"Bearer {OPERATOR_OPENAI}" in authorizations(operator)
    capsys.readouterr()
