"""The headline journey in a real browser: from the app opening to a ranked, explained
recommendation on the sample, offline, in at most 5 clicks, in both the compare path and the
evaluation path; a real model comes first and the paragraph says why, with the numbers.

How long it takes is measured by benchmarks/headline_journey.py, never asserted here.
The journeys are plain functions so the benchmark walks exactly the same steps.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MAX_CLICKS = 5
#: The paragraph names models short ("all-MiniLM-L6-v2"), or in full when two would read the same.
REAL_MODELS = ("all-MiniLM-L6-v2", "all-mpnet-base-v2")
BASELINE = "tfidf"  # lexical:tfidf
RUN_TIMEOUT_MS = 240_000  # the first run assembles mpnet from its packages
#: The recommendation alert: a clear winner ("... out of 1 ..."), or none qualifying.
RECOMMENDATION = re.compile(r"out of 1|No recommendation yet")
#: A raw value beside the one it is compared with: "0.862 against 0.801", "12.3 ms/text against 40.1 ms/text".
RAW_VALUES = re.compile(r"\d[\d.,]*[A-Za-z%]*(?: [A-Za-z/%]+)? against \d")


class Clicks:
    """Clicks a locator and counts it: every click the journey costs a user goes through here."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, locator) -> None:
        locator.click()
        self.count += 1


def open_app(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name="Compare embedding models").wait_for(timeout=60_000)


def go_to_scorecard(page, click: Clicks):
    """Click the sidebar's Scorecard link; returns the recommendation alert once it is visible."""
    click(page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=re.compile(r"Scorecard")))
    page.get_by_role("heading", name="Scorecard").first.wait_for(timeout=60_000)
    alert = page.locator('[data-testid="stAlert"]').filter(has_text=RECOMMENDATION).first
    alert.wait_for(state="visible", timeout=120_000)
    return alert


def compare_path(page, url: str, click: Clicks):
    """Open the app, load the sample, run the comparison, open the Scorecard (3 clicks)."""
    open_app(page, url)
    click(page.get_by_role("button", name="Load sample"))
    page.wait_for_function("() => document.querySelector('textarea').value.includes('invoice')")
    click(page.get_by_role("button", name="Run comparison"))
    page.get_by_role("heading", name="Similarity matrices").wait_for(timeout=RUN_TIMEOUT_MS)
    return go_to_scorecard(page, click)


def evaluation_path(page, url: str, click: Clicks):
    """Open the app, switch to Evaluate retrieval, load the labeled sample, run it, open the Scorecard
    (4 clicks)."""
    open_app(page, url)
    click(page.get_by_text("Evaluate retrieval", exact=True))
    click(page.get_by_role("button", name="Load labeled sample"))
    page.wait_for_function("() => [...document.querySelectorAll('textarea')].some(t => t.value.trim().length > 0)")
    click(page.get_by_role("button", name="Run evaluation"))
    page.get_by_role("heading", name="Retrieval metrics").wait_for(timeout=RUN_TIMEOUT_MS)
    return go_to_scorecard(page, click)


JOURNEYS = {"compare": compare_path, "evaluation": evaluation_path}


def first_named(paragraph: str) -> list[str]:
    """The model(s) the paragraph puts first: the winner, or both names of a tie ([] if neither)."""
    won = re.search(r"ranks (\S+) first with a score", paragraph)
    if won:
        return [won.group(1)]
    tied = re.search(r"\): (\S+) and (\S+) are effectively tied at", paragraph)
    return list(tied.groups()) if tied else []


def first_sentence(paragraph: str) -> str:
    found = re.match(r"(.+?[.!?])(?:\s|$)", paragraph.strip(), re.S)
    return found.group(1) if found else paragraph.strip()


def paragraph_of(alert) -> str:
    """The recommendation as displayed (no icon; the Markdown escapes are not part of displayed text)."""
    return alert.locator('[data-testid="stMarkdownContainer"]').first.inner_text().strip()


def short(name: str) -> str:
    return name.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def check_recommendation(page, alert) -> str:
    """The assertions both paths share; returns the paragraph as displayed."""
    paragraph = paragraph_of(alert)
    assert "out of 1" in paragraph, f"no ranked recommendation: {paragraph}"
    first = first_named(paragraph)
    assert first, f"the paragraph names no model first: {paragraph}"
    for name in first:
        assert BASELINE not in name, f"the TF-IDF baseline comes first: {paragraph}"
        assert short(name) in REAL_MODELS, f"{name} is not one of the bundled real models: {paragraph}"
    assert re.search(r"\b[01]\.\d{2,3}(?: and [01]\.\d{2,3})? out of 1", paragraph), f"no score: {paragraph}"
    assert RAW_VALUES.search(paragraph), f"no raw value says why: {paragraph}"
    assert page.locator('[data-testid="stException"]').count() == 0
    return paragraph


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_headline_journey_ends_in_an_explained_recommendation_of_a_real_model(app_url, page, journey):
    click = Clicks()
    alert = JOURNEYS[journey](page, app_url, click)
    assert click.count <= MAX_CLICKS, f"{click.count} clicks"
    check_recommendation(page, alert)
    page.wait_for_timeout(1500)  # let the charts below the recommendation finish drawing
    screenshot(page, f"headline_{journey}")
    assert page.locator('[data-testid="stException"]').count() == 0
