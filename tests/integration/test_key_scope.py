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


def _panel_refuses(url_key: str, url: str, button_key: str):
    """The panel with `url` typed: it says why the URL cannot be used, and its Test connection is off."""
    at = open_app()
    at.text_input(key=url_key).set_value(url).run()
    assert not at.exception
    assert next(b for b in at.button if b.key == button_key).disabled
    return at


def _embeddings_with(url: str, models: str = "openai:ok"):
    """The Embeddings page run on `models` with `url` typed as the OpenAI-compatible server."""
    from tests.app.pages import current_key

    at = open_link({"models": models, "texts": TEXTS})
    at.multiselect(key=current_key(at, "emb_models")).set_value(models.split(","))   # public mode: a visitor's pick
    at.text_input(key="endpoints_openai_url").set_value(url).run()
    next(b for b in at.button if b.label.startswith(("Run comparison", "Compute"))).click().run()
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
    at = _panel_refuses("endpoints_openai_url", visitor.url, "endpoints_openai_test")
    assert any("public mode" in w.value and "will not send requests" in w.value for w in at.warning), \
        [w.value for w in at.warning]
    assert any("public mode" in i.value and "run hfcompare on your own computer" in i.value for i in at.info)
    tei = _panel_refuses("endpoints_hf_url", f"{visitor.url.removesuffix('/v1')}/tei/ok", "endpoints_hf_test")
    assert any("will not send requests" in w.value for w in tei.warning)
    page = _embeddings_with(visitor.url)     # the path that makes requests says so too
    assert any("public mode" in e.value for e in page.error), [e.value for e in page.error]
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


@pytest.mark.parametrize("public", [False, True])
def test_an_hf_model_id_that_is_a_url_gets_no_key(servers, monkeypatch, public):
    """huggingface_hub treats a model id that starts with http(s):// as an endpoint and sends the token
    there (the operator's HF_TOKEN, for Inference Providers): `hf:http://visitor/...` from a link, the
    picker or the library is refused with the reason, and the visitor's server hears nothing."""
    _, visitor = servers
    if public:
        monkeypatch.setenv("HFCOMPARE_PUBLIC", "1")
    root = visitor.url.removesuffix("/v1")
    from hfcompare.backends import BackendError, get_backend, settings_from_environment
    from hfcompare.backends.base import GenerationParams

    hf = get_backend("hf", settings_from_environment("hf"))
    for model in (f"{root}/tei/ok", visitor.url, f"HTTP://{host(visitor)}/tei/ok"):
        with pytest.raises(BackendError, match="not a Hub model id"):
            hf.embed_batch(model, ["a", "b"])
        with pytest.raises(BackendError, match="not a Hub model id"):
            list(hf.stream(model, [{"role": "user", "content": "hi"}], GenerationParams(max_tokens=4)))

    embeddings = open_link({"models": f"hf:{root}/tei/ok", "texts": TEXTS})
    from tests.app.pages import current_key

    embeddings.multiselect(key=current_key(embeddings, "emb_models")).set_value([f"hf:{root}/tei/ok"]).run()
    next(b for b in embeddings.button if b.label.startswith(("Run comparison", "Compute"))).click().run()
    assert not embeddings.exception
    assert any("not a Hub model id" in e.value for e in embeddings.error), [e.value for e in embeddings.error]
    assert visitor.headers_seen == []


def _tei_test_connection(url: str):
    return _panel_test_connection("endpoints_hf_url", url, "endpoints_hf_test")


