"""A blind vote in the browser: a retrieval battle between bundled models, a vote, the reveal,
and the vote counted on the leaderboard and logged calls on the Monitor page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import rerun, screenshot, settle

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_retrieval_battle_vote_reveal_and_leaderboard(app_url, page):
    page.goto(f"{app_url}/arena")
    page.get_by_role("heading", name="Arena").wait_for()
    page.get_by_role("tab", name="Retrieval battle").click()
    page.get_by_role("button", name="Sample query").click()
    expect(page.get_by_role("textbox", name="Query")).not_to_have_value("")
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
    expect(chosen).to_be_checked()
    settle(page)                                              # never an empty choice and a false "No votes yet"
    assert page.get_by_text("No votes yet").count() == 0 and page.get_by_text("1 vote so far.").count() == 1
    page.goto(f"{app_url}/monitor")
    page.get_by_role("heading", name="Per model").wait_for()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "monitor")


def test_a_generation_battle_streams_both_answers_blind_then_reveals_their_timings(tmp_path, page):
    """Two models on a (scripted) server that streams one word every 60 and 80 ms: both answers
    show piece by piece before the battle ends, under "Model A" and "Model B" only; the vote reveals
    the models with each one's time to first token, latency and tokens/s."""
    import re


    from tests.e2e.conftest import add_typed_model, start_streamlit, stop
    from tests.integration.fault_server import FaultServer

    with FaultServer() as server:
        process, url = start_streamlit(tmp_path / "home", tmp_path / "streamlit.log",
                                       {"HFCOMPARE_OPENAI_BASE_URL": server.url})
        try:
            page.goto(f"{url}/arena")
            page.get_by_role("heading", name="Arena").wait_for()
            page.get_by_role("button", name="New battle").first.wait_for()
            picker = page.locator('[data-testid="stMultiSelect"]').first   # the generation battle's
            remove = picker.locator('button[aria-label^="Remove "]:visible')
            remove.first.wait_for()
            while remove.count():   # the bundled models answer on this CPU: here both models are on a server
                left = remove.count() - 1
                remove.first.click()
                expect(remove).to_have_count(left)
            for reference in ("openai:paced-60", "openai:paced-80"):
                add_typed_model(page, picker, reference)
            chosen = picker.inner_text()
            assert "paced-60" in chosen and "paced-80" in chosen and "SmolLM2" not in chosen, chosen
            prompt = page.get_by_label("Prompt")
            with rerun(page):
                prompt.fill("Where is my invoice?")
                prompt.press("Enter")
            page.get_by_role("button", name="New battle").first.click()
            # both columns hold a partial answer (a few words, not the 160 the battle asks for) ...
            page.wait_for_function("""() => {
                const texts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stText"]')]
                    .map(t => t.innerText);
                return texts.filter(t => /^w0 w1 w2 w3 /.test(t) && !t.includes('w159')).length === 2;
            }""", timeout=60_000)
            # ... while the battle is still on: no vote yet, and no model named
            assert page.get_by_role("button", name="🤝 Tie").count() == 0
            main = page.locator('[data-testid="stMain"] [data-testid="stVerticalBlock"]').first
            assert "Model A" in main.inner_text() and "Model B" in main.inner_text()
            assert page.get_by_text("stream in as they arrive").count() == 1
            assert page.get_by_text("one after the other").count() == 0   # servers answer at the same time
            screenshot(page, "arena_streaming")   # mid-stream (HFCOMPARE_SCREENSHOTS=/tmp: /tmp/arena_streaming.png)
            page.get_by_role("button", name="🤝 Tie").wait_for(timeout=120_000)
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")   # the run has ended
            texts = page.locator('[data-testid="stMain"] [data-testid="stText"]').all_inner_texts()
            assert sum(t.strip().endswith("w159") for t in texts) == 2, texts   # both whole, 160 words, shown once
            assert page.get_by_text("Model A was").count() == 0 and page.get_by_text("time to first token").count() == 0
            page.get_by_role("button", name="👈 A is better").click()
            page.get_by_text("Model A was").wait_for()
            reveal = page.locator('[data-testid="stCaptionContainer"]', has_text=re.compile("^time to first token"))
            reveal.first.wait_for()
            page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")
            lines = reveal.all_inner_texts()
            screenshot(page, "arena_reveal")
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            stop(process)
    assert server.counts["paced-60"] == 1 and server.counts["paced-80"] == 1
    assert len(lines) == 2
    for line in lines:
        assert re.search(r"time to first token \d+\.\d\d s · latency \d+\.\d\d s · \d+\.\d tokens/s", line), line
