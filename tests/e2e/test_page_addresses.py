"""Every page at its own address, opened directly in a new session: no "Page not found"."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import new_context, settle
from ui import prose

pytestmark = [pytest.mark.e2e]

ADDRESSES = {"": prose.EMBEDDINGS_TITLE, "embeddings": prose.EMBEDDINGS_TITLE, "discover": prose.DISCOVER_TITLE,
             "generation": prose.GENERATION_TITLE, "scorecard": prose.SC_TITLE, "arena": prose.ARENA_TITLE,
             "monitor": prose.MONITOR_TITLE}


def test_each_page_opens_at_its_own_address_in_a_new_session(app_url, browser):
    for path, heading in ADDRESSES.items():
        context = new_context(browser)  # a new session each time
        try:
            page = context.new_page()
            page.goto(f"{app_url}/{path}")
            page.get_by_role("heading", name=heading, exact=True).wait_for(timeout=60_000)
            settle(page)  # the run has ended: a "Page not found" dialog would have opened by now
            assert page.get_by_text("Page not found").count() == 0, f"/{path}"
            assert page.locator('[data-testid="stException"]').count() == 0, f"/{path}"
        finally:
            context.close()
