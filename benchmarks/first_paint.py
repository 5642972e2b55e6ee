"""First paint: seconds from `streamlit run` starting to the Embeddings heading visible in Chromium,
as a ratio to a one-line Streamlit app (a heading, nothing else) measured in the same run.

Each run starts both servers fresh, one after the other, alternating which goes first, each on a
fresh, empty HFCOMPARE_HOME; a new browser context loads the page as soon as the server process is
started, retrying until it answers. The ratio of the medians is the figure (issue 17 aims for at
most 1.25). Prints the CPU count.
Run: .venv/bin/python benchmarks/first_paint.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.servers import free_port, stop  # noqa: E402

BASELINE = 'import streamlit as st\nst.title("Compare embedding models")\n'


def first_paint(browser, script: Path, home: Path) -> float:
    """Seconds from starting `streamlit run script` to its "Compare embedding models" heading shown."""
    port = free_port()
    env = {**os.environ, "HFCOMPARE_HOME": str(home)}
    command = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}/", timeout=5_000)
                break
            except Exception:  # noqa: BLE001 - the server is not listening yet
                if time.perf_counter() - started > 120:
                    raise
                time.sleep(0.05)
        page.get_by_role("heading", name="Compare embedding models").wait_for(timeout=120_000)
        return time.perf_counter() - started
    finally:
        context.close()
        stop(process)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    print(f"CPU: os.cpu_count() = {os.cpu_count()}, usable by this process = {affinity}")
    times: dict[str, list[float]] = {"app.py": [], "one-line app": []}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="hfcompare-paint-") as scratch:
        baseline = Path(scratch) / "one_line.py"
        baseline.write_text(BASELINE)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for run in range(args.runs):
                order = [("app.py", ROOT / "app.py"), ("one-line app", baseline)]
                for name, script in order if run % 2 == 0 else reversed(order):
                    seconds = first_paint(browser, script, Path(scratch) / f"{name}-{run}")
                    times[name].append(seconds)
                    print(f"  run {run + 1}: {name:<13} {seconds:5.2f} s")
        finally:
            browser.close()
    app, one = statistics.median(times["app.py"]), statistics.median(times["one-line app"])
    print(f"Median: app.py {app:.2f} s, one-line app {one:.2f} s; ratio {app / one:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
