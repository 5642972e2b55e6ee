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


#: Elements whose strings Streamlit shows as typed (plain text, code, data, typed values): skipped.
PLAIN_ELEMENTS = {"text", "code", "json", "dataframe", "table", "exception", "plotly_chart", "vega_lite_chart",
                  "deck_gl_json_chart", "graphviz_chart", "echarts_chart", "html", "iframe", "imgs"}
#: String fields Streamlit renders as Markdown: bodies, labels, help texts, progress and spinner texts,
#: radio and segmented-control options and captions, toasts; in every element and block (tabs, expanders).
MARKDOWN_FIELDS = {"body", "label", "help", "text", "options", "captions", "icon_label", "content"}

#: Pickers whose options Streamlit shows as plain text (no Markdown in a dropdown).
PLAIN_OPTIONS = ("multiselect", "selectbox")

SENT: list = []   # every ForwardMsg a page sent during the test (the autouse fixture records them)


@pytest.fixture(autouse=True)
def record_sent(monkeypatch):
    """Record every message the app sends, transient ones too (a progress bar's text lives only while
    the run lasts; AppTest keeps only the final tree)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    SENT.clear()
    original = ScriptRunContext.enqueue

    def enqueue(self, msg):
        SENT.append(msg.SerializeToString())
        return original(self, msg)

    monkeypatch.setattr(ScriptRunContext, "enqueue", enqueue)
    yield
    SENT.clear()


def markdown_strings(message, where: str = "") -> list[str]:
    """The strings of a proto message (recursively) that Streamlit renders as Markdown, each prefixed
    with where it was found (`element.field: `), so a failure names the call."""
    found = []
    for field, value in message.ListFields():
        if field.message_type is not None:
            items = value if field.is_repeated else [value]
            if field.name in PLAIN_ELEMENTS or (field.name == "options" and where.endswith(PLAIN_OPTIONS)):
                continue
            for item in items:
                found += markdown_strings(item, f"{where}.{field.name}" if where else field.name)
        elif field.name in MARKDOWN_FIELDS and field.type == field.TYPE_STRING \
                and not (field.name == "options" and where.endswith(PLAIN_OPTIONS)):
            found += [f"{where}.{field.name}: {v}" for v in (value if field.is_repeated else [value])]
    return found


def sent_markdown() -> list[str]:
    """Every Markdown-rendering string in the messages sent so far (elements, blocks, page titles)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    texts = []
    for raw in SENT:
        message = ForwardMsg()
        message.ParseFromString(raw)
        if message.HasField("delta"):
            texts += markdown_strings(message.delta)
    return texts


def rendered(at: AppTest) -> list[str]:
    """Every string the page hands to a Markdown-rendering element: the final page, and every message
    sent on the way (progress texts, spinners, toasts, tab and expander labels, help texts)."""
    texts = []
    for kind in ("markdown", "caption", "warning", "error", "info", "success", "title", "subheader", "header",
                 "toast"):
        texts += [str(e.value) for e in getattr(at, kind, [])]
    texts += [str(e.label) for e in at.expander]
    return texts + sent_markdown()


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


def test_the_sweep_sees_transient_progress_texts_and_help(fake_backend):
    """The recorder reads what AppTest's final tree no longer holds: a progress bar's text."""
    at = open_link({"models": "fake:fake-a", "texts": "one\ntwo", "run": "1"})
    texts = sent_markdown()
    assert any("Embedding with" in t or "Loading" in t for t in texts), texts[:40]
    assert any(h for h in texts if "model" in h.lower())
    assert live_markup("x " + IMAGE)


@pytest.mark.parametrize("page, params", [
    (None, {"models": f"fake:fake-a,fake:{IMAGE}", "texts": "one\ntwo\nthree", "run": "1"}),
    (None, {"mode": "evaluate", "models": f"fake:{IMAGE}", "run": "1",
            "suite": "How do I pay?\n- Pay in Billing.\n\nWhere is it?\n- It is in Settings.",
            "distractors": "Reset my password"}),
    ("app_pages/generation.py", {"models": f"fake:fake-a,fake:{IMAGE}", "run": "1",
                                 "prompts": json.dumps([{"prompt": "Say hi", "keywords": "hi"}])}),
])
def test_hostile_model_names_stay_text_in_every_markdown_call_of_a_run(fake_backend, page, params):
    """A hostile model name goes through progress bars, result headers, tabs, captions and help texts
    while the run lasts: none of them receives it as live Markdown."""
    at = open_link(params, page=page)
    assert not at.exception
    assert any("127\\.0\\.0\\.1" in t or "127\\.0" in t for t in sent_markdown()) or fake_backend.calls \
        or fake_backend.generations
    assert_no_live_markup(at)


def test_hostile_names_stay_text_through_the_scorecards_measure_buttons(fake_backend):
    from tests.app.pages import open_app as open_page
    from tests.app.pages import widget

    at = open_page()
    at.multiselect[0].set_value(["fake:fake-a", f"fake:{IMAGE}"])
    widget(at.button, "Load sample").click().run()
    widget(at.button, "Run comparison").click().run()
    at.switch_page("app_pages/scorecard.py").run()
    widget(at.multiselect, "Criteria").set_value(["performance", "speed"]).run()
    widget(at.button, "Measure performance now").click().run()
    assert not at.exception
    assert any("progress.text" in t and "Evaluating" in t or "Embedding" in t for t in sent_markdown())
    assert_no_live_markup(at)
