"""A real `streamlit run` on a free loopback port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import free_port, start_and_wait, stop

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("HFCOMPARE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def start_streamlit(home: Path, log: Path, extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start the app exactly as `make run` does, on loopback; returns the process and its URL."""
    port = free_port()
    env = {**os.environ, "HFCOMPARE_HOME": str(home), **(extra_env or {})}
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    process = start_and_wait(command, f"{url}/_stcore/health", log, timeout_s=90, cwd=ROOT, env=env)
    return process, url


@pytest.fixture(scope="session")
def shared_models(tmp_path_factory) -> Path:
    """One folder for bundled models assembled on first use (Gemma; all-mpnet-base-v2 when not prepared), shared
    by every app this test session starts instead of one copy per test."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def app_url(tmp_path, shared_models):
    """The URL of a fresh app with its own HFCOMPARE_HOME; stopped after the test."""
    process, url = start_streamlit(tmp_path / "home", tmp_path / "streamlit.log",
                                   {"HFCOMPARE_MODELS": str(shared_models)})
    yield url
    stop(process)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium (see .ci/run).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


#: Matches Streamlit's root element once no script run is going on (it marks the run's state on it).
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'

#: Counts, per document, the script runs that have ended: a run's end is the root's state turning
#: "notRunning", seen by a MutationObserver, so a run too short for any polling to catch still counts.
COUNT_RUNS = """(() => {
  window.__runsEnded = 0;
  new MutationObserver(changes => {
    for (const c of changes) {
      if (c.target.getAttribute('data-test-script-state') === 'notRunning' && c.oldValue !== 'notRunning') {
        window.__runsEnded += 1;
      }
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
})()"""


def new_context(browser, width: int = 1400, height: int = 1000):
    """A browser context whose pages count their script runs (see `rerun`)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(COUNT_RUNS)
    return context


def settle(page) -> None:
    """Wait until the app has no script run going on. Right after an action that sends a rerun, the
    run may not have begun yet: use `rerun` there."""
    page.locator(IDLE).wait_for()


@contextmanager
def rerun(page):
    """Around an action that makes Streamlit run the script again: wait, after the action, until a run
    that began after it has ended (not a fixed time)."""
    settle(page)
    before = page.evaluate("() => window.__runsEnded")
    yield
    page.wait_for_function("n => window.__runsEnded > n", arg=before)


@pytest.fixture
def page(browser):
    context = new_context(browser)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


#: True once the Embeddings page's texts box holds the bundled sample.
SAMPLE_SHOWN = "() => document.querySelector('textarea')?.value?.includes('invoice')"


def load_sample(page, app_url: str) -> None:
    """Open the Embeddings page and load the bundled sample into its texts box."""
    page.goto(app_url)
    page.get_by_role("heading", name="Compare embedding models").wait_for()
    page.get_by_role("button", name="Load sample").click()
    page.wait_for_function(SAMPLE_SHOWN)


def vote_tie_in_retrieval_battle(page, app_url: str) -> None:
    """A tie in a retrieval battle between the bundled MiniLM and TF-IDF (the larger model left out)."""
    from playwright.sync_api import expect

    page.goto(f"{app_url}/arena")
    page.get_by_role("heading", name="Arena").wait_for()
    page.get_by_role("tab", name="Retrieval battle").click()
    page.get_by_role("button", name="Remove all-mpnet-base-v2", exact=False).click()
    settle(page)
    page.get_by_role("button", name="Sample query").click()
    expect(page.get_by_role("textbox", name="Query")).not_to_have_value("")
    settle(page)
    page.get_by_role("button", name="New battle").click()
    tie = page.get_by_role("button", name="🤝 Tie")
    expect(tie).to_be_enabled(timeout=240_000)
    tie.click()
    page.get_by_text("Model A was").wait_for()


def run_sample(page, app_url: str) -> None:
    """Load the sample and run the comparison on the default models, until its last section shows."""
    load_sample(page, app_url)
    page.get_by_role("button", name="Run comparison").click()
    page.get_by_role("heading", name="Nearest neighbours").wait_for(timeout=240_000)


def edit_cell(page, grid, column: int, row: int, text: str) -> None:
    """Type `text` into a cell of an st.data_editor and commit it with Enter. The grid draws on a canvas,
    but glide-data-grid keeps an accessible table under it: cell (column, row) is a gridcell whose test id
    is glide-cell-<column>-<row> (column 0 is the row markers, row 0 the first data row). Focusing it
    selects the cell and Enter opens its editor."""
    from playwright.sync_api import expect

    cell = grid.locator(f'[role="gridcell"][data-testid="glide-cell-{column}-{row}"]')
    editor = page.locator("#portal textarea, #portal input").first
    settle(page)   # a rerun would redraw the grid and close an open editor
    cell.focus()
    page.keyboard.press("Enter")
    editor.wait_for()
    page.keyboard.type(text)
    expect(editor).to_have_value(text)   # the editor holds the text before Enter commits it
    with rerun(page):   # an edit makes Streamlit run the script again
        page.keyboard.press("Enter")


def add_typed_model(page, picker, reference: str) -> None:
    """Type `reference` into the multiselect `picker` and choose it once the list offers it."""
    box = picker.locator("input")
    box.click()
    box.fill(reference)
    page.get_by_role("option").filter(has_text=reference).first.wait_for()
    with rerun(page):
        box.press("Enter")
    page.keyboard.press("Escape")


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot when HFCOMPARE_SCREENSHOTS names a folder (for people to look at)."""
    folder = os.environ.get("HFCOMPARE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        # Streamlit scrolls inside its own container, so a tall viewport shows the whole page
        page.set_viewport_size({"width": (page.viewport_size or {}).get("width", 1400), "height": 3400})
        settle(page)
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")  # redrawn
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
