"""Several visitors at once: the wall time for N browser sessions running the sample comparison
against one server, against 1 session alone.

Each measurement starts `streamlit run app.py` on a fresh, empty HFCOMPARE_HOME (the bundled models
already assembled in a shared folder, so no run pays for that), opens the sessions in Debian's
Chromium, and in each clicks "Load sample" then "Run comparison" at once (as
tests/e2e/test_concurrent_sessions.py does, with the same function). Seconds = from the first click
to every session showing its results. Also printed: the cache's computed vectors (misses) and
reuses (hits), so the single-flight cache shows in numbers, and the machine's CPU count.
Run: .venv/bin/python benchmarks/concurrent_sessions.py [--sessions 8] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit  # noqa: E402
from tests.e2e.test_concurrent_sessions import open_sessions, run_sample_everywhere  # noqa: E402
from tests.servers import stop  # noqa: E402


def measure(browser, scratch: Path, models: Path, sessions: int, run: int) -> dict:
    """One fresh server, `sessions` browsers at once; seconds from the first click to all results."""
    from hfcompare.storage.cache import EmbeddingCache

    home = scratch / f"{sessions}-{run}" / "home"
    home.parent.mkdir(parents=True)
    process, url = start_streamlit(home, home.parent / "streamlit.log", {"HFCOMPARE_MODELS": str(models)})
    contexts = []
    try:
        contexts, pages = open_sessions(browser, url, sessions)
        for page in pages:
            page.get_by_role("button", name="Load sample").wait_for()
        started = time.perf_counter()
        problems = run_sample_everywhere(pages)
        seconds = time.perf_counter() - started
    finally:
        for context in contexts:
            context.close()
        stop(process)
    stats = EmbeddingCache(home / "cache").stats()
    return {"seconds": seconds, "problems": problems, "computed": stats.misses, "reused": stats.hits}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="measurements per session count")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    print(f"CPU: os.cpu_count() = {os.cpu_count()}, usable by this process = {affinity}")
    print("Browser: Debian Chromium (headless), all sessions in one browser; seconds = first click to all results")
    medians: dict[int, float] = {}
    failed = 0
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="hfcompare-sessions-") as scratch:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        models = Path(scratch) / "models"
        try:
            measure(browser, Path(scratch), models, 1, 0)  # assembles the bundled models once, untimed
            for sessions in (1, args.sessions):
                times = []
                for run in range(1, args.runs + 1):
                    found = measure(browser, Path(scratch), models, sessions, run)
                    times.append(found["seconds"])
                    failed += len(found["problems"])
                    print(f"  {sessions} session(s), run {run}: {found['seconds']:6.1f} s, vectors computed "
                          f"{found['computed']}, reused {found['reused']}"
                          + (f", PROBLEMS: {found['problems']}" if found["problems"] else ""))
                medians[sessions] = statistics.median(times)
        finally:
            browser.close()
    one, many = medians[1], medians[args.sessions]
    print(f"Median: 1 session {one:.1f} s, {args.sessions} sessions {many:.1f} s: "
          f"{many / one:.2f}x the time for {args.sessions}x the visitors")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
