"""The embeddings page's labeled-pairs mode in AppTest, on the deterministic fake backend."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import open_app, open_link, shown, table_with, widget

MODELS = ["fake:fake-a", "fake:fake-b", "fake:fake-broken"]


@pytest.fixture
def app(fake_backend) -> AppTest:
    at = open_app()
    at.segmented_control[0].set_value("pairs").run()
    assert not at.exception
    return at


def button(at: AppTest, label: str):
    return widget(at.button, label)


def editor_table(at: AppTest):
    return table_with(at, "text1", "text2", "label")


def test_empty_state_then_the_sample_loads(app):
    assert any("Load pairs sample" in i.value for i in app.info)
    assert button(app, "Run on pairs").disabled
    button(app, "Load pairs sample").click().run()
    assert not app.exception
    table = editor_table(app)
    assert len(table) == 44 and set(table["label"]) == {"similar", "not similar"}
    assert any("44 labeled pairs (similar or not)" in c.value for c in app.caption)
    assert not button(app, "Run on pairs").disabled


def test_run_shows_figures_for_two_models_and_the_broken_ones_error(app):
    app.multiselect[0].set_value(MODELS).run()
    button(app, "Load pairs sample").click().run()
    button(app, "Run on pairs").click().run()
    assert not app.exception
    assert len(app.error) == 1 and "fake:fake-broken" in shown(app.error[0].value)
    assert "always fails" in shown(app.error[0].value)
    headers = [s.value for s in app.main.subheader]
    for expected in ["How well each model follows your labels", "Is the difference real?",
                     "The pairs each model gets most wrong"]:
        assert expected in headers
    figures = table_with(app, "model", "ROC AUC")
    assert list(figures["reference"]) == ["fake:fake-a", "fake:fake-b"]
    assert {"ROC AUC", "ROC AUC low", "ROC AUC high", "gap", "Spearman", "Pearson"} <= set(figures.columns)
    assert ((figures["ROC AUC low"] <= figures["ROC AUC"]) & (figures["ROC AUC"] <= figures["ROC AUC high"])).all()
    assert figures[["ROC AUC", "Spearman", "Pearson", "gap"]].notna().all().all()
    compared = table_with(app, "model A", "model B", "verdict")
    assert len(compared) == 1
    row = compared.iloc[0]
    assert row["verdict"].endswith("after Holm correction)") == (row["Holm p"] < 0.05)
    worst = table_with(app, "model", "off by")
    assert set(worst["model"]) == set(figures["model"]) and len(worst) == 10
    assert set(worst["label"]) <= {"similar", "not similar"}


def test_the_figures_are_the_librarys(app, fake_backend):
    from hfcompare.retrieval.pairs import evaluate_pairs, load_sample
    from hfcompare.refs import ModelRef

    app.multiselect[0].set_value(["fake:fake-a"]).run()
    button(app, "Load pairs sample").click().run()
    button(app, "Run on pairs").click().run()
    shown_auc = table_with(app, "model", "ROC AUC")["ROC AUC"].iloc[0]
    expected = evaluate_pairs(load_sample(), [ModelRef.parse("fake:fake-a")])[0].scores["roc_auc"]
    assert shown_auc == pytest.approx(expected)


def test_a_bad_label_gives_a_clear_error_not_a_traceback(fake_backend):
    rows = [["How do I pay?", "Where is the pay button?", "1"], ["Refund", "Password reset", "maybe"]]
    at = open_link({"mode": "pairs", "pairs": __import__("json").dumps(rows)})
    assert not at.exception
    assert any("row 2" in e.value and "maybe" in e.value for e in at.error), [e.value for e in at.error]
    assert button(at, "Run on pairs").disabled


def test_graded_scores_rank_on_spearman(fake_backend):
    import json

    rows = [["pay an invoice", "pay the invoice", "5"], ["pay an invoice", "reset password", "0"],
            ["export invoices", "download invoices", "4"], ["vat rate", "tax rate", "3"]]
    at = open_link({"mode": "pairs", "models": "fake:fake-a,fake:fake-b", "pairs": json.dumps(rows), "run": "1"})
    assert not at.exception
    figures = table_with(at, "model", "Spearman")
    assert "Spearman low" in figures.columns and "ROC AUC" not in figures.columns
    assert set(table_with(at, "model", "off by")["label"]) <= {"0", "3", "4", "5"}
    assert any("Only 4 pairs" in c.value for c in at.caption)


def test_a_pair_picked_from_the_compare_texts_is_added(app):
    app.segmented_control[0].set_value("compare").run()
    app.text_area[0].set_value("Send an invoice\nEmail the bill to a client\nReset my password").run()
    app.segmented_control[0].set_value("pairs").run()
    widget(app.selectbox, "Second text").set_value(1)
    widget(app.selectbox, "Label").set_value("similar")
    button(app, "Add this pair").click().run()
    widget(app.selectbox, "Second text").set_value(2)
    widget(app.selectbox, "Label").set_value("not similar")
    button(app, "Add this pair").click().run()
    assert not app.exception
    table = editor_table(app)
    assert table.values.tolist() == [["Send an invoice", "Email the bill to a client", "similar"],
                                     ["Send an invoice", "Reset my password", "not similar"]]
    assert not button(app, "Run on pairs").disabled


def test_the_link_holds_the_pairs_and_reruns_them(fake_backend):
    import json

    from app_pages.embeddings import LINK_FIELDS
    from hfcompare.storage.sharing import from_query
    from hfcompare.storage.store import Store

    rows = [["How do I pay?", "Where do I pay an invoice?", "similar"], ["How do I pay?", "Reset a password", "0"],
            ["Send a bill", "Email an invoice", "1"]]
    at = open_link({"mode": "pairs", "models": "fake:fake-a,fake:fake-b", "pairs": json.dumps(rows), "run": "1"})
    assert not at.exception
    assert editor_table(at).values.tolist() == rows
    assert "How well each model follows your labels" in [s.value for s in at.main.subheader]
    store = Store()
    try:
        state, warnings = from_query("embeddings", {k: at.query_params[k] for k in at.query_params}, LINK_FIELDS,
                                     store)
    finally:
        store.close()
    assert warnings == []
    assert state["mode"] == "pairs" and state["pairs"] == rows and state["run"] is True


def test_a_malformed_link_pairs_field_warns(fake_backend):
    at = open_link({"mode": "pairs", "pairs": '[["only two", "cells"]]'})
    assert not at.exception
    assert any("pairs" in w.value and "text1, text2, label" in w.value for w in at.warning)


class Upload:
    def __init__(self, name: str, raw: bytes, size: int | None = None):
        self.name, self._raw, self.size, self.read = name, raw, len(raw) if size is None else size, False

    def getvalue(self) -> bytes:
        self.read = True
        return self._raw


def test_uploads_parse_and_oversize_ones_are_refused_unread(monkeypatch):
    from hfcompare.retrieval.pairs import PairsError
    from ui.pairs_mode import pairs_from_upload

    sts = Upload("sts.tsv", b"sentence1\tsentence2\tscore\na\tb\t4.5\nc\td\t0.5\n")
    assert pairs_from_upload(sts).labels == (4.5, 0.5)
    monkeypatch.setenv("HFCOMPARE_MAX_UPLOAD_MB", "1")
    huge = Upload("huge.csv", b"", size=5_000_000)
    with pytest.raises(PairsError, match="the limit is"):
        pairs_from_upload(huge)
    assert not huge.read


def test_most_wrong_lists_only_pairs_out_of_place_for_similar_or_not_labels():
    import numpy as np

    from hfcompare.retrieval.pairs import PairsEvaluation, make_pairs
    from ui.pairs_mode import out_of_place

    pairs = make_pairs([("a", "b", 1), ("c", "d", 1), ("e", "f", 0), ("g", "h", 0)])
    separated = PairsEvaluation("m", np.array([0.9, 0.6, 0.5, 0.1]))
    assert out_of_place(separated, pairs) == []
    crossed = PairsEvaluation("m", np.array([0.9, 0.3, 0.5, 0.1]))   # c-d (similar) below e-f (not similar)
    assert {(w["text1"], w["label"]) for w in out_of_place(crossed, pairs)} == {("c", 1.0), ("e", 0.0)}


def test_the_html_report_holds_the_figures_and_keeps_pair_texts_as_text(fake_backend):
    from hfcompare.retrieval.pairs import comparisons, evaluate_pairs, make_pairs
    from hfcompare.refs import ModelRef, display_names
    from ui.pairs_mode import PairsRun, metrics_table, pairs_report

    pairs = make_pairs([("<script>alert(1)</script> pay", "settle the bill", 1), ("pay", "reset password", 0),
                        ("refund", "money back", 1), ("refund", "change logo", 0)])
    evaluations = evaluate_pairs(pairs, [ModelRef("fake", "fake-a"), ModelRef("fake", "fake-b")])
    run = PairsRun(pairs, evaluations, comparisons(evaluations, pairs))
    names = display_names([e.ref for e in evaluations])
    table = metrics_table(run, names)
    page = pairs_report(run, names, table, table.iloc[0:0], "ROC AUC")
    assert page.startswith("<!DOCTYPE html>") and "4 labeled pairs" in page and "Is the difference real?" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; pay" in page and "<script>alert" not in page