@pytest.mark.parametrize("public", [False, True])
def test_a_url_that_clients_read_differently_is_refused(servers, monkeypatch, public):
    """`http://visitor\\@operator/...`: Python's urlsplit (which binds the key and checks the allow-list)
    reads the operator's host, while requests/urllib3 (TEI's /info) connect to the visitor's. Such URLs
    (a backslash, a space, a tab or a line break in them) are refused before any request."""
    operator, visitor = servers
    tei = f"{operator.url.removesuffix('/v1')}/tei/ok"
    monkeypatch.setenv("HFCOMPARE_HF_BASE_URL", tei)
    if public:
        monkeypatch.setenv("HFCOMPARE_PUBLIC", "1")
    hostile = f"http://{host(visitor)}\\@{host(operator)}/tei/ok"
    at = _panel_refuses("endpoints_hf_url", hostile, "endpoints_hf_test")
    assert any("backslash" in w.value for w in at.warning), [w.value for w in at.warning]
    from hfcompare.backends import BackendError, get_backend, settings_from_environment

    hf = get_backend("hf", settings_from_environment("hf").with_overrides(base_url=hostile))
    for call in (hf.list_models, lambda: hf.embed_batch("x", ["a"])):   # TEI's /info, and huggingface_hub
        with pytest.raises(BackendError, match="not valid.*backslash"):
            call()
    openai_url = f"http://{host(visitor)}\\@{host(operator)}/v1"
    _panel_refuses("endpoints_openai_url", openai_url, "endpoints_openai_test")
    page = _embeddings_with(openai_url)
    assert any("not valid" in e.value for e in page.error), [e.value for e in page.error]
    assert visitor.headers_seen == []
    # the operator's own TEI server, untouched in the panel, still gets the token
    control = _tei_test_connection("")
    assert any("Connected" in s.value for s in control.success), [e.value for e in control.error]
    assert f"Bearer {OPERATOR_HF}" in authorizations(operator)


def test_lookalike_urls_get_the_key_only_where_every_client_connects_to_the_operator(servers):
    """A URL that differs from the operator's by a trailing slash, case, port, user info, query,
    fragment, a backslash or a control character: the key goes to it only when urlsplit, httpx (openai,
    huggingface_hub) and urllib3 (requests) all connect to the operator's host and port."""
    import httpx2
    import urllib3.util

    from hfcompare.backends import settings_from_environment
    from hfcompare.backends.remote.common import url_problem

    operator, visitor = servers
    op, vi = host(operator), host(visitor)
    variants = [f"http://{op}/v1/", f"HTTP://{op.upper()}/V1", f"http://{op}/v1?x=1", f"http://{op}/v1#f",
                f"http://user:pw@{op}/v1", f"http://{op}@{vi}/v1", f"http://{vi}\\@{op}/v1", f"http://{vi}\\@{op}/v1/",
                f"http://{vi}\t@{op}/v1", f"http://{vi}\n@{op}/v1", f"http://{vi}#@{op}/v1", f"http://{vi}?@{op}/v1",
                f"http://{op.replace(':', ':0')}/v1", f"http://{vi}/v1", f"http://{op}:1/v1", f"http://{op}./v1",
                f"http://{vi};@{op}/v1", f"http://{op}%2F@{vi}/v1", f"http:/{op}/v1", f"http:\\\\{vi}/v1"]
    settings = settings_from_environment("openai")
    target = ("127.0.0.1", operator._server.server_address[1])

    def connects(url: str) -> set:
        found = set()
        for parse in (lambda u: (httpx2.URL(u).host, httpx2.URL(u).port),
                      lambda u: (urllib3.util.parse_url(u).host, urllib3.util.parse_url(u).port)):
            try:
                found.add(parse(url.strip()))
            except Exception:  # noqa: BLE001 - a client that cannot parse it sends nothing
                pass
        return found

    for url in variants:
        typed = settings.with_overrides(base_url=url)
        if typed.key_for(typed.base_url) is not None:
            assert url_problem(url) is None and connects(url) == {target}, url
        if "\\" in url or "\t" in url or "\n" in url:
            assert url_problem(url), url


@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_from_the_operator_server_does_not_carry_its_key(monkeypatch, status):
    """The operator's server answers every request with a redirect to the visitor's: the clients
    (openai's and huggingface_hub's httpx, requests for TEI's /info) follow it without the key."""
    from hfcompare.backends import get_backend, settings_from_environment
    from hfcompare.backends.base import GenerationParams

    with FaultServer() as visitor, FaultServer(redirect_to=visitor.url.removesuffix("/v1"),
                                               redirect_status=status) as operator:
        monkeypatch.setenv("HFCOMPARE_OPENAI_BASE_URL", operator.url)
        monkeypatch.setenv("HFCOMPARE_OPENAI_API_KEY", OPERATOR_OPENAI)
        monkeypatch.setenv("HF_TOKEN", OPERATOR_HF)
        monkeypatch.setenv("HFCOMPARE_HF_BASE_URL", f"{operator.url.removesuffix('/v1')}/tei/ok")
        monkeypatch.setenv("HFCOMPARE_MAX_RETRIES", "0")
        monkeypatch.delenv("HFCOMPARE_PUBLIC", raising=False)
        openai, hf = get_backend("openai", settings_from_environment("openai")), \
            get_backend("hf", settings_from_environment("hf"))
        calls = [openai.list_models, lambda: openai.embed_batch("ok", ["a"]), hf.list_models,
                 lambda: list(openai.stream("ok", [{"role": "user", "content": "hi"}], GenerationParams(max_tokens=4))),
                 lambda: hf.embed_batch("x", ["a"])]
        for call in calls:
            try:
                call()
            except Exception:  # noqa: BLE001 - a 302 turns a POST into a GET the visitor's server refuses
                pass
        assert len(visitor.headers_seen) >= len(calls)   # every redirect was followed
        assert leaked(visitor) == []
        assert {f"Bearer {OPERATOR_OPENAI}", f"Bearer {OPERATOR_HF}"} <= set(authorizations(operator))


