"""A real `streamlit run` on a free loopback port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
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


def run_sample(page, app_url: str) -> None:
    """Load the sample and run the comparison on the default models, until its last section shows."""
    load_sample(page, app_url)
    page.get_by_role("button", name="Run comparison").click()
    page.get_by_role("heading", name="Nearest neighbours").wait_for(timeout=240_000)


def screenshot(page, name: str) -> None:
    """Save a full-page screenshot when HFCOMPARE_SCREENSHOTS names a folder (for people to look at)."""
    folder = os.environ.get("HFCOMPARE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        # Streamlit scrolls inside its own container, so a tall viewport shows the whole page
        page.set_viewport_size({"width": (page.viewport_size or {}).get("width", 1400), "height": 3400})
        page.wait_for_timeout(1000)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
