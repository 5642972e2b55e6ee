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
           "<a href='http://127.0.0.1:9/c'>c</a> sign in at www.evil.example or mail x@evil.example"
           "\n\n[1]: http://127.0.0.1:9/d.png")
# what the hostile strings look like while they are live Markdown or HTML; escaped (`\\!\\[`,
# `http\\:\\/\\/127\\.0...`) none of these substrings is left. The page's own Markdown uses none of them.
# Bare addresses become links (GitHub-flavoured autolinks) even escaped, unless a word joiner breaks them
# (`ui.text.literal`): `http\\:\\/\\/127...`, `www\\.evil` and `x\\@evil` are live too.
LIVE = re.compile(r"(?<!\\)(?:!\[|\]\[1\]|\[1\]:|<img|<a |127\.0\.0\.1:9|javascript:)"
                  r"|https?\\?:\\?/\\?/127\\?\.0\\?\.0\\?\.1\\?:9\\?/|www\\?\.evil|@evil\\?\.", re.IGNORECASE)


def live_markup(text: str) -> list[str]:
    """The hostile strings' live Markdown/HTML constructs in `text`, outside fenced code blocks
    (where Markdown shows text as typed)."""
    outside = re.sub(r"^(`{3,}|~{3,}).*?^\1\s*$", "", text, flags=re.MULTILINE | re.DOTALL)
    return LIVE.findall(outside)


#: String fields Streamlit shows as typed, or that are not text at all. Every other string field of every
#: element and block a page sends is taken as Markdown, so a new call site, widget or kind of element is
#: checked without a change here. Checked in Streamlit 1.67 with Chromium (a Markdown image in each field
#: of a test app, hovered where it is a tooltip): images in widget labels, help tooltips (dataframe column
#: help too), progress, spinner, toast, status, expander, tab, popover and dialog titles, alert bodies,
#: metric labels, values and deltas, radio, pills, segmented-control and select-slider options, radio
#: captions and st.table cells were fetched; none in selectbox and multiselect options, placeholders,
#: dataframe cells or column labels, st.text bodies.
PLAIN_FIELDS = {"id", "form_id", "query_param_key", "raw_value", "raw_values", "type", "format", "icon", "default",
                "value", "placeholder", "autocomplete", "validate_regex", "code_text", "language", "stack_trace",
                "spec", "config", "theme", "selection_mode", "selection_state", "selection_default",
                "column_order", "page_script_hash", "page", "query_string", "anchor", "tag", "divider", "json",
                "json_args", "component_name", "element_id", "engine", "mapbox_token", "shortcut",
                "deferred_file_id", "file_type", "alt", "min", "max", "gap", "tooltip", "styles", "uuid",
                "mixed", "default_tab_label", "columns"}
#: Fields plain in one kind of element only: {element: fields}.
PLAIN_IN = {"text": {"body"}, "json": {"body"}, "exception": {"message"}, "selectbox": {"options"},
            "multiselect": {"options"}}
#: Fields the browser loads or runs as they are (an address, raw HTML): no hostile address may reach
#: them at all, escaped or not (a backslash escapes nothing there).
RAW_FIELDS = {"url", "src", "srcdoc", "link", "avatar", "html_content", "js_content", "css_content"}
RAW_IN = {"html": {"body"}}
HOSTILE_ADDRESS = re.compile(r"127\\?\.0\\?\.0\\?\.1\\?:9|<img|javascript\\?:", re.IGNORECASE)

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


def _strings(message, where: str = ""):
    """(path, element, field, value) for every string of a proto message, recursively; `element` is the
    innermost message field the string sits in (`markdown`, `progress`, `expandable`, ...)."""
    for field, value in message.ListFields():
        path = f"{where}.{field.name}" if where else field.name
        if field.message_type is not None:
            for item in (value if field.is_repeated else [value]):
                yield from _strings(item, path)
        elif field.type == field.TYPE_STRING:
            element = where.rsplit(".", 1)[-1]
            for text in (value if field.is_repeated else [value]):
                yield path, element, field.name, text


