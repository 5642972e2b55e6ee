"""Scorecard in the browser: changing a weight changes the ranking; the report downloads."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import rerun, screenshot

pytestmark = [pytest.mark.e2e]

SMALL, LARGE = "sentence-transformers/all-MiniLM-L6-v2", "intfloat/e5-large-v2"
SHORT = {SMALL: "all-MiniLM-L6-v2", LARGE: "e5-large-v2"}   # as the recommendation names them


def winner(page) -> str:
    paragraph = page.get_by_text(re.compile(r"\S+ ranks first with a score")).first.inner_text()
    return re.search(r"(\S+) ranks first with a score", paragraph).group(1)


def set_weight(page, label: str, value: int) -> None:
    box = page.get_by_role("spinbutton", name=label)
    with rerun(page):
        box.fill(str(value))
        box.press("Enter")


def test_changing_a_weight_changes_the_winner(app_url, page, tmp_path):
    page.goto(f"{app_url}/scorecard")
    page.get_by_role("heading", name="Scorecard").wait_for()
    picker = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Candidates")
    picker.get_by_role("button", name=re.compile("Clear all", re.I)).first.click()
    for model in (SMALL, LARGE):
        box = picker.locator("input")
        box.click()
        box.fill(model)
        page.get_by_role("option", name=model, exact=True).click()
        page.keyboard.press("Escape")
    set_weight(page, "Performance", 100)
    set_weight(page, "Size", 0)
    page.wait_for_function(f"() => document.body.innerText.includes(' {SHORT[LARGE]} ranks first with a score')")
    assert winner(page) == SHORT[LARGE]
    set_weight(page, "Performance", 0)
    set_weight(page, "Size", 100)
    page.wait_for_function(f"() => document.body.innerText.includes(' {SHORT[SMALL]} ranks first with a score')")
    assert winner(page) == SHORT[SMALL]
    screenshot(page, "scorecard")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download report (HTML)").click()
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    text = saved.read_text()
    assert SMALL in text and "CPU cores" in text
    assert page.locator('[data-testid="stException"]').count() == 0
