"""Public mode holds on every page (issue 25, point 3): no action reachable from a link (the
Scorecard's "Measure now" buttons, the Arena, Discover's "add") downloads a model that is neither
bundled nor allow-listed. A logging Hub stand-in counts every request for the models' files: 0."""

from __future__ import annotations

import pytest

from tests.app.pages import current_key, open_app, open_link, shown, widget
from tests.integration.hub_server import HubServer, use_local_hub

EMBEDDER = "example-org/tiny-embedder"
CHAT = "example-org/tiny-chat"
#: catalog models a Scorecard link can name (the Scorecard offers catalog models as candidates)
CATALOG_EMBEDDER = "BAAI/bge-small-en-v1.5"
CATALOG_CHAT = "Qwen/Qwen2.5-7B-Instruct"
REFUSAL = "runs in public mode: it loads only the models bundled with it or allowed by its operator"


@pytest.fixture
def hub(public, monkeypatch):
    with HubServer() as server:
        use_local_hub(server, monkeypatch)
        yield server


def file_requests(hub: HubServer) -> dict[str, int]:
    """Requests for the models' files (what a download asks for), apart from the model card."""
    return {path: n for path, n in hub.requests.items() if "/resolve/" in path and not path.endswith("README.md")}


def said(at) -> str:
    return " ".join(shown(str(e.value)) for e in (*at.error, *at.warning, *at.info, *at.text))


def test_the_scorecards_measure_buttons_download_nothing(hub):
    at = open_link({"task": "embeddings", "candidates": f"{CATALOG_EMBEDDER},sentence-transformers/all-MiniLM-L6-v2"},
                   page="app_pages/scorecard.py")
    assert not at.exception
    widget(at.button, "Measure speed now").click().run()   # performance comes from the catalog here
    assert not at.exception
    assert file_requests(hub) == {}
    assert REFUSAL in said(at), said(at)


@pytest.mark.slow  # 17 to 22 s: the button opens the Generation page, which runs in full
def test_the_scorecards_generation_button_downloads_nothing(hub):
    at = open_link({"task": "generation", "candidates": f"{CATALOG_CHAT},mistralai/Mistral-7B-Instruct-v0.2"}, page="app_pages/scorecard.py")
    widget(at.button, "Measure quality and speed now").click().run()
    assert not at.exception
    assert file_requests(hub) == {}
    assert REFUSAL in said(at), said(at)


def test_an_arena_battle_downloads_nothing(hub):
    at = open_app("app_pages/arena.py")
    at.multiselect[0].set_value(["local:HuggingFaceTB/SmolLM2-135M-Instruct", f"local:{CHAT}"])
    at.text_input[0].set_value("Where is my invoice?").run()
    next(b for b in at.button if b.key == "arena_new_generation").click().run()
    assert not at.exception
    assert file_requests(hub) == {}
    assert "(this model failed: unavailable)" in said(at)   # blind: the reason would name the model


@pytest.mark.slow  # the run loads the bundled MiniLM and mpnet beside the refused model (about 26 s)
def test_discovers_add_then_a_run_downloads_nothing(hub):
    at = open_app("app_pages/discover.py")
    widget(at.multiselect, "Models to add").set_value([EMBEDDER]).run()
    widget(at.button, "Add to the Embeddings comparison").click().run()
    at.switch_page("app_pages/embeddings.py").run()
    assert f"local:{EMBEDDER}" in at.multiselect[0].value
    widget(at.button, "Load sample").click().run()
    widget(at.button, "Run comparison").click().run()
    assert not at.exception
    assert file_requests(hub) == {}
    assert REFUSAL in said(at), said(at)


def test_an_operator_allowed_model_is_not_refused(hub, monkeypatch):
    from hfcompare.backends.hub import public_refusal

    assert public_refusal(EMBEDDER)
    monkeypatch.setenv("HFCOMPARE_ALLOWED_MODELS", f"local:{EMBEDDER}")
    assert public_refusal(EMBEDDER) is None
    monkeypatch.delenv("HFCOMPARE_PUBLIC")
    monkeypatch.delenv("HFCOMPARE_ALLOWED_MODELS")
    assert public_refusal(EMBEDDER) is None


def test_a_generation_link_run_in_public_mode_downloads_nothing(hub):
    at = open_app("app_pages/generation.py")
    at.multiselect(key=current_key(at, "gen_models")).set_value([f"local:{CHAT}"])
    widget(at.button, "Load sample").click().run()
    at.selectbox(key="gen_check_embedder").set_value("(no reference checks)")
    widget(at.button, "Run").click().run()
    assert not at.exception
    assert file_requests(hub) == {}
    assert REFUSAL in said(at), said(at)