def _table_cells(message) -> list[str]:
    """The headers and string cells of an st.table (Streamlit renders them as Markdown)."""
    import pyarrow as pa

    table = pa.ipc.open_stream(message.arrow_data.data).read_all()
    cells = [str(name) for name in table.column_names]
    for column in table.columns:
        cells += [v for v in column.to_pylist() if isinstance(v, str)]
    return cells


def _column_help(columns: str) -> list[str]:
    """The help texts of a dataframe's column settings (a JSON string), shown as Markdown tooltips."""
    try:
        found = json.loads(columns or "{}")
    except ValueError:
        return []
    return [str(c["help"]) for c in found.values() if isinstance(c, dict) and c.get("help")]


def markdown_strings(message) -> list[str]:
    """The strings of a proto message that Streamlit renders as Markdown, each prefixed with where it
    was found (`new_element.progress.text: `), so a failure names the call: every string field but
    the plain ones (PLAIN_FIELDS, PLAIN_IN), plus st.table cells and dataframe column help."""
    found = []
    for path, element, field, text in _strings(message):
        if field in PLAIN_FIELDS or field in PLAIN_IN.get(element, ()) or field in RAW_FIELDS \
                or field in RAW_IN.get(element, ()):
            if element == "dataframe" and field == "columns":
                found += [f"{path}.help: {h}" for h in _column_help(text)]
            continue
        found.append(f"{path}: {text}")
    return found + _tables(message)


def _tables(message, where: str = "") -> list[str]:
    """The cells of every st.table in a proto message, prefixed with where they were found."""
    found = []
    for field, value in message.ListFields():
        if field.message_type is None or field.is_repeated:
            continue
        path = f"{where}.{field.name}" if where else field.name
        found += [f"{path}.cell: {c}" for c in _table_cells(value)] if field.name == "table" else _tables(value, path)
    return found


def raw_strings(message) -> list[str]:
    """The strings of a proto message the browser loads or runs as they are (addresses, raw HTML)."""
    return [f"{path}: {text}" for path, element, field, text in _strings(message)
            if field in RAW_FIELDS or field in RAW_IN.get(element, ())]


def _deltas():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    for raw in SENT:
        message = ForwardMsg()
        message.ParseFromString(raw)
        if message.HasField("delta"):
            yield message.delta


def sent_markdown() -> list[str]:
    """Every Markdown-rendering string in the messages sent so far (elements and blocks)."""
    return [text for delta in _deltas() for text in markdown_strings(delta)]


def sent_raw() -> list[str]:
    """Every address or raw HTML in the messages sent so far."""
    return [text for delta in _deltas() for text in raw_strings(delta)]


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
    loaded = [t for t in sent_raw() if HOSTILE_ADDRESS.search(t)]
    assert not loaded, loaded




def test_the_checker_sees_live_markup_and_not_escaped_markup():
    assert live_markup(HOSTILE)
    assert not live_markup(literal(HOSTILE))
    assert not live_markup(safe_markdown(HOSTILE))
    assert live_markup("see " + literal("x") + " " + IMAGE)
    escaped_only = str(HOSTILE).translate(str.maketrans({c: "\\" + c for c in "!:/.@[]()<>'"}))
    assert set(live_markup(escaped_only)) == {"http\\:\\/\\/127\\.0\\.0\\.1\\:9\\/", "www\\.evil", "@evil\\."}


def test_literal_keeps_bare_addresses_from_becoming_links_and_reads_the_same():
    from ui.text import WORD_JOINER

    for text in ("see http://127.0.0.1:9/x.png", "HTTPS://evil.example/login", "www.evil.example",
                 "(www.evil.example)", "mail x@evil.example"):
        shown = literal(text)
        assert WORD_JOINER in shown and not live_markup(shown)
        assert re.sub(r"\\(.)", r"\1", shown).replace(WORD_JOINER, "") == text   # what a reader sees
    assert literal("ndcg at 10") == "ndcg at 10" and literal("awww.x") == "awww\\.x"


