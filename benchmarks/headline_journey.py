"""The headline journey, timed: from the app opening to a ranked, explained recommendation.

Starts `streamlit run app.py` itself and walks both paths in Debian's Chromium, exactly as
tests/e2e/test_headline_journey.py does (the same functions):
  compare:    Load sample -> Run comparison -> Scorecard (3 clicks)
  evaluation: Evaluate retrieval -> Load labeled sample -> Run evaluation -> Scorecard (4 clicks)
For each path, cold: a fresh server on a fresh, empty HFCOMPARE_HOME (nothing assembled, nothing
cached; HFCOMPARE_MODELS points inside it); then warm: a fresh server reusing that home, walked
--warm-runs times (each in a new browser session). Prints, per run, the clicks, the seconds from
page.goto to the recommendation visible, the model recommended and the paragraph's first sentence;
and the machine's CPU count.
Target (the issue): at most 5 clicks and 60 s on a 2-core machine.
Run: .venv/bin/python benchmarks/headline_journey.py [--cold-runs 1] [--warm-runs 3] [--paths compare evaluation]
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
from tests.e2e.test_headline_journey import JOURNEYS, Clicks, first_named, first_sentence, paragraph_of  # noqa: E402
from tests.servers import stop  # noqa: E402


def walk(browser, url: str, path: str) -> dict:
    """One journey in a new browser session: clicks, seconds, the model(s) named first, first sentence."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    click = Clicks()
    try:
        started = time.perf_counter()
        alert = JOURNEYS[path](page, url, click)
        seconds = time.perf_counter() - started
        paragraph = paragraph_of(alert)
        errors = page.locator('[data-testid="stException"]').count()
    finally:
        context.close()
    return {"clicks": click.count, "seconds": seconds, "first": " and ".join(first_named(paragraph)) or "none",
            "sentence": first_sentence(paragraph), "exceptions": errors}


def show(path: str, phase: str, run: int, found: dict) -> None:
    print(f"  {path:<10} {phase:<4} run {run}: {found['clicks']} clicks, {found['seconds']:6.1f} s, "
          f"first: {found['first']}" + (f", {found['exceptions']} exceptions shown" if found["exceptions"] else ""))
    print(f"      \"{found['sentence']}\"")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-runs", type=int, default=1, help="cold runs per path, each on its own fresh home")
    parser.add_argument("--warm-runs", type=int, default=3, help="warm runs per path, on one fresh server")
    parser.add_argument("--paths", nargs="+", choices=list(JOURNEYS), default=list(JOURNEYS))
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    print(f"CPU: os.cpu_count() = {os.cpu_count()}, usable by this process = {affinity}")
    print(f"Browser: {CHROMIUM} (headless); seconds = page.goto to the recommendation visible")
    times: dict[tuple[str, str], list[float]] = {}
    clicks: dict[str, int] = {}
    failed = 0
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="hfcompare-journey-") as scratch:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in args.paths:
                homes = []
                for run in range(1, args.cold_runs + 1):
                    home = Path(scratch) / f"{path}-{run}" / "home"  # fresh and empty: models assembled on first use
                    homes.append(home)
                    failed += run_phase(browser, home, path, "cold", [run], times, clicks)
                if homes and args.warm_runs > 0:
                    failed += run_phase(browser, homes[-1], path, "warm", range(1, args.warm_runs + 1), times, clicks)
        finally:
            browser.close()

    print("Summary (median of N runs; target: at most 5 clicks and 60 s):")
    for (path, phase), values in times.items():
        print(f"  {path:<10} {phase:<4} {clicks[path]} clicks, median {statistics.median(values):.1f} s of "
              f"{len(values)} run{'s' if len(values) > 1 else ''} (min {min(values):.1f}, max {max(values):.1f})")
    if failed:
        print(f"{failed} runs failed (see above)")
    return 1 if failed else 0


def run_phase(browser, home: Path, path: str, phase: str, runs, times, clicks) -> int:
    """One fresh server on `home`, `runs` journeys; returns how many failed."""
    home.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # HFCOMPARE_MODELS pinned inside the home: cold means this home assembles the bundled models itself
    process, url = start_streamlit(home, home.parent / f"streamlit-{phase}.log",
                                   {"HFCOMPARE_MODELS": str(home / "models")})
    print(f"{path} path, {phase}: server ready in {time.perf_counter() - started:.1f} s (HFCOMPARE_HOME {home})")
    failed = 0
    try:
        for run in runs:
            try:
                found = walk(browser, url, path)
            except Exception as exc:  # a failed run is reported, and the others still run
                print(f"  {path:<10} {phase:<4} run {run}: failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                failed += 1
                continue
            show(path, phase, run, found)
            times.setdefault((path, phase), []).append(found["seconds"])
            clicks[path] = found["clicks"]
    finally:
        stop(process)
    models = home / "models"
    size = sum(f.stat().st_size for f in models.rglob("*") if f.is_file()) if models.exists() else 0
    print(f"  models assembled in this home after the {phase} runs: {size / 1e6:.0f} MB")
    return failed


if __name__ == "__main__":
    sys.exit(main())
