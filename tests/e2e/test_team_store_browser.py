"""A team's shared store in the browser: the app on PostgreSQL (HFCOMPARE_DATABASE_URL with a
password) keeps a vote and a short share link across a restart on a wiped disk, as a Space does;
with a wrong password the app still compares models, the Arena says what is wrong, and the
password shows nowhere: not on the page, not in the server's log."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import (SAMPLE_SHOWN, load_sample, new_context, run_sample, screenshot, start_streamlit,
                                vote_tie_in_retrieval_battle)
from tests.servers import stop

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _short_link_of_the_sample(page, app_url: str) -> str:
    load_sample(page, app_url)
    page.wait_for_function("() => location.search.includes('c=')")
    return page.url


def test_votes_and_links_survive_a_restart_on_postgresql_and_a_wrong_password_stays_hidden(
        tmp_path, shared_models, browser, postgres_url):
    from tests.postgres import APP_PASSWORD, APP_USER, fresh_database, with_user

    with fresh_database(postgres_url, owner=APP_USER) as admin_url:
        url = with_user(admin_url, APP_USER, APP_PASSWORD)
        env = {"HFCOMPARE_MODELS": str(shared_models), "HFCOMPARE_DATABASE_URL": url}
        context = new_context(browser)
        page = context.new_page()
        page.set_default_timeout(60_000)
        try:
            # first life: a vote and a short link, then the process ends and its disk is gone
            process, app_url = start_streamlit(tmp_path / "first-home", tmp_path / "first.log", env)
            try:
                vote_tie_in_retrieval_battle(page, app_url)
                link = _short_link_of_the_sample(page, app_url)
                # shown through ui.text.literal: a word joiner after "://"'s colon keeps it from becoming a link
                page.get_by_text(re.compile(r"PostgreSQL at postgresql\+psycopg:\u2060?//hfcompare_app:\*\*\*@")).wait_for()
            finally:
                stop(process)

            # second life: a new process on an empty disk, the same database
            process, app_url = start_streamlit(tmp_path / "second-home", tmp_path / "second.log", env)
            try:
                page.goto(app_url + "/" + link.split("/", 3)[3])
                page.wait_for_function(SAMPLE_SHOWN)
                assert page.get_by_text("No saved comparison").count() == 0
                screenshot(page, "postgres_link_after_restart")
                page.goto(f"{app_url}/arena")
                page.get_by_role("tab", name="Leaderboard").click()
                page.get_by_text("Retrieval", exact=True).click()   # a new session opens on Generation
                page.get_by_text("1 vote so far.").wait_for()
                screenshot(page, "postgres_vote_after_restart")
            finally:
                stop(process)

            # a wrong password: comparisons still run; the Arena says what is wrong
            wrong = "Wr0ng-Pa55word-e2e"
            bad_env = dict(env, HFCOMPARE_DATABASE_URL=with_user(admin_url, APP_USER, wrong))
            process, app_url = start_streamlit(tmp_path / "third-home", tmp_path / "third.log", bad_env)
            try:
                run_sample(page, app_url)
                page.get_by_text("the store cannot be used").first.wait_for()   # the share panel opens to say so
                screenshot(page, "postgres_wrong_password_compare")
                page.goto(f"{app_url}/arena")
                page.get_by_text("refused the login").first.wait_for()
                screenshot(page, "postgres_wrong_password_arena")
                text = page.locator("body").inner_text()
                assert wrong not in text and APP_PASSWORD not in text
                assert page.locator('[data-testid="stException"]').count() == 0
            finally:
                stop(process)
            for log in ("first.log", "second.log", "third.log"):
                written = (tmp_path / log).read_text(errors="replace")
                assert wrong not in written and APP_PASSWORD not in written, log
        finally:
            context.close()
