"""The headline journey, timed: from the app opening to the Scorecard's verdict, on fresh homes.

Starts `streamlit run app.py` itself and walks both paths in Debian's Chromium, exactly as
tests/e2e/test_headline_journey.py does (the same functions):
  compare:    Load sample -> Run comparison -> Scorecard (3 clicks)
  evaluation: Evaluate retrieval -> Load labeled sample -> Run evaluation -> Scorecard (4 clicks)
Each run is cold: a fresh server on a fresh, empty HFCOMPARE_HOME (nothing cached; models read from
the installation's prepared copy, which `make install` made; without one the run assembles them inside
its home, and says so). --unprepared hides the prepared copy, to measure a first visit without it.
Prints, per run, the clicks, the seconds from page.goto to the verdict visible, the verdict (its kind,
the models it names, their P(best)), the speeds measured, the load average; then per path the medians
and whether every run gave the same verdict; and the CPU count.
Target (issue 26, point 6): at most 5 clicks and 60 s on a 2-core machine, the same verdict 5 times.
Run: .venv/bin/python benchmarks/headline_journey.py [--runs 5] [--paths compare evaluation] [--unprepared]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hfcompare.backends.local import bundled  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, start_streamlit  # noqa: E402
from tests.e2e.test_headline_journey import (  # noqa: E402
    JOURNEYS,
    Clicks,
    paragraph_of,
    short,
    style_of,
    verdict_of,
)
from tests.servers import stop  # noqa: E402


def load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def scorecard_json(page) -> dict:
    """The Scorecard's JSON export (its verdict with every P(best), and every cell's raw value); after the
    timed journey, and not counted as a click the journey costs."""
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Download scorecard (JSON)").click()
    return json.loads(Path(download.value.path()).read_text(encoding="utf-8"))


def walk(browser, url: str, path: str) -> dict:
    """One journey in a new browser session: clicks, seconds, the verdict as displayed and exported."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    click = Clicks()
    try:
        started = time.perf_counter()
        alert = JOURNEYS[path](page, url, click)
        ended = time.perf_counter()
        seconds = ended - started
        marks = [started, *click.at, ended]
        steps = [b - a for a, b in zip(marks, marks[1:])]  # to the first click, between clicks, to the verdict
        paragraph = paragraph_of(alert)
        style = style_of(alert)
        errors = page.locator('[data-testid="stException"]').count()
        exported = scorecard_json(page)
    finally:
        context.close()
    shown = verdict_of(paragraph)
    exported_verdict = exported.get("verdict", {})
    speeds = {short(row["model"]): f"{row['value']}" + (f" ({row['range']})" if row.get("range") else "")
              for row in exported.get("cells", []) if row.get("criterion", "").lower().startswith("speed")}
    return {"clicks": click.count, "seconds": seconds, "kind": shown["kind"], "style": style,
            "models": shown["models"], "p_best": {short(m): p for m, p in exported_verdict.get("p_best", {}).items()},
            "speeds": speeds, "sentence": paragraph.split(". ")[0], "exceptions": errors, "steps": steps}


def show(path: str, run: int, found: dict, before: str, after: str) -> None:
    p_best = ", ".join(f"{m} {p:.2f}" for m, p in found["p_best"].items()) or "none stated"
    style = "" if found["style"] == found["kind"] else f" (shown as {found['style']})"
    print(f"  {path:<10} run {run}: {found['clicks']} clicks, {found['seconds']:5.1f} s, {found['kind']}{style}: "
          f"{' / '.join(found['models']) or '-'}; P(best) {p_best}; load {before} -> {after}"
          + (f"; {found['exceptions']} exceptions shown" if found["exceptions"] else ""))
    print(f"      seconds to each click, then to the verdict: {' + '.join(f'{s:.1f}' for s in found['steps'])}")
    print(f"      speed (ms/text): {'; '.join(f'{m} {v}' for m, v in found['speeds'].items()) or 'none'}")
    print(f"      \"{found['sentence']}.\"")


def run_once(browser, home: Path, path: str, extra_env: dict[str, str]) -> dict:
    """One fresh server on a fresh, empty `home`, one journey; the run's figures."""
    home.parent.mkdir(parents=True, exist_ok=True)
    before = load()
    # HFCOMPARE_MODELS inside the home: without a prepared copy, this run assembles the models itself
    process, url = start_streamlit(home, home.parent / "streamlit.log",
                                   {"HFCOMPARE_MODELS": str(home / "models"), **extra_env})
    try:
        found = walk(browser, url, path)
    finally:
        stop(process)
    found["load_before"], found["load_after"] = before, load()
    models = home / "models"
    found["assembled_mb"] = (sum(f.stat().st_size for f in models.rglob("*") if f.is_file()) / 1e6
                             if models.exists() else 0.0)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold runs per path, each on its own fresh home")
    parser.add_argument("--paths", nargs="+", choices=list(JOURNEYS), default=list(JOURNEYS))
    parser.add_argument("--unprepared", action="store_true",
                        help="hide the installation's prepared models: each run assembles them in its home")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    print(f"CPU: os.cpu_count() = {os.cpu_count()}, usable by this process = {affinity}; load average {load()}")
    print(f"Browser: {CHROMIUM} (headless); seconds = page.goto to the verdict visible")
    results: dict[str, list[dict]] = {}
    failed = 0
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="hfcompare-journey-") as scratch:
        extra_env = {"HFCOMPARE_PREPARED_MODELS": str(Path(scratch) / "no-prepared-models")} if args.unprepared else {}
        prepared = None if args.unprepared else bundled.prepared(bundled.MPNET)
        print(f"Prepared all-mpnet-base-v2: {prepared or 'none (each run assembles it in its home)'}")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in args.paths:
                for run in range(1, args.runs + 1):
                    home = Path(scratch) / f"{path}-{run}" / "home"  # fresh and empty
                    try:
                        found = run_once(browser, home, path, extra_env)
                    except Exception as exc:  # a failed run is reported, and the others still run
                        print(f"  {path:<10} run {run}: failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                        failed += 1
                        continue
                    show(path, run, found, found["load_before"], found["load_after"])
                    if found["assembled_mb"]:
                        print(f"      assembled in this run's home: {found['assembled_mb']:.0f} MB")
                    results.setdefault(path, []).append(found)
        finally:
            browser.close()

    print(f"Summary (target: at most 5 clicks and 60 s, the same verdict every run; os.cpu_count() = "
          f"{os.cpu_count()}):")
    for path, runs in results.items():
        seconds = [r["seconds"] for r in runs]
        verdicts = Counter(f"{r['kind']} {' / '.join(r['models'])}".strip() for r in runs)
        first = [r["p_best"].get(r["models"][0]) for r in runs if r["models"]]
        same = (f"the same verdict in all {len(runs)} runs: {next(iter(verdicts))}" if len(verdicts) == 1 else
                "verdicts differ: " + "; ".join(f"{verdict} ({count}x)" for verdict, count in verdicts.most_common()))
        print(f"  {path:<10} {max(r['clicks'] for r in runs)} clicks, median {statistics.median(seconds):.1f} s of "
              f"{len(runs)} cold runs (min {min(seconds):.1f}, max {max(seconds):.1f}); {same}; median P(best) of the "
              f"first named {statistics.median([p for p in first if p is not None] or [float('nan')]):.2f}")
    if failed:
        print(f"{failed} runs failed (see above)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
