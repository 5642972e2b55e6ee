"""The embeddings page in AppTest, on the deterministic fake backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from hfcompare.config import MAX_TEXTS
from tests.app.pages import shown

APP = str(Path(__file__).resolve().parents[2] / "app.py")
FAKES = ["fake:fake-a", "fake:fake-b"]


@pytest.fixture
def app(fake_backend) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.get("metric") if m.label == label)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_first_view_shows_bundled_models_and_an_empty_state(app):
    chosen = app.multiselect[0].value
    assert "local:sentence-transformers/all-MiniLM-L6-v2" in chosen and "lexical:tfidf" in chosen
    assert "local:sentence-transformers/all-mpnet-base-v2" in chosen
    assert "onnx:sentence-transformers/all-MiniLM-L6-v2" not in chosen  # offered, but a copy of MiniLM
    assert any("Load sample" in i.value for i in app.info)
    assert {m.label for m in app.sidebar.get("metric")} == {"Entries", "Size", "Hits", "Misses"}


def test_sample_run_shows_heatmaps_tables_and_the_failing_model(app):
    app.multiselect[0].set_value(FAKES + ["fake:fake-broken"])
    button(app, "Load sample").click().run()
    assert "invoice" in app.text_area[0].value
    button(app, "Run comparison").click().run()
    assert not app.exception
    assert len(app.error) == 1 and "fake:fake-broken" in shown(app.error[0].value)
    headers = [s.value for s in app.main.subheader]
    assert headers[-4:] == ["Similarity matrices", "Speed and size", "Agreement between models", "Nearest neighbours"]
    timing = app.dataframe[0].value
    assert list(timing["reference"]) == FAKES + ["fake:fake-broken"]
    assert list(timing["model"]) == ["fake-a · fake", "fake-b · fake", "fake-broken · fake"]
    assert list(timing["dimensions"][:2]) == [16, 16]
    assert list(timing["computed"][:2]) == [20, 20]
    assert timing["ms/text range"][0] and timing["passes"][0] == "5 × 20 texts"
    assert "Download speed and size (CSV)" in [b.label for b in app.get("download_button")]


def test_rerun_is_served_from_the_cache(app):
    app.multiselect[0].set_value(FAKES)
    button(app, "Load sample").click().run()
    button(app, "Run comparison").click().run()
    button(app, "Run comparison").click().run()
    timing = app.dataframe[0].value
    assert list(timing["cache hits"]) == [20, 20] and list(timing["computed"]) == [0, 0]
    assert all(s.startswith("an earlier run (") for s in timing["speed from"])
    assert metric(app, "Hits") == "40" and metric(app, "Misses") == "40"


def test_neighbour_picker_changes_the_table(app):
    app.multiselect[0].set_value(FAKES)
    button(app, "Load sample").click().run()
    button(app, "Run comparison").click().run()
    first = app.dataframe[-1].value.copy()
    app.selectbox[0].set_value(5).run()
    assert not app.exception
    assert not first.equals(app.dataframe[-1].value)


@pytest.mark.parametrize(
    "texts, message",
    [
        ("", "at least two texts"),
        ("only one line", "at least two texts"),
        ("\n".join(f"text {i}" for i in range(MAX_TEXTS + 1)), "more than"),
        ("short\n" + "x" * 5000, "longer than"),
    ],
)
def test_bad_texts_get_a_message_not_a_traceback(app, texts, message):
    app.multiselect[0].set_value(FAKES)
    app.text_area[0].set_value(texts)
    button(app, "Run comparison").click().run()
    assert not app.exception
    assert message in app.error[0].value


def test_no_model_and_bad_typed_model_get_messages(app):
    app.text_area[0].set_value("a\nb")
    app.multiselect[0].set_value([])
    button(app, "Run comparison").click().run()
    assert "at least one" in app.error[0].value
    app.multiselect[0].set_value(["fake:fake-a", "two words"])
    button(app, "Run comparison").click().run()
    assert not app.exception and "not a valid model id" in app.error[0].value


def _sidebar_only():
    from ui.sidebar import render_sidebar

    render_sidebar()


def test_clear_cache_button(app):
    app.multiselect[0].set_value(FAKES)
    button(app, "Load sample").click().run()
    button(app, "Run comparison").click().run()
    from hfcompare.storage.cache import GenerationCache

    GenerationCache().set("gen|x", {"text": "cached answer"})
    sidebar = AppTest.from_function(_sidebar_only, default_timeout=30).run()
    assert metric(sidebar, "Entries") != "0"
    assert any("1 generated answer cached" in c.value for c in sidebar.caption)
    button(sidebar, "Clear cache").click().run()
    assert metric(sidebar, "Entries") == "0"
    assert len(GenerationCache()) == 0
    assert any("cleared" in s.value for s in sidebar.success)
