"""The embeddings page's evaluation mode in AppTest, on the deterministic fake backend."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import open_app, shown


@pytest.fixture
def app(fake_backend) -> AppTest:
    at = open_app()
    at.segmented_control[0].set_value("evaluate").run()
    assert not at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_empty_state_then_sample_run_with_a_failing_model(app):
    assert any("Load labeled sample" in i.value for i in app.info)
    assert button(app, "Run evaluation").disabled
    app.multiselect[0].set_value(["fake:fake-a", "fake:fake-b", "fake:fake-broken"])
    button(app, "Load labeled sample").click().run()
    assert "How do I create an invoice?" in app.text_area[0].value
    button(app, "Run evaluation").click().run()
    assert not app.exception
    assert len(app.error) == 1 and "fake:fake-broken" in shown(app.error[0].value)
    headers = [s.value for s in app.main.subheader]
    for expected in ["Retrieval metrics", "Is the difference real?", "Query by query",
                     "Queries against the texts they should find", "Embedding space"]:
        assert expected in headers
    metrics = app.dataframe[0].value
    assert list(metrics["reference"]) == ["fake:fake-a", "fake:fake-b"]
    assert ((metrics["ndcg@10 low"] <= metrics["ndcg@10"]) & (metrics["ndcg@10"] <= metrics["ndcg@10 high"])).all()
    assert len(app.dataframe[1].value) == 1            # one pair of models that ran
    per_query = app.dataframe[2].value
    assert len(per_query) == 20 and list(per_query["spread"]) == sorted(per_query["spread"], reverse=True)
    next(t for t in app.toggle if t.label == "Only queries where the models disagree").set_value(True).run()
    assert (app.dataframe[2].value["spread"] > 0).all()


def test_pairwise_differences_are_holm_corrected_with_the_adjusted_p_shown(app):
    from hfcompare.retrieval.significance import holm

    app.multiselect[0].set_value(["fake:fake-a", "fake:fake-b", "lexical:tfidf"])
    button(app, "Load labeled sample").click().run()
    button(app, "Run evaluation").click().run()
    assert not app.exception
    pairs = app.dataframe[1].value
    assert len(pairs) == 3 and "Holm p" in pairs.columns
    assert list(pairs["Holm p"]) == pytest.approx(holm(list(pairs["p-value"])))
    for _, row in pairs.iterrows():
        called = row["verdict"].endswith("is better (p < 0.05 after Holm correction)")
        assert called == (row["Holm p"] < 0.05)
    assert any("Holm" in c.value for c in app.caption)


def test_projection_controls_switch_model_and_colouring(app):
    app.multiselect[0].set_value(["fake:fake-a", "lexical:tfidf"])
    button(app, "Load labeled sample").click().run()
    button(app, "Run evaluation").click().run()
    model = next(s for s in app.selectbox if s.label == "Model")
    model.set_value(model.options[1]).run()
    next(s for s in app.selectbox if s.label == "Colour by").set_value("cluster").run()
    assert not app.exception
    assert any("Select points" in c.value for c in app.caption)


def test_malformed_test_suite_names_the_line(app):
    app.text_area[0].set_value("- a text before any query\nA query").run()
    assert any("line 1" in e.value and "before any query" in e.value for e in app.error)
    assert button(app, "Run evaluation").disabled


def test_results_and_inputs_survive_a_visit_to_another_page(app):
    app.multiselect[0].set_value(["fake:fake-a"])
    button(app, "Load labeled sample").click().run()
    button(app, "Run evaluation").click().run()
    app.switch_page("app_pages/generation.py").run()
    app.switch_page("app_pages/embeddings.py").run()
    assert app.segmented_control[0].value == "evaluate"
    assert "How do I create an invoice?" in app.text_area[0].value
    assert "Retrieval metrics" in [s.value for s in app.main.subheader]


class Upload:
    def __init__(self, name: str, text: str):
        self.name, self._raw = name, text.encode()

    def getvalue(self) -> bytes:
        return self._raw


def test_uploads_are_recognised_by_name_and_kind():
    from hfcompare.retrieval.labeled import DatasetError
    from ui.retrieval_mode import dataset_from_uploads

    beir = [Upload("my_corpus.jsonl", '{"_id": "d1", "text": "x"}\n{"_id": "d2", "text": "y"}'),
            Upload("queries.jsonl", '{"_id": "q1", "text": "find x"}'),
            Upload("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n")]
    assert len(dataset_from_uploads(beir).corpus) == 2
    assert len(dataset_from_uploads([Upload("pairs.csv", "query,document\nq,a\n")]).corpus) == 1
    with pytest.raises(DatasetError, match="missing: qrels"):
        dataset_from_uploads(beir[:2])
    with pytest.raises(DatasetError, match="one .csv or .jsonl"):
        dataset_from_uploads([Upload("a.csv", ""), Upload("b.csv", "")])


class RawUpload:
    """An upload of raw bytes; `size` as Streamlit reports it; reading it is recorded."""

    def __init__(self, name: str, raw: bytes, size: int | None = None):
        self.name, self._raw, self.size, self.read = name, raw, len(raw) if size is None else size, False

    def getvalue(self) -> bytes:
        self.read = True
        return self._raw


def test_crafted_uploads_give_a_message_and_oversize_ones_are_refused_unread():
    from hfcompare.retrieval.labeled import MAX_FILE_BYTES, DatasetError
    from ui.retrieval_mode import dataset_from_uploads

    crafted = [(RawUpload("big.csv", b"query,document\nq," + b"x" * 140_000 + b"\n"), "big.csv, line 2"),
               (RawUpload("deep.jsonl", b"[" * 5_000), "deep.jsonl, line 1: JSON nested too deeply"),
               (RawUpload("nul.csv", "query,document\nq,d\n".encode("utf-16-le")), "nul.csv, line 1: contains a NUL")]
    for upload, message in crafted:
        with pytest.raises(DatasetError, match=message):
            dataset_from_uploads([upload])
    huge = RawUpload("huge.csv", b"", size=MAX_FILE_BYTES + 1)
    with pytest.raises(DatasetError, match="the limit is"):
        dataset_from_uploads([huge])
    assert not huge.read


def _graded_results_page():
    """The results of a graded BEIR-style set, as the page shows them (an upload cannot be made in AppTest)."""
    import json

    from hfcompare.refs import ModelRef
    from hfcompare.retrieval.evaluation import evaluate
    from hfcompare.retrieval.labeled import parse_beir
    from ui.retrieval_mode import render_results

    corpus = "\n".join(json.dumps({"_id": f"d{i}", "text": t}) for i, t in enumerate(
        ["refund an invoice", "invoice refund policy", "reset a password", "export invoices", "vat rates"]))
    queries = "\n".join(json.dumps({"_id": f"q{i}", "text": t}) for i, t in enumerate(["how do refunds work",
                                                                                        "which vat rate"]))
    qrels = "query-id\tcorpus-id\tscore\nq0\td0\t2\nq0\td1\t1\nq1\td4\t2\nq1\td0\t1\n"
    dataset = parse_beir(corpus, queries, qrels)
    render_results(dataset, evaluate(dataset, [ModelRef("fake", "fake-a"), ModelRef("fake", "fake-b")]))


def test_results_say_when_relevance_is_graded(fake_backend):
    at = AppTest.from_function(_graded_results_page, default_timeout=120).run()
    assert not at.exception
    captions = [shown(c.value) for c in at.caption]
    assert any(c.startswith("Graded relevance (0–2): nDCG uses the grades") and
               "the other metrics count any grade above 0 as relevant" in c for c in captions), captions


def test_binary_sample_says_nothing_about_grades(app):
    app.multiselect[0].set_value(["fake:fake-a"])
    button(app, "Load labeled sample").click().run()
    button(app, "Run evaluation").click().run()
    assert not app.exception
    assert not any("raded relevance" in c.value for c in app.caption)
