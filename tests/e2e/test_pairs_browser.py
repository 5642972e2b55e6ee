"""Labeled-pairs mode in the browser: the pairs sample on the bundled MiniLM and TF-IDF, and pairs a
person types into the table or picks from the texts of Compare texts."""

from __future__ import annotations

import shutil

import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FIGURES = "How well each model follows your labels"


def keep_only(page, *labels: str) -> None:
    """Leave only the models whose picker labels start with `labels` chosen."""
    from playwright.sync_api import expect

    picker = page.locator('[data-testid="stMultiSelect"]').first
    picker.locator('button[aria-label^="Remove "]').first.wait_for()
    while True:
        chips = picker.locator('button[aria-label^="Remove "]')
        names = [chips.nth(i).get_attribute("aria-label") for i in range(chips.count())]
        extra = [n for n in names if not any(n.removeprefix("Remove ").startswith(label) for label in labels)]
        if not extra:
            break
        picker.locator(f'button[aria-label="{extra[0]}"]').click()
        expect(chips).to_have_count(len(names) - 1)
    chosen = picker.inner_text()
    assert all(label in chosen for label in labels), chosen


def open_pairs_mode(page, app_url: str) -> None:
    page.goto(app_url)
    page.get_by_role("heading", name="Compare embedding models").wait_for()
    page.get_by_text("Labeled pairs", exact=True).first.click()
    page.get_by_role("button", name="Load pairs sample").wait_for()


def no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def keep_screenshot(page, name: str, copy_to: str) -> None:
    """The e2e screenshot (when HFCOMPARE_SCREENSHOTS is set), also copied to `copy_to`."""
    import os
    from pathlib import Path

    screenshot(page, name)
    folder = os.environ.get("HFCOMPARE_SCREENSHOTS")
    if folder and (Path(folder) / f"{name}.png").exists():
        shutil.copy(Path(folder) / f"{name}.png", copy_to)


def test_the_pairs_sample_on_minilm_and_tfidf(app_url, page):
    open_pairs_mode(page, app_url)
    keep_only(page, "all-MiniLM-L6-v2 · sentence-transformers", "TF-IDF")
    page.get_by_role("button", name="Load pairs sample").click()
    page.get_by_text("44 labeled pairs (similar or not)").wait_for()
    page.get_by_role("button", name="Run on pairs").click()
    page.get_by_role("heading", name=FIGURES).wait_for(timeout=240_000)
    page.get_by_role("heading", name="The pairs each model gets most wrong").wait_for()
    no_errors(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Is the difference real?" in body
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)   # the interval chart
    assert page.locator(".js-plotly-plot").count() == 1
    keep_screenshot(page, "pairs_sample", "/tmp/pairs_sample.png")


def idle(page) -> None:
    """Wait until the app's run has ended (a rerun would close an open dropdown)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


def choose(page, label: str, option: str) -> None:
    """Pick the option that starts with `option` in the selectbox labelled `label`."""
    box = page.get_by_role("combobox", name=label)
    idle(page)
    box.click()
    box.fill(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    page.wait_for_timeout(500)


def type_row(page, grid, row: int, cells: list[str]) -> None:
    """Type one row into the canvas grid of the pairs editor (row 0 is the first data row)."""
    box = grid.bounding_box()
    header, height = 35, 35
    y = box["y"] + header + height * row + height / 2
    page.mouse.dblclick(box["x"] + 60, y)
    for i, text in enumerate(cells):
        page.locator("#portal textarea, #portal input").first.wait_for()
        page.keyboard.type(text)
        page.wait_for_timeout(300)
        page.keyboard.press("Tab" if i < len(cells) - 1 else "Enter")
        page.wait_for_timeout(300)
        if i < len(cells) - 1:
            page.keyboard.press("Enter")   # open the next cell's editor


def test_pairs_of_my_own(app_url, page):
    """Texts typed in Compare texts, two pairs picked from them, and three typed into the table."""
    page.goto(app_url)
    page.get_by_role("heading", name="Compare embedding models").wait_for()
    texts = page.get_by_role("textbox", name="Texts, one per line")
    texts.fill("Can I pay my invoice by bank transfer?\nWe accept wire transfers for all bills.\n"
               "How do I change my password?\nInvoices are sent on the first of the month.")
    texts.press("Control+Enter")
    page.wait_for_timeout(800)
    page.get_by_text("Labeled pairs", exact=True).first.click()
    page.get_by_role("button", name="Load pairs sample").wait_for()
    keep_only(page, "all-MiniLM-L6-v2 · sentence-transformers", "TF-IDF")
    page.get_by_text("Add a pair from your texts").click()
    for second, label in ((1, "similar"), (2, "not similar")):
        choose(page, "Second text", f"{second + 1}:")
        choose(page, "Label", label)
        page.get_by_role("button", name="Add this pair").click()
        page.wait_for_timeout(1500)
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    page.wait_for_timeout(1500)
    for row, cells in enumerate([["Where is my latest invoice?", "Show me the most recent bill", "1"],
                                 ["Where is my latest invoice?", "Where is the nearest office?", "0"],
                                 ["Refund a payment", "Give the customer their money back", "1"]], start=2):
        type_row(page, grid, row, cells)
    page.get_by_text("5 labeled pairs (similar or not)").wait_for(timeout=30_000)
    page.get_by_role("button", name="Run on pairs").click()
    page.get_by_role("heading", name=FIGURES).wait_for(timeout=240_000)
    no_errors(page)
    keep_screenshot(page, "pairs_own", "/tmp/pairs_own.png")
