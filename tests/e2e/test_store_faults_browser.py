"""The store under faults in a real `streamlit run` and Debian's Chromium (issue 25, point 2): the SQLite
file (with its -wal and -shm) deleted while the app runs. The page says so; a link shown and a vote cast
after that are in the new file, so both are still there after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import SAMPLE_SHOWN, new_context, screenshot, settle, start_streamlit, vote_tie_in_retrieval_battle
from tests.servers import stop

# slow: two app starts and a retrieval battle on a bundled model (about a minute)
pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REMOVED = "was removed while the app ran"


def _remove_store(home: Path) -> None:
    from hfcompare.storage.store import STORE_FILE

    for suffix in ("", "-wal", "-shm"):
        Path(f"{home / STORE_FILE}{suffix}").unlink(missing_ok=True)


def test_a_store_deleted_while_running_keeps_the_link_on_screen_and_a_later_vote_and_says_so(tmp_path, browser,
                                                                                              shared_models):
    home = tmp_path / "home"
    env = {"HFCOMPARE_MODELS": str(shared_models)}
    context = new_context(browser)   # the e2e session's browser: a second sync Playwright cannot start in one process
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        process, app_url = start_streamlit(home, tmp_path / "first.log", env)
        try:
            page.goto(app_url)
            page.get_by_role("button", name="Load sample").click()
            page.wait_for_function(SAMPLE_SHOWN)
            page.wait_for_function("() => location.search.includes('c=')")
            link = page.url   # saved in the store under a short id
            _remove_store(home)
            settle(page)
            page.get_by_role("button", name="Load sample").click()   # the same view: its link is shown again
            page.get_by_text(REMOVED).wait_for()                     # after it was saved in the new file
            assert page.url == link
            vote_tie_in_retrieval_battle(page, app_url)
            assert page.get_by_text("Saved.", exact=False).count() == 1
            assert page.get_by_text(REMOVED).count() == 1
            assert page.locator('[data-testid="stException"]').count() == 0
            screenshot(page, "store_deleted_then_vote")
        finally:
            stop(process)
        assert REMOVED in (tmp_path / "first.log").read_text(errors="replace")

        process, app_url = start_streamlit(home, tmp_path / "second.log", env)   # a restart
        try:
            page.goto(app_url + "/" + link.split("/", 3)[3])
            page.wait_for_function(SAMPLE_SHOWN)
            settle(page)
            assert page.get_by_text("No saved comparison").count() == 0
            page.goto(f"{app_url}/arena")
            page.get_by_role("tab", name="Leaderboard").click()
            page.get_by_text("Retrieval", exact=True).click()
            page.get_by_text("1 vote so far.").wait_for()
        finally:
            stop(process)
    finally:
        context.close()
