"""Discover in the browser: filter the catalog, tick a model in the table, carry it to Embeddings."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot, start_streamlit, stop
from tests.servers import free_port

pytestmark = [pytest.mark.e2e]

ROW_PX = 35  # Streamlit's data grid: header and rows are 35 px tall


def shown_count(page) -> int:
    text = page.get_by_text(re.compile(r"^\d+ of \d+ models")).first.inner_text()
    return int(text.split()[0])


def choose(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text=label).locator("input")
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def test_filter_tick_and_add_to_the_embeddings_comparison(tmp_path, page):
    offline = {"HF_ENDPOINT": f"http://127.0.0.1:{free_port()}"}  # nothing listens there
    process, url = start_streamlit(tmp_path / "home", tmp_path / "streamlit.log", offline)
    try:
        page.goto(f"{url}/discover")
        page.get_by_role("heading", name="Discover models").wait_for()
        page.get_by_text("bundled catalog snapshot").wait_for()
        everything = shown_count(page)

        choose(page, "License", "mit")
        page.wait_for_function(f"() => !document.body.innerText.includes('{everything} of {everything} models')")
        narrowed = shown_count(page)
        assert 0 < narrowed < everything

        search = page.get_by_role("textbox", name="Search")
        search.fill("bge-small")
        search.press("Enter")
        page.get_by_text(re.compile(r"^1 of \d+ models")).wait_for()

        grid = page.locator('[data-testid="stDataFrame"]').first
        box = grid.bounding_box()
        # pixel coordinates, on purpose: the tick boxes are drawn on the grid's canvas and have no element;
        # the grid's accessible table has the row's cells, but Shift+Space on one ticked the row in only 3 runs of 7
        page.mouse.click(box["x"] + 14, box["y"] + ROW_PX + ROW_PX / 2)   # the first row's tick box
        picks = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Models to add")
        picks.get_by_text("BAAI/bge-small-en-v1.5").wait_for()
        page.get_by_role("button", name="Add to the Embeddings comparison").click()
        page.get_by_text("Added local:BAAI/bge-small-en-v1.5").wait_for()
        screenshot(page, "discover_added")

        page.get_by_role("link", name="Open the Embeddings page").click()
        page.get_by_role("heading", name="Compare embedding models").wait_for()
        models = page.locator('[data-testid="stMultiSelect"]').first
        models.get_by_text("local:BAAI/bge-small-en-v1.5").wait_for()
        assert "all-MiniLM-L6-v2" in models.inner_text()  # the bundled defaults stay chosen
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        stop(process)
