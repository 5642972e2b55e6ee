"""Per-model query and document prompts on the embeddings page (AppTest, fake backend): the fields
start from each model's own prompts, an edit reaches the backend and the results, a share link
carries it, and compare mode says it uses none."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from hfcompare.retrieval.labeled import format_test_suite
from hfcompare.samples import load_retrieval_sample
from tests.app.pages import current_key, shown
from ui.prompt_editor import prompt_key

APP = str(Path(__file__).resolve().parents[2] / "app.py")
E5, PLAIN = "fake:intfloat/e5-base-v2", "fake:fake-a"
QUERY = "How do I create an invoice?"


def _open(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def _evaluation(at: AppTest, models: list[str]) -> AppTest:
    at.segmented_control[0].set_value("evaluate").run()
    at.multiselect[0].set_value(models).run()
    return at


def _field(at: AppTest, ref: str, role: str):
    return at.text_input(key=current_key(at, prompt_key(ref, role)))


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _sent(backend) -> set[str]:
    return {text for call in backend.calls for text in call}


def _link_state(at: AppTest) -> dict:
    """The state the page's share link holds (long states live in the store under ?c=)."""
    from hfcompare.storage.sharing import from_query
    from hfcompare.storage.store import Store

    from tests.link_pages import fields

    state, warnings = from_query("embeddings", {k: at.query_params[k] for k in at.query_params}, fields("embeddings"),
                                 Store())
    assert not warnings
    return state


def test_fields_start_from_each_models_prompts_and_an_edit_reaches_the_backend_and_results(fake_backend):
    at = _evaluation(_open(), [E5, PLAIN])
    assert (_field(at, E5, "query").value, _field(at, E5, "document").value) == ("query: ", "passage: ")
    assert (_field(at, PLAIN, "query").value, _field(at, PLAIN, "document").value) == ("", "")
    captions = [c.value for c in at.caption]
    assert "catalog" in captions and "none" in captions
    _field(at, E5, "query").set_value("search: ").run()
    _button(at, "Load labeled sample").click().run()
    _button(at, "Run evaluation").click().run()
    assert not at.exception
    sent = _sent(fake_backend)
    assert f"search: {QUERY}" in sent and f"query: {QUERY}" not in sent
    assert "passage: To create an invoice, open Billing, choose New invoice, add line items and press Send." in sent
    metrics = at.dataframe[0].value.set_index("reference")
    assert metrics.loc[E5, "query prompt"] == '"search: "' and metrics.loc[E5, "document prompt"] == '"passage: "'
    assert metrics.loc[E5, "prompts from"] == "query: you; document: catalog"
    assert metrics.loc[PLAIN, "query prompt"] == "none" and metrics.loc[PLAIN, "prompts from"] == "none"
    assert _link_state(at)["prompts"] == {E5: {"query": "search: "}}
    # back to the models' own prompts
    _button(at, "Use each model's own prompts").click().run()
    assert _field(at, E5, "query").value == "query: " and "prompts" not in _link_state(at)


def test_a_share_link_brings_the_prompts_back_and_reruns_with_them(fake_backend):
    suite, distractors = format_test_suite(load_retrieval_sample())
    prompts = json.dumps({E5: {"document": ""}, PLAIN: {"query": "find: "}})
    at = _open({"mode": "evaluate", "models": f"{E5},{PLAIN}", "suite": suite, "distractors": distractors,
                "prompts": prompts, "run": "1"})
    assert not at.warning
    assert (_field(at, E5, "query").value, _field(at, E5, "document").value) == ("query: ", "")
    assert _field(at, PLAIN, "query").value == "find: "
    sent = _sent(fake_backend)
    assert f"query: {QUERY}" in sent and f"find: {QUERY}" in sent
    assert not any(text.startswith("passage: ") for text in sent)
    metrics = at.dataframe[0].value.set_index("reference")
    assert metrics.loc[PLAIN, "query prompt"] == '"find: "' and metrics.loc[E5, "document prompt"] == "none"
    assert _link_state(at)["prompts"] == json.loads(prompts)  # the page writes the same state back


def test_a_link_with_a_malformed_prompt_warns_and_uses_the_models_own(fake_backend):
    at = _open({"mode": "evaluate", "models": E5, "prompts": json.dumps({E5: {"query": "x" * 400}})})
    assert any("'prompts'" in shown(w.value) and "at most 300" in shown(w.value) for w in at.warning)
    assert _field(at, E5, "query").value == "query: "


def test_compare_mode_says_no_prompt_is_used(fake_backend):
    at = _open()
    at.multiselect[0].set_value([E5]).run()
    at.text_area[0].set_value("How do I create an invoice?\nInvoice templates").run()
    next(b for b in at.button if b.label == "Run comparison").click().run()
    assert any(c.value.startswith("Prompts: none.") for c in at.caption)
    assert _sent(fake_backend) == {"How do I create an invoice?", "Invoice templates"}