def test_safe_markdown_keeps_code_blocks_and_line_breaks_and_escapes_the_rest():
    text = "Use this:\n```python\nprint('![a](b)')\n```\n# Title\n![a][1]\n\n[1]: http://127.0.0.1:9/x.png"
    shown = safe_markdown(text, bold_headings=True)
    assert "```python\nprint('![a](b)')\n```" in shown  # code is shown as typed, inside its block
    assert "**Title**" in shown and "\\!\\[a\\]\\[1\\]" in shown and "\\[1\\]\\: http" in shown
    assert not live_markup(shown)
    unclosed = safe_markdown("```\n![a](b)")
    assert unclosed.endswith("\n```")  # a block the text leaves open is closed: nothing after it escapes
    assert not live_markup(safe_markdown("~~~~\n~~~\n![a](b)\n~~~~\n" + IMAGE))


def test_a_heading_line_of_many_spaces_is_read_in_linear_time():
    """A card heading `# a` + 20,000 spaces + `b`: the old pattern `(.*?)\\s*#*\\s*$` backtracked in cubic time
    (2,000 spaces took 19 s, holding the GIL: every visitor waited). The test would hang, not fail, before."""
    assert safe_markdown("# a" + " " * 20_000 + "b", bold_headings=True) == "**a" + " " * 20_000 + "b**"
    assert safe_markdown("## Title ##  \n#  ##", bold_headings=True) == "**Title**\n"


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
    (None, {"mode": "pairs", "models": f"fake:fake-a,fake:{IMAGE}", "run": "1",
            "pairs": json.dumps([[IMAGE, "a kitten", 1], ["a car", IMAGE, 0], ["red", "crimson", 1],
                                 ["sun", "ice", 0]])}),
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


def _every_kind_of_field() -> None:
    """An app that puts a hostile image in each kind of string field (run by AppTest.from_function)."""
    import pandas as pd
    import streamlit as st

    live, plain = "![live](http://127.0.0.1:9/live.png)", "![plain](http://127.0.0.1:9/plain.png)"
    st.text(plain, help=live)
    st.metric("m", live, delta=live)
    st.table(pd.DataFrame({"a": [live]}))
    st.dataframe(pd.DataFrame({"a": [plain]}), column_config={"a": st.column_config.TextColumn(plain, help=live)})
    st.select_slider("s", options=[live, "b"])
    st.selectbox("pick", [plain], placeholder=plain)
    st.multiselect("picks", [plain], default=[plain])
    st.text_area("box", value=plain)
    st.code(plain)
    st.page_link("https://example.invalid", label=live)
    with st.popover(live, help=live):
        st.caption(live)
    st.html("<b>x</b><img src='http://127.0.0.1:9/raw.png'>")


def test_the_sweep_checks_every_field_streamlit_renders_as_markdown_and_no_plain_one():
    """The sweep's field rules against Streamlit's own messages: each Markdown field of the app above is
    found live, no plain one is, and raw HTML with a hostile address is caught even though it is not
    Markdown."""
    at = AppTest.from_function(_every_kind_of_field)
    at.run()
    assert not at.exception, at.exception
    texts = sent_markdown()
    live = [t.split(": ", 1)[0] for t in texts if "live.png" in t]
    assert not [t for t in texts if "plain.png" in t], [t for t in texts if "plain.png" in t]
    for where in ("text.help", "metric.body", "metric.delta", "table.cell", "dataframe.columns.help",
                  "slider.options", "page_link.label", "popover.label", "popover.help", "markdown.body"):
        assert any(w.endswith(where) for w in live), (where, live)
    assert any("raw.png" in t for t in sent_raw())
    assert all(live_markup(t) for t in texts if "live.png" in t)


