"""Fits my machine in AppTest: Discover's memory columns and filter, and the model pickers' marks."""

from __future__ import annotations

import pytest

from hfcompare.backends.local import memory
from hfcompare.backends import hub
from tests.app.pages import open_app, shown, widget

DISCOVER, EMBEDDINGS = "app_pages/discover.py", "app_pages/embeddings.py"
MINILM, MPNET = "local:sentence-transformers/all-MiniLM-L6-v2", "local:sentence-transformers/all-mpnet-base-v2"


@pytest.fixture
def offline(monkeypatch):
    from tests.servers import free_port

    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "_last_probes", {})


@pytest.fixture
def budget(monkeypatch):
    def set_budget(mb: int) -> None:
        monkeypatch.setenv("HFCOMPARE_MEMORY_BUDGET_MB", str(mb))
    return set_budget


def rows(at):
    return at.dataframe[0].value.set_index("id")


def captions(at) -> str:
    return "\n".join(shown(c.value) for c in at.caption)


def test_discover_marks_models_over_the_budget_and_hides_them_only_when_asked(offline, budget):
    budget(500)
    at = open_app(DISCOVER, timeout=60)
    assert widget(at.number_input, "Memory budget (MB)").value == 500
    table = rows(at)
    assert table.loc["BAAI/bge-large-en-v1.5", "fit"] == "⚠ 1,278 MB estimated > budget 500 MB"
    assert table.loc["BAAI/bge-large-en-v1.5", "memory_from"] == "estimated"
    assert table.loc["BAAI/bge-small-en-v1.5", "fit"] == "fits"
    assert table.loc["thenlper/gte-large", "fit"] == "unknown, not filtered"   # no parameter count
    assert table.loc["thenlper/gte-large", "memory_from"] == "unknown"
    everything = len(table)
    assert "are marked ⚠; turn on **Only models that fit** to hide them" in captions(at)

    widget(at.toggle, "Only models that fit").set_value(True).run()
    table = rows(at)
    assert "BAAI/bge-large-en-v1.5" not in table.index and "thenlper/gte-large" in table.index
    assert len(table) < everything
    assert "Hidden as over the budget of 500 MB" in captions(at) and "BAAI/bge-large-en-v1.5" in captions(at)

    widget(at.number_input, "Memory budget (MB)").set_value(5000).run()
    assert len(rows(at)) == everything


def test_a_model_measured_here_shows_its_measured_figure(offline, budget):
    key = memory._key(MINILM, "embeddings")
    memory._write(key, {"load_mb": 150.0, "peak_mb": 160.0, "before_mb": 300.0, "kv_cache_mb": None,
                        "how": "test", "where": "here", "measured_at": "2026-12-07T00:00:00"})
    budget(100)
    at = open_app(DISCOVER, timeout=60)
    table = rows(at)
    assert table.loc["sentence-transformers/all-MiniLM-L6-v2", "memory_from"] == "measured"
    assert table.loc["sentence-transformers/all-MiniLM-L6-v2", "fit"] == "⚠ 150 MB measured > budget 100 MB"


def test_picker_marks_over_budget_models_and_keeps_the_chosen_ones(offline, budget):
    budget(100)
    at = open_app(EMBEDDINGS, timeout=90)
    picker = widget(at.multiselect, "Models")
    over = [o for o in picker.options if "⚠" in o]
    assert over == ["all-mpnet-base-v2 · sentence-transformers (fp32, higher quality) · "
                    "⚠ 416 MB estimated > budget 100 MB"]
    assert MPNET in picker.value and MINILM in picker.value       # chosen: marked, never dropped
    assert "Memory budget: 100 MB" in picker.help
    assert f"Over the memory budget: **{MPNET}** ⚠ 416 MB estimated > budget 100 MB" in captions(at)


def test_only_models_that_fit_drops_unchosen_over_budget_options_from_pickers(offline, budget):
    budget(100)
    at = open_app(EMBEDDINGS, timeout=90)
    widget(at.multiselect, "Models").set_value([MINILM, "lexical:tfidf"]).run()
    at.switch_page(DISCOVER).run()
    widget(at.toggle, "Only models that fit").set_value(True).run()
    at.switch_page(EMBEDDINGS).run()
    assert not at.exception
    picker = widget(at.multiselect, "Models")
    assert not any("all-mpnet-base-v2" in o for o in picker.options)
    assert picker.value == [MINILM, "lexical:tfidf"]
