"""A blind vote in the browser: a retrieval battle between bundled models, a vote, the reveal,
and the vote counted on the leaderboard and logged calls on the Monitor page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_retrieval_battle_vote_reveal_and_leaderboard(app_url, page):
    page.goto(f"{app_url}/arena")
    page.get_by_role("heading", name="Arena").wait_for()
    page.get_by_role("tab", name="Retrieval battle").click()
    page.get_by_role("button", name="Sample query").click()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="New battle").click()  # the hidden tab's button is not in the accessibility tree
    page.get_by_role("button", name="🤝 Tie").wait_for(timeout=180_000)
    assert page.get_by_text("Model A was").count() == 0          # blind until the vote
    page.get_by_role("button", name="🤝 Tie").click()
    page.get_by_text("Model A was").wait_for()
    screenshot(page, "arena_vote")
    page.get_by_role("tab", name="Leaderboard").click()      # opens on the retrieval arena just voted in
    page.get_by_text("1 vote so far.").wait_for()
    chosen = page.locator("[data-testid=stButtonGroup] button", has_text="Retrieval").last
    chosen.click()                                            # clicking the chosen arena again keeps it chosen:
    page.wait_for_timeout(1500)                               # never an empty choice and a false "No votes yet"
    assert page.get_by_text("No votes yet").count() == 0 and page.get_by_text("1 vote so far.").count() == 1
    page.goto(f"{app_url}/monitor")
    page.get_by_role("heading", name="Per model").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "monitor")