LINK_PAGE_FILES = {"embeddings": None, "generation": "app_pages/generation.py", "scorecard": "app_pages/scorecard.py",
                   "discover": "app_pages/discover.py"}
ONE_LINE = HOSTILE.replace("\n", " ")
#: Link values of the right shape with hostile text inside, for the fields that hold JSON
SHAPED = {
    ("embeddings", "prompts"): {"fake:fake-a": {"query": HOSTILE, "document": HOSTILE}, ONE_LINE: {"query": "q"}},
    ("embeddings", "pairs"): [[HOSTILE, ONE_LINE, 1], [ONE_LINE, HOSTILE, 0]],
    ("generation", "prompts"): [{"prompt": HOSTILE, "keywords": ONE_LINE, "regex": ONE_LINE, "max chars": None,
                                 "reference": HOSTILE}],
    ("generation", "overrides"): {ONE_LINE: {"temperature": ONE_LINE}, "fake:fake-a": {"max_tokens": ONE_LINE}},
    ("scorecard", "weights"): {ONE_LINE: 5, "speed": 3},
    ("scorecard", "sources"): {ONE_LINE: ONE_LINE, "performance": ONE_LINE},
    ("scorecard", "scales"): {ONE_LINE: {"worst": ONE_LINE, "best": 1}, "speed": {"worst": ONE_LINE}},
    ("scorecard", "limits"): {ONE_LINE: ONE_LINE, "speed": ONE_LINE},
    ("scorecard", "measured"): {ONE_LINE: {ONE_LINE: [ONE_LINE]}, "fake:fake-a": {"ms_per_text": ONE_LINE}},
}


def _link_field_cases() -> list[tuple[str, str, str]]:
    from tests.link_pages import link_pages

    cases = []
    for page, fields in link_pages().items():
        for field in fields:
            cases.append((page, field, HOSTILE))
            if (page, field) in SHAPED:
                cases.append((page, field, json.dumps(SHAPED[(page, field)])))
    return cases


@pytest.mark.parametrize("page, field, value", _link_field_cases(),
                         ids=[f"{p}-{f}-{'shaped' if v != HOSTILE else 'text'}" for p, f, v in _link_field_cases()])
def test_every_link_field_of_every_page_shows_hostile_text_as_text(fake_backend, page, field, value):
    """Every field a page declares (a new one joins on its own), alone, with `run=1` where the page runs:
    whatever the page says about it, in any Markdown-rendering call, is inert."""
    at = open_link({field: value, "run": "1"}, page=LINK_PAGE_FILES[page], timeout=60)
    assert_no_live_markup(at)


