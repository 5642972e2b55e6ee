"""Untrusted text (links, model names, prompts, answers, server errors, card excerpts) reaches the
page as text: no Markdown image, link, reference definition or raw HTML comes alive out of it."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from hfcompare.backends import ModelLoadError
from tests.app.pages import open_link
from ui.text import literal, safe_markdown

PAGES = ["app_pages/discover.py", "app_pages/embeddings.py", "app_pages/generation.py", "app_pages/scorecard.py",
         "app_pages/arena.py", "app_pages/monitor.py"]
IMAGE = "![x](http://127.0.0.1:9/a.png)"
HOSTILE = (f"{IMAGE} <img src=http://127.0.0.1:9/b.png> [a](javascript:alert(1)) ![a][1] "
           "<a href='http://127.0.0.1:9/c'>c</a>\n\n[1]: http://127.0.0.1:9/d.png")
# what the hostile strings look like while they are live Markdown or HTML; escaped (`\\!\\[`,
# `http\\:\\/\\/127\\.0...`) none of these substrings is left. The page's own Markdown uses none of them.
LIVE = re.compile(r"(?<!\\)(?:!\[|\]\[1\]|\[1\]:|<img|<a |127\.0\.0\.1:9|javascript:)", re.IGNORECASE)


def live_markup(text: str) -> list[str]:
    """The hostile strings' live Markdown/HTML constructs in `text`, outside fenced code blocks
    (where Markdown shows text as typed)."""
    outside = re.sub(r"^(`{3,}|~{3,}).*?^\1\s*$", "", text, flags=re.MULTILINE | re.DOTALL)
    return LIVE.findall(outside)


def rendered(at: AppTest) -> list[str]:
    """Every string the page hands to a Markdown-rendering element."""
    texts = []
    for kind in ("markdown", "caption", "warning", "error", "info", "success", "title", "subheader", "header",
                 "toast"):
        texts += [str(e.value) for e in getattr(at, kind, [])]
    texts += [str(e.label) for e in at.expander]
    return texts


def assert_no_live_markup(at: AppTest) -> None:
    assert not at.exception, at.exception
    offending = {t: live_markup(t) for t in rendered(at) if live_markup(t)}
    assert not offending, offending




def test_the_checker_sees_live_markup_and_not_escaped_markup():
    assert live_markup(HOSTILE)
    assert not live_markup(literal(HOSTILE))
    assert not live_markup(safe_markdown(HOSTILE))
    assert live_markup("see " + literal("x") + " " + IMAGE)


def test_safe_markdown_keeps_code_blocks_and_line_breaks_and_escapes_the_rest():
    text = "Use this:\n```python\nprint('![a](b)')\n```\n# Title\n![a][1]\n\n[1]: http://127.0.0.1:9/x.png"
    shown = safe_markdown(text, bold_headings=True)
    assert "```python\nprint('![a](b)')\n```" in shown  # code is shown as typed, inside its block
    assert "**Title**" in shown and "\\!\\[a\\]\\[1\\]" in shown and "\\[1\\]\\: http" in shown
    assert not live_markup(shown)
    unclosed = safe_markdown("```\n![a](b)")
    assert unclosed.endswith("\n```")  # a block the text leaves open is closed: nothing after it escapes
    assert not live_markup(safe_markdown("~~~~\n~~~\n![a](b)\n~~~~\n" + IMAGE))


LINK_PAGES = PAGES[:4]  # the pages that read their state from a link (arena and monitor have none)


@pytest.mark.parametrize("page", PAGES)
def test_hostile_link_names_and_values_are_shown_as_text(fake_backend, page):
    params = {HOSTILE: "1", "mode": HOSTILE, "models": f"fake:fake-a,{IMAGE},nonsense:{IMAGE}", "run": HOSTILE,
              "candidates": json.dumps([HOSTILE]), "task": HOSTILE}
    at = open_link(params, page=page)
    assert_no_live_markup(at)
    if page in LINK_PAGES:
        warned = " ".join(re.sub(r"\\(.)", r"\1", w.value) for w in at.warning)
        assert "does not know" in warned and "![x]" in warned, warned  # shown, as typed


@pytest.mark.parametrize("page", LINK_PAGES)
def test_a_hostile_comparison_id_is_shown_as_text(fake_backend, page):
    at = open_link({"c": HOSTILE}, page=page)
    assert at.warning
    assert_no_live_markup(at)


def test_hostile_candidates_in_a_scorecard_link_are_text(fake_backend):
    at = open_link({"candidates": f"{IMAGE},sentence-transformers/all-MiniLM-L6-v2"}, page="app_pages/scorecard.py")
    assert_no_live_markup(at)


def test_hostile_prompts_answers_and_errors_on_the_generation_page(fake_backend, monkeypatch):
    original = fake_backend.stream

    def stream(model, messages, params):
        if model == "fake-b":
            raise ModelLoadError(f"server said: {HOSTILE}")
        yield from original(model, messages, params)

    monkeypatch.setattr(fake_backend, "stream", stream)
    prompts = json.dumps([{"prompt": HOSTILE, "keywords": "", "regex": "", "max chars": None, "reference": ""},
                          {"prompt": f"```\n{IMAGE}\n```\nand {IMAGE}", "keywords": "", "regex": "",
                           "max chars": None, "reference": ""}])
    at = open_link({"models": "fake:fake-a,fake:fake-b", "prompts": prompts, "run": "1"}, page="app_pages/generation.py")
    assert "Summary" in [s.value for s in at.main.subheader]
    assert fake_backend.generations, "the fake model should have answered"
    assert any("server said" in e.value for e in at.error)
    answers = [m.value for m in at.markdown if "answers" in m.value]
    assert answers
    assert_no_live_markup(at)


def test_hostile_embedding_errors_and_model_names_are_text(fake_backend, monkeypatch):
    def embed_batch(model, texts):
        raise ModelLoadError(f"server said: {HOSTILE}")

    monkeypatch.setattr(fake_backend, "embed_batch", embed_batch)
    at = open_link({"models": "fake:fake-a", "texts": "one\ntwo", "run": "1"})
    assert any("server said" in e.value for e in at.error)
    assert_no_live_markup(at)


def test_a_hostile_model_card_section_is_text(monkeypatch):
    from tests.app.pages import open_app as open_page
    from tests.app.pages import widget
    from tests.integration import hub_server
    from tests.integration.hub_server import use_local_hub

    card = ("# Tiny\n\n## Limitations and bias\n\nIt only knows **English**.\n" + HOSTILE
            + "\n```\ncode ![c](http://127.0.0.1:9/code.png)\n```\n\n## Citation\n\nnone\n")
    monkeypatch.setitem(hub_server.CARDS, "example-org/tiny-embedder", card)
    with hub_server.HubServer() as server:
        use_local_hub(server, monkeypatch)
        at = open_page("app_pages/discover.py", timeout=60)
        widget(at.selectbox, "Model").set_value("example-org/tiny-embedder").run()
    excerpt = next(m.value for m in at.markdown if "English" in m.value)
    assert "\\!\\[a\\]\\[1\\]" in excerpt and "\\<a href" in excerpt  # reference-style images and HTML as typed
    assert "\\[1\\]\\: http" in excerpt and "```\ncode" in excerpt  # the definition as typed; code stays code
    assert_no_live_markup(at)


def test_a_hostile_arena_prompt_its_answers_and_the_reveal_are_text(fake_backend):
    from tests.app.pages import open_app as open_page

    at = open_page("app_pages/arena.py")
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b"])
    at.text_input[0].set_value(HOSTILE.replace("\n", " ")).run()
    next(b for b in at.button if b.key == "arena_new_generation").click().run()
    assert any("javascript" in t.value for t in at.text)  # the answers, as plain text
    next(b for b in at.button if b.key == "vote_generation_tie").click().run()
    assert any("Model A was" in s.value for s in at.success)
    assert_no_live_markup(at)
