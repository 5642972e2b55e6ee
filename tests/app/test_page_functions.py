"""Pages are functions: importing a page draws nothing, and a chart that fails leaves a message."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import streamlit as st

from tests.app.pages import open_app, widget

PAGES = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "app_pages").glob("*.py"))


@pytest.mark.parametrize("name", PAGES)
def test_importing_a_page_draws_nothing(name, monkeypatch):
    def drawn(*args, **kwargs):
        raise AssertionError(f"app_pages/{name}.py drew on import")

    for element in ("title", "caption", "columns", "markdown", "info", "tabs", "segmented_control"):
        monkeypatch.setattr(st, element, drawn)
    module = importlib.reload(importlib.import_module(f"app_pages.{name}"))
    assert callable(module.render) and module.render.__doc__


def test_a_chart_that_fails_to_build_leaves_a_message_and_the_rest_of_the_page(fake_backend, monkeypatch):
    from hfcompare.reporting import charts
    from ui import prose

    def broken(*args, **kwargs):
        raise ValueError("a figure that cannot be built")

    monkeypatch.setattr(charts, "similarity_heatmaps", broken)
    at = open_app()
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b"])
    widget(at.button, "Load sample").click().run()
    widget(at.button, "Run comparison").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == [prose.CHART_FAILED]
    assert "Speed and size" in [s.value for s in at.main.subheader]
    assert list(at.dataframe[0].value["reference"]) == ["fake:fake-a", "fake:fake-b"]
