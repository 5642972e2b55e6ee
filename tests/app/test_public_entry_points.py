"""Public mode holds on every page (issue 25, point 3): no action reachable from a link (the
Scorecard's "Measure now" buttons, the Arena, Discover's "add") downloads a model that is neither
bundled nor allow-listed. A logging Hub stand-in counts every request for the models' files: 0."""

from __future__ import annotations

import json

import pytest

from tests.app.pages import current_key, open_app, open_link, shown, widget
from tests.integration.hub_server import HubServer, use_local_hub

EMBEDDER = "example-org/tiny-embedder"
CHAT = "example-org/tiny-chat"
#: catalog models a Scorecard link can name (the Scorecard offers catalog models as candidates)
CATALOG_EMBEDDER = "BAAI/bge-small-en-v1.5"
CATALOG_CHAT = "Qwen/Qwen2.5-7B-Instruct"
MINILM = "sentence-transformers/all-MiniLM-L6-v2"
REFUSAL = "runs in public mode: it loads only the models bundled with it or allowed by its operator"


@pytest.fixture
def hub(public, monkeypatch):
    """The logging Hub stand-in, where every download would go: huggingface_hub fixes its file URLs from
    HF_ENDPOINT when it is first imported, so those are pointed at the stand-in too (a download sent to
    the real Hub instead would fail unseen, and the count of 0 would prove nothing)."""
    import huggingface_hub.constants as constants

    with HubServer() as server:
        use_local_hub(server, monkeypatch)
        monkeypatch.setattr(constants, "ENDPOINT", server.url)
        monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE",
                            server.url + "/{repo_id}/resolve/{revision}/{filename}")
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


def test_the_scorecards_generation_button_downloads_nothing(hub):
    """Neither model may run here, so the button is off and each is named with the public-mode reason."""
    at = open_link({"task": "generation", "candidates": f"{CATALOG_CHAT},mistralai/Mistral-7B-Instruct-v0.2"},
                   page="app_pages/scorecard.py")
    assert not at.exception
    assert widget(at.button, "Measure quality and speed now").disabled
    assert file_requests(hub) == {}
    captions = " ".join(shown(c.value) for c in at.caption)
    assert CATALOG_CHAT in captions and "Mistral-7B-Instruct-v0.2" in captions and REFUSAL in captions, captions


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


SUITE = "How do I pay?\n- Pay in Billing.\n\nWhere is it?\n- It is in Settings."
#: run=1 links naming a model that is neither bundled nor allowed, one per page and mode that runs models
RUN_LINKS = {
    "embeddings": (None, {"models": f"local:{EMBEDDER}", "texts": "one\ntwo", "run": "1"}),
    "evaluation": (None, {"mode": "evaluate", "models": f"local:{EMBEDDER}", "suite": SUITE, "run": "1"}),
    "pairs": (None, {"mode": "pairs", "models": f"local:{EMBEDDER}", "run": "1",
                     "pairs": json.dumps([["a cat", "a kitten", 1], ["a car", "a pear", 0]])}),
    "prompts": (None, {"mode": "evaluate", "models": f"local:{EMBEDDER}", "suite": SUITE, "run": "1",
                       "prompts": json.dumps({f"local:{EMBEDDER}": {"query": "query: ", "document": "passage: "}})}),
    "generation": ("app_pages/generation.py", {"models": f"local:{CHAT}", "run": "1",
                                               "prompts": json.dumps([{"prompt": "Say hi", "keywords": "hi"}])}),
}
LINK_REFUSAL = "This app runs in public mode: it loads only the models bundled with it or allowed by its operator"


def test_the_stand_in_sees_the_download_a_link_makes_outside_public_mode(hub, monkeypatch):
    """The control: with public mode off, the same link does ask the stand-in for the model's files,
    so the counts of 0 below are the gate's doing."""
    monkeypatch.delenv("HFCOMPARE_PUBLIC")
    page, params = RUN_LINKS["embeddings"]
    open_link(params, page=page)
    assert file_requests(hub), dict(hub.requests)


@pytest.mark.parametrize("kind", list(RUN_LINKS))
def test_a_run_link_naming_an_unbundled_model_downloads_nothing_and_says_why(hub, kind):
    page, params = RUN_LINKS[kind]
    at = open_link(params, page=page)
    assert not at.exception, at.exception   # the evaluation link raised AttributeError once its model was refused
    assert file_requests(hub) == {}
    name = CHAT if kind == "generation" else EMBEDDER
    assert LINK_REFUSAL in said(at) and name in said(at), said(at)


def test_the_memory_measurement_starts_no_process_for_a_refused_model(hub, monkeypatch):
    """A run's results are measured for memory in a fresh process (backends/local/memory.py); a model the
    page refused is not handed to one, and the reason is kept."""
    from hfcompare.backends.local import memory

    started: list[tuple[str, str]] = []
    monkeypatch.setattr(memory, "run_child", lambda ref, task: started.append((ref, task)) or {})
    monkeypatch.setattr(memory, "_failed", {})
    at = open_app("app_pages/generation.py")
    at.multiselect(key=current_key(at, "gen_models")).set_value([f"local:{CHAT}"])
    widget(at.button, "Load sample").click()
    at.selectbox(key="gen_check_embedder").set_value("(no reference checks)")
    widget(at.button, "Run").click().run()
    assert not at.exception
    assert started == []   # a fresh process loading the model was started here before
    assert not memory.pending(f"local:{CHAT}", "generation")
    assert memory.measure(f"local:{CHAT}", "generation") is None and started == []
    assert REFUSAL in memory.refusal(f"local:{CHAT}", "generation")
    assert memory.refusal("local:HuggingFaceTB/SmolLM2-135M-Instruct", "generation") is None   # bundled
    assert memory.refusal(f"local:{MINILM}") is None
    assert file_requests(hub) == {}


def test_the_scorecards_performance_button_downloads_nothing(hub):
    at = open_link({"task": "embeddings", "candidates": f"{CATALOG_EMBEDDER},{MINILM}",
                    "sources": json.dumps({"performance": "measured:ndcg@10"})}, page="app_pages/scorecard.py")
    widget(at.button, "Measure performance now").click().run()
    assert not at.exception
    assert file_requests(hub) == {}
    assert REFUSAL in said(at), said(at)


def test_a_model_shown_in_detail_from_a_link_reads_metadata_only(hub):
    """Discover's `model` field shows a Hub model's card and figures: the Hub's API and the card
    (README.md) are read, none of the model's files."""
    at = open_link({"model": EMBEDDER}, page="app_pages/discover.py")
    assert not at.exception
    assert hub.requests[f"/api/models/{EMBEDDER}"] and file_requests(hub) == {}
