"""The headline journey in a real browser: from the app opening to the Scorecard's verdict on the
sample, offline, in at most 5 clicks, in both the compare path and the evaluation path. The verdict is
between the bundled real models (all-MiniLM-L6-v2 and all-mpnet-base-v2, never the TF-IDF baseline):
"Recommend X" or "Too close to call between X and Y", with P(best) and the trade-off in raw numbers.

How long it takes is measured by benchmarks/headline_journey.py, never asserted here.
The journeys are plain functions so the benchmark walks exactly the same steps.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.e2e.conftest import SAMPLE_SHOWN, screenshot, settle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MAX_CLICKS = 5
#: The paragraph names models short ("all-MiniLM-L6-v2"), or in full when two would read the same.
REAL_MODELS = ("all-MiniLM-L6-v2", "all-mpnet-base-v2")
BASELINE = "tfidf"  # lexical:tfidf
RUN_TIMEOUT_MS = 240_000  # loads both models (mpnet is prepared at installation) and times their speed
#: The Scorecard's verdict alert, one of three verdicts (decide.explain.verdict): recommend, too close to
#: call (or not comparable yet: values measured on different texts), or no candidate qualifies.
RECOMMENDATION = re.compile(r"Recommend \S+:|Too close to call between|Not comparable yet|No candidate qualifies")
#: What the verdict says first, as displayed.
RECOMMEND = re.compile(r"^Recommend (\S+?):")
TOO_CLOSE = re.compile(r"^Too close to call between (\S+)(?: \(P\(best\) [\d.]+\))? and (\S+?)(?: \([\d.]+\))?[:.]")
P_BEST = re.compile(r"P\(best\) ([01]\.\d\d)")
#: A raw value beside the one it is compared with: "0.862 against 0.801", "12.3 ms/text against 40.1 ms/text".
RAW_VALUES = re.compile(r"\d[\d.,]*[A-Za-z%]*(?: [A-Za-z/%]+)? against \d")
#: Where the paragraph says what the model it does not put first is better at.
TRADE_OFF = re.compile(r"The trade-off:|leads on")
#: The alert's icon: how the page shows the verdict (app_pages/scorecard.py, three styles).
STYLES = {"✅": "recommend", "⚖️": "too_close", "❔": "none"}


class Clicks:
    """Clicks a locator and counts it: every click the journey costs a user goes through here. Notes
    when each click was made (time.perf_counter), for the benchmark's breakdown; nothing asserts on it."""

    def __init__(self) -> None:
        self.count = 0
        self.at: list[float] = []

    def __call__(self, locator) -> None:
        locator.click()
        self.count += 1
        self.at.append(time.perf_counter())


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
    page.wait_for_function(SAMPLE_SHOWN)
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


def verdict_of(paragraph: str) -> dict:
    """The verdict as displayed: its kind ("recommend", "too_close", "not_comparable", "none" or "unknown"),
    the model(s) it names (short names, winner first) and the P(best) it states (None when it states none)."""
    p_best = P_BEST.search(paragraph)
    found = {"p_best": float(p_best.group(1)) if p_best else None, "models": []}
    if won := RECOMMEND.match(paragraph):
        return {**found, "kind": "recommend", "models": [won.group(1)]}
    if close := TOO_CLOSE.match(paragraph):
        return {**found, "kind": "too_close", "models": list(close.groups())}
    if paragraph.startswith("Not comparable yet"):
        return {**found, "kind": "not_comparable"}
    if paragraph.startswith("No candidate qualifies"):
        return {**found, "kind": "none"}
    return {**found, "kind": "unknown"}


def first_sentence(paragraph: str) -> str:
    found = re.match(r"(.+?[.!?])(?:\s|$)", paragraph.strip(), re.S)
    return found.group(1) if found else paragraph.strip()


def paragraph_of(alert) -> str:
    """The recommendation as displayed (no icon; the Markdown escapes are not part of displayed text)."""
    return alert.locator('[data-testid="stMarkdownContainer"]').first.inner_text().strip()


def style_of(alert) -> str:
    """The verdict the alert's icon shows (STYLES), or the icon itself when it is none of them."""
    icon = alert.inner_text().strip().split("\n", 1)[0].strip()
    return STYLES.get(icon, icon)


def short(name: str) -> str:
    return name.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def check_verdict(page, alert) -> dict:
    """The assertions both paths share; returns the verdict (verdict_of) with the paragraph."""
    paragraph = paragraph_of(alert)
    found = verdict_of(paragraph)
    assert found["kind"] in ("recommend", "too_close"), f"no verdict between two models: {paragraph}"
    assert style_of(alert) == found["kind"], f"shown as {style_of(alert)}, but says: {paragraph}"
    assert found["models"], f"the verdict names no model: {paragraph}"
    for name in found["models"]:
        assert BASELINE not in name, f"the TF-IDF baseline is in the verdict: {paragraph}"
        assert short(name) in REAL_MODELS, f"{name} is not one of the bundled real models: {paragraph}"
    assert found["p_best"] is not None, f"no P(best): {paragraph}"
    assert re.search(r"\b[01]\.\d{2,3}(?: and [01]\.\d{2,3})? out of 1", paragraph), f"no score: {paragraph}"
    compared = RAW_VALUES.findall(paragraph)
    assert len(compared) >= 2, f"fewer than two raw values compared (the lead and the trade-off): {paragraph}"
    trade_off = TRADE_OFF.search(paragraph)
    assert trade_off and RAW_VALUES.search(paragraph, trade_off.end()), f"no trade-off in numbers: {paragraph}"
    assert page.locator('[data-testid="stException"]').count() == 0
    return {**found, "paragraph": paragraph}


@pytest.mark.parametrize("journey", list(JOURNEYS))
def test_headline_journey_ends_in_a_verdict_between_minilm_and_mpnet(app_url, page, journey):
    click = Clicks()
    alert = JOURNEYS[journey](page, app_url, click)
    assert click.count <= MAX_CLICKS, f"{click.count} clicks"
    check_verdict(page, alert)
    settle(page)  # the charts below the recommendation are drawn
    screenshot(page, f"headline_{journey}")
    assert page.locator('[data-testid="stException"]').count() == 0