def test_a_key_named_in_the_config_file_goes_only_to_the_config_file_url(servers, monkeypatch, tmp_path):
    """The config file route: `[openai] base_url` with `api_key_env`, no environment URL. In public mode a
    typed URL is refused; out of it, it gets no key; the configured one does."""
    operator, visitor = servers
    monkeypatch.delenv("HFCOMPARE_OPENAI_BASE_URL")
    monkeypatch.delenv("HFCOMPARE_OPENAI_API_KEY")
    monkeypatch.setenv("OPERATOR_SECRET_FOR_TEST", OPERATOR_OPENAI)
    config = tmp_path / "config.toml"
    config.write_text(f'[openai]\nbase_url = "{operator.url}"\napi_key_env = "OPERATOR_SECRET_FOR_TEST"\n'
                      f'[hf]\nbase_url = "{operator.url.removesuffix("/v1")}/tei/ok"\n', encoding="utf-8")
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(config))
    monkeypatch.setenv("HFCOMPARE_PUBLIC", "1")   # first: a client once made for a URL is kept (per process)
    refused = _embeddings_with(visitor.url)
    assert any("public mode" in e.value for e in refused.error), [e.value for e in refused.error]
    assert visitor.headers_seen == []
    monkeypatch.delenv("HFCOMPARE_PUBLIC")
    _panel_test_connection("endpoints_openai_url", visitor.url, "endpoints_openai_test")
    _tei_test_connection(f"{visitor.url.removesuffix('/v1')}/tei/ok")
    assert len(visitor.headers_seen) == 2 and leaked(visitor) == []
    _panel_test_connection("endpoints_openai_key", "", "endpoints_openai_test")
    _tei_test_connection("")
    assert {f"Bearer {OPERATOR_OPENAI}", f"Bearer {OPERATOR_HF}"} <= set(authorizations(operator))


def _everything_drawn(at) -> str:
    """Every element the app sent to the browser (values, placeholders, labels, texts), as one string."""
    def walk(node):
        yield node
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join(str(node.proto) for node in walk(at._tree) if getattr(node, "proto", None) is not None)


@pytest.mark.parametrize("public", [False, True])
def test_credentials_in_the_operator_url_never_reach_the_page(servers, monkeypatch, public):
    """A configured base URL may carry a password (`http://team:pw@host/v1`) or a key in its query: the
    Endpoints fields stay empty (empty means the configured server) and show its address without them."""
    operator, _ = servers
    if public:
        monkeypatch.setenv("HFCOMPARE_PUBLIC", "1")
    monkeypatch.setenv("HFCOMPARE_OPENAI_BASE_URL", operator.url.replace("http://", "http://team:PWcanary9@"))
    monkeypatch.setenv("HFCOMPARE_HF_BASE_URL", f"http://tei:PWcanary8@{host(operator)}/tei/ok?api_key=QScanary7")
    at = _panel_test_connection("endpoints_openai_key", "", "endpoints_openai_test")
    assert any("Connected" in s.value for s in at.success), [e.value for e in at.error]   # the configured server
    drawn = _everything_drawn(at) + "\n".join(f"{t.value} {t.placeholder}" for t in at.text_input)
    for secret in ("PWcanary9", "PWcanary8", "QScanary7", OPERATOR_OPENAI, OPERATOR_HF):
        assert secret not in drawn, secret
    assert at.text_input(key="endpoints_openai_url").placeholder == f"configured: {operator.url}"