def test_a_hostile_hub_on_discover_with_a_budget_and_the_pickers_marks_is_text(fake_backend, monkeypatch):
    """A Hub (or a stand-in at HF_ENDPOINT) whose search results, tags, license, eval results and card are
    hostile, with models over the memory budget: Discover's table, budget captions, add, details and the
    Embeddings picker's "⚠ … > budget" marks show it all as text."""
    from tests.app.pages import open_app as open_page
    from tests.app.pages import widget
    from tests.integration import hub_server
    from tests.integration.hub_server import HubServer, use_local_hub

    model_index = [{"name": ONE_LINE, "results": [{"task": {"type": ONE_LINE}, "dataset": {"type": ONE_LINE,
                    "name": ONE_LINE}, "metrics": [{"type": ONE_LINE, "value": 1.0, "name": ONE_LINE}]}]}]
    hostile_models = {
        name: {"id": name, "downloads": 10, "likes": 1, "tags": ["sentence-transformers", ONE_LINE, "en"],
               "pipeline_tag": "sentence-similarity", "library_name": ONE_LINE,
               "lastModified": "2025-01-01T00:00:00.000Z", "gated": False,
               "safetensors": {"parameters": {"F32": 7_000_000_000}, "total": 7_000_000_000},
               "cardData": {"license": ONE_LINE, "language": [ONE_LINE], "model-index": model_index}}
        for name in (IMAGE, "evil/<img src=http://127.0.0.1:9/b.png>")}
    for name in hostile_models:
        monkeypatch.setitem(hub_server.CARDS, name, "# T\n\n## Limitations\n\n" + HOSTILE)
    from hfcompare.backends.local import memory   # a measured figure, so the picker marks it over the budget

    memory._write(memory._key(f"local:{IMAGE}", "embeddings"), {
        "load_mb": 5000.0, "peak_mb": 6000.0, "before_mb": 100.0, "kv_cache_mb": None, "how": ONE_LINE,
        "where": ONE_LINE, "measured_at": "2026-01-01T00:00:00"})
    with HubServer(models=hostile_models) as server:
        use_local_hub(server, monkeypatch)
        at = open_page("app_pages/discover.py", timeout=90)
        widget(at.number_input, "Memory budget (MB)").set_value(300).run()
        widget(at.toggle, "Only models that fit").set_value(True).run()
        widget(at.toggle, "Only models that fit").set_value(False).run()
        widget(at.multiselect, "Models to add").set_value([IMAGE]).run()
        widget(at.button, "Add to the Embeddings comparison").click().run()
        widget(at.selectbox, "Model").set_value(IMAGE).run()
        assert not at.exception, at.exception
        assert any("127" in t for t in sent_markdown())   # the hostile names did reach Markdown calls, escaped
        assert_no_live_markup(at)
        at.switch_page("app_pages/embeddings.py").run()
        assert f"local:{IMAGE}" in at.multiselect[0].value
        over = [c.value for c in at.caption if "Over the memory budget" in c.value]
        assert over and "127" in over[0], [c.value for c in at.caption]   # the hostile model, marked
    assert_no_live_markup(at)


def test_hostile_names_from_the_store_on_the_arena_leaderboard_ab_tests_and_monitor_are_text(fake_backend):
    """What the store holds came from visitors and clients: votes' models and prompts, A/B experiment and
    variant names, and logged calls (model, backend, task, source). Leaderboard, A/B tab and Monitor (both
    kinds of traffic) draw them as text."""
    from hfcompare import monitoring
    from hfcompare.decide import ab
    from hfcompare.storage.store import shared_store
    from tests.app.pages import open_app as open_page

    store = shared_store()
    hostile_a, hostile_b = f"fake:{IMAGE}", f"fake:{ONE_LINE}"
    for i in range(12):
        store.add_vote("generation", ONE_LINE, hostile_a, hostile_b if i % 3 else "fake:fake-a", "a" if i % 2 else "b")
    ab.plan(ONE_LINE, 10, store=store)
    for i in range(30):
        store.log_outcome(ONE_LINE, f"{ONE_LINE}-{i}", "AB"[i % 2], float(i % 3 == 0), ts=1_700_000_000.0 + i)
    store.log_calls([{"ts": 1000.0 + i, "backend": "fake", "model": IMAGE, "task": ONE_LINE, "latency_s": 0.1,
                      "items": 3, "ok": i % 2 == 0, "tags": {"purpose": ONE_LINE}} for i in range(6)])
    for i in range(4):
        monitoring.track(model=ONE_LINE[:100], latency_s=0.1, ok=True, satisfaction=1.0, variant="ab"[i % 2],
                         source=IMAGE)
    monitoring.flush()
    arena = open_page("app_pages/arena.py")
    assert any(IMAGE in d.value.to_string() for d in arena.dataframe)   # the leaderboard names them, in a table
    assert_no_live_markup(arena)
    monitor = open_page("app_pages/monitor.py")
    assert_no_live_markup(monitor)
    monitor.segmented_control(key="mon_traffic").set_value("production").run()
    assert_no_live_markup(monitor)
