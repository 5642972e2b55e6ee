"""The Discover page in AppTest: offline on the bundled catalog, and live against a local Hub."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from hfcompare.backends import hub
from tests.app.pages import open_app, shown, widget
from tests.integration.hub_server import HubServer, use_local_hub
from tests.servers import free_port

DISCOVER = "app_pages/discover.py"


@pytest.fixture
def offline(monkeypatch):
    """A Hub address nothing listens on: what an offline machine sees."""
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "_last_probes", {})


def open_discover() -> AppTest:
    return open_app(DISCOVER, timeout=60)


def table(at: AppTest):
    return at.dataframe[0].value


def test_offline_shows_the_snapshot_with_its_date_and_every_catalog_model(offline):
    at = open_discover()
    assert any("bundled catalog snapshot" in i.value and "2026-" in i.value for i in at.info)
    shown = table(at)
    assert "BAAI/bge-small-en-v1.5" in set(shown["id"])
    assert shown["downloads"].isna().all()  # unknown offline, never zero
    assert widget(at.button, "Add to the Embeddings comparison").disabled


def test_filters_narrow_the_table(offline):
    at = open_discover()
    everything = len(table(at))
    widget(at.multiselect, "License").set_value(["mit"]).run()
    assert set(table(at)["license"]) == {"mit"} and len(table(at)) < everything
    widget(at.multiselect, "License").set_value([]).run()
    widget(at.multiselect, "Languages").set_value(["de"]).run()
    assert all("de" in langs for langs in table(at)["languages"])
    widget(at.multiselect, "Languages").set_value([]).run()
    widget(at.select_slider, "Size (parameters)").set_value((10, 100)).run()
    assert (table(at)["parameters"] <= 100e6).all()
    widget(at.select_slider, "Size (parameters)").set_value((10, 1_000_000)).run()
    at.text_input[0].set_value("bge").run()
    assert all("bge" in model.lower() for model in table(at)["id"])
    at.text_input[0].set_value("no-such-model-anywhere").run()
    assert any("No model matches" in i.value for i in at.info)


def test_generation_task_shows_context_and_leaderboard_columns(offline):
    at = open_discover()
    at.segmented_control[0].set_value("generation").run()
    columns = set(table(at).columns)
    assert {"context_length", "leaderboard_average"} <= columns and "dimensions" not in columns
    assert "google/flan-t5-base" in set(table(at)["id"])


def test_detail_view_lists_sources_and_unknowns(offline):
    at = open_discover()
    widget(at.selectbox, "Model").set_value("sentence-transformers/all-MiniLM-L6-v2").run()
    sources = at.dataframe[1].value
    assert "MTEB avg" in set(sources["figure"])
    assert all(url.startswith("https://") for url in sources["source"])
    assert any("Live Hub metadata" in c.value for c in at.caption)


def test_add_to_comparison_carries_models_to_both_pages(offline):
    at = open_discover()
    widget(at.multiselect, "Models to add").set_value(["BAAI/bge-small-en-v1.5"]).run()
    assert widget(at.selectbox, "Run with").value == "local"
    widget(at.button, "Add to the Embeddings comparison").click().run()
    assert any("local:BAAI/bge-small-en-v1.5" in shown(s.value) for s in at.success)
    at.segmented_control[0].set_value("generation").run()
    widget(at.multiselect, "Models to add").set_value(["mistralai/Mistral-7B-Instruct-v0.2"]).run()
    assert widget(at.selectbox, "Run with").value == "hf"  # 7B is no job for this CPU
    widget(at.button, "Add to the Generation comparison").click().run()

    at.switch_page("app_pages/embeddings.py").run()
    chosen = at.multiselect[0].value
    assert "local:BAAI/bge-small-en-v1.5" in chosen and "local:sentence-transformers/all-MiniLM-L6-v2" in chosen
    at.switch_page("app_pages/generation.py").run()
    assert "hf:mistralai/Mistral-7B-Instruct-v0.2" in at.multiselect[0].value
    at.switch_page(DISCOVER).run()
    at.switch_page("app_pages/embeddings.py").run()
    assert "local:BAAI/bge-small-en-v1.5" in at.multiselect[0].value  # kept across visits


def test_live_hub_adds_counts_badges_search_results_and_the_card(monkeypatch):
    with HubServer() as server:
        use_local_hub(server, monkeypatch)
        at = open_discover()
        assert any("Live" in c.value for c in at.caption)
        shown = table(at).set_index("id")
        assert shown.loc["example-org/tiny-embedder", "downloads"] == 1_234_567
        assert shown.loc["example-org/tiny-embedder", "badges"] == "community approved, widely used"
        assert not shown.loc["example-org/tiny-embedder", "in_catalog"]
        widget(at.selectbox, "Model").set_value("example-org/tiny-embedder").run()
        assert any("Limitations and bias" in e.label for e in at.expander)
        assert "English" in " ".join(m.value for m in at.markdown)
        assert not any("chart.png" in m.value for m in at.markdown)


def test_each_row_says_where_it_runs_here_now_and_a_filter_keeps_what_runs(offline, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))   # nothing downloaded
    at = open_discover()
    rows = table(at).set_index("id")
    assert rows.loc["sentence-transformers/all-MiniLM-L6-v2", "runs_here"] == "bundled (offline)"
    assert rows.loc["BAAI/bge-small-en-v1.5", "runs_here"] == "here once downloaded (needs the Hub): not now"
    widget(at.toggle, "Runs here now").set_value(True).run()
    assert set(table(at)["id"]) == {"sentence-transformers/all-MiniLM-L6-v2", "sentence-transformers/all-mpnet-base-v2"}


def test_adding_a_model_that_cannot_run_here_warns_at_once_with_what_would_make_it_run(offline, monkeypatch,
                                                                                      tmp_path):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    at = open_discover()
    widget(at.multiselect, "Models to add").set_value(["sentence-transformers/all-MiniLM-L6-v2",
                                                       "BAAI/bge-small-en-v1.5"]).run()
    widget(at.button, "Add to the Embeddings comparison").click().run()
    warnings = [shown(w.value) for w in at.warning]
    assert len(warnings) == 1 and warnings[0].startswith("**local:BAAI/bge-small-en-v1.5** can't run here now.")
    assert "connect to the internet" in warnings[0] and "Endpoints" in warnings[0]
