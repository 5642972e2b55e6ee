"""Fits my machine in the browser: a small memory budget on Discover marks and hides what does not fit,
and the Embeddings picker marks the same models."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot, start_streamlit
from tests.servers import free_port, stop

pytestmark = [pytest.mark.e2e]


def test_a_small_budget_marks_hides_and_carries_to_the_picker(tmp_path, page):
    offline = {"HF_ENDPOINT": f"http://127.0.0.1:{free_port()}", "HFCOMPARE_MEMORY_BUDGET_MB": ""}
    process, url = start_streamlit(tmp_path / "home", tmp_path / "streamlit.log", offline)
    try:
        page.goto(f"{url}/discover")
        page.get_by_role("heading", name="Discover models").wait_for()
        budget = page.get_by_role("spinbutton", name="Memory budget (MB)")
        budget.fill("300")
        budget.press("Enter")
        page.get_by_text(re.compile(r"over the budget of 300 MB are marked ⚠")).wait_for()
        screenshot(page, "fit_discover_marked")

        page.locator("[data-testid=\"stCheckbox\"]").filter(has_text="Only models that fit").click()
        page.get_by_text(re.compile(r"^Hidden as over the budget of 300 MB")).wait_for()
        assert "sentence-transformers/all-mpnet-base-v2" in page.get_by_text(
            re.compile(r"^Hidden as over the budget")).inner_text()
        screenshot(page, "fit_discover_hidden")

        page.get_by_role("link", name="Embeddings").click()
        page.get_by_role("heading", name="Compare embedding models").wait_for()
        picker = page.locator('[data-testid="stMultiSelect"]').first
        picker.get_by_text(re.compile(r"all-mpnet-base-v2 .*⚠ 416 MB estimated > budget 300 MB")).wait_for()
        page.get_by_text(re.compile(r"^Over the memory budget: local:sentence-transformers/all-mpnet-base-v2")).wait_for()
        screenshot(page, "fit_picker")
    finally:
        stop(process)
