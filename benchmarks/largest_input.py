"""What drawing the largest input the Embeddings page accepts costs: MAX_TEXTS texts of
MAX_CHARS_PER_TEXT characters compared by MAX_MODELS models (500 × 4,000 × 6).

The figures and tables of the "compare texts" results are built from random unit vectors (the point
is the drawing, not the embedding) and serialized the way Streamlit does (`plotly.io.to_json` for a
chart, Arrow for a dataframe, the CSV a download button holds). Prints the CPU count, the JSON size
of each heatmap and of the whole figure in MB, the size of every table, the time each step took, and
the peak RSS of this process (`resource.getrusage(RUSAGE_SELF).ru_maxrss`). With --page it then runs
the page's own `render_results` in Streamlit's AppTest on the same input and prints the peak RSS again.
With --server it runs the whole page in a real `streamlit run` (the tests' deterministic fake backend,
registered by a wrapper script, stands in for the models) driven by Debian's Chromium: paste the texts,
run, wait for the last section, download the pairs CSV; it prints the server's peak RSS (VmHWM).
Run: .venv/bin/python benchmarks/largest_input.py [--texts 500] [--chars 4000] [--models 6] [--page] [--server]

Before the fix every heatmap cell carried both whole texts for its hover: about 1,900 MB of JSON per
model at 500 × 4,000 characters (measured with the old charts.py at 50, 100 and 200 texts, 19.1, 76.5
and 305.9 MB, growing exactly with the square of the count), and the pairs CSV, built on every rerun,
about 950 MB; a server drawing 6 models was killed at 21.8 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = ("invoice payment refund subscription receipt credit note billing address tax rate late fee reminder card "
         "bank transfer quote discount code account customer order delivery shipping return warranty support "
         "password login settings report export import team member role permission plan upgrade trial").split()
DIMENSIONS = 384
MB = 1024 * 1024


def make_texts(n: int, chars: int, seed: int = 0) -> list[str]:
    """n texts of exactly `chars` characters of random words, each starting with its number (all distinct)."""
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        words = [f"Text {i + 1}:"]
        length = len(words[0])
        while length < chars:
            word = rng.choice(WORDS)
            words.append(word)
            length += len(word) + 1
        texts.append(" ".join(words)[:chars])
    return texts


def unit_vectors(n: int, models: int, seed: int = 0):
    import numpy as np

    rng = np.random.default_rng(seed)
    out = []
    for _ in range(models):
        v = rng.normal(size=(n, DIMENSIONS)).astype(np.float32)
        out.append(v / np.linalg.norm(v, axis=1, keepdims=True))
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class Clock:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, str]] = []

    def __call__(self, label: str, fn, size=None):
        started = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - started
        self.rows.append((label, seconds, "" if size is None else f"{size(value) / MB:9.2f} MB"))
        return value


def draw_everything(texts: list[str], vectors: list) -> None:
    """What `app_pages.embeddings.render_results` builds and Streamlit serializes, step by step."""
    import pandas as pd
    import plotly.io as pio
    from streamlit.dataframe_util import convert_pandas_df_to_arrow_bytes

    from hfcompare.embeddings import tables
    from hfcompare.embeddings.similarity import agreement_table, cosine_matrix
    from hfcompare.reporting import charts

    clock = Clock()
    names = [f"model-{m + 1} · fake" for m in range(len(vectors))]
    matrices = clock("similarity matrices", lambda: {name: cosine_matrix(v) for name, v in zip(names, vectors)})
    fig = clock("heatmap figure: build", lambda: charts.similarity_heatmaps(matrices, texts))
    spec = clock("heatmap figure: plotly.io.to_json (as st.plotly_chart)", lambda: pio.to_json(fig, validate=False),
                 size=lambda s: len(s.encode()))
    figure_mb = len(spec.encode()) / MB
    # each panel's part of that JSON (its trace, as the figure serialized it)
    per_heatmap = [len(json.dumps(trace, separators=(",", ":")).encode()) / MB for trace in json.loads(spec)["data"]]
    del spec
    arrow = convert_pandas_df_to_arrow_bytes
    clock("agreement table: build + Arrow", lambda: arrow(pd.DataFrame(agreement_table(matrices, k=3))), size=len)
    clock("top-1 table: build + Arrow (st.dataframe)", lambda: arrow(tables.top1_table(texts, matrices)), size=len)
    clock("neighbours table: build + Arrow", lambda: arrow(tables.neighbours_table(texts, matrices, 0, 5)), size=len)
    clock("pairs table: build + CSV (download, on click)", lambda: tables.pairs_table(texts, matrices).to_csv(index=False),
          size=lambda s: len(s.encode()))
    clock("neighbour picker: option labels", lambda: [tables.text_label(i, t) for i, t in enumerate(texts)],
          size=lambda labels: sum(len(s.encode()) for s in labels))

    print("\nheatmap JSON per model (MB): " + ", ".join(f"{size:.2f}" for size in per_heatmap))
    print(f"heatmap JSON, whole figure of {len(per_heatmap)} panels: {sum(per_heatmap):.2f} MB of traces, "
          f"{figure_mb:.2f} MB with its layout")
    print(f"\n{'step':58} {'seconds':>8}  {'size':>12}")
    for label, seconds, size in clock.rows:
        print(f"{label:58} {seconds:8.2f}  {size:>12}")
    print(f"\npeak RSS after drawing: {peak_rss_mb():,.0f} MB")


def _page_script(texts, results):  # runs inside AppTest: only its own imports
    from app_pages.embeddings import render_results

    render_results(texts, results)


def run_page(texts: list[str], vectors: list) -> None:
    """The page's own results section in AppTest (no browser; the protos are built, not sent)."""
    os.environ.setdefault("HFCOMPARE_HOME", tempfile.mkdtemp(prefix="hfcompare-largest-"))
    from streamlit.testing.v1 import AppTest

    from hfcompare.embeddings.runs import EmbeddingResult
    from hfcompare.refs import ModelRef

    results = [EmbeddingResult(ModelRef("fake", f"model-{m + 1}"), vectors=v, n_texts=len(texts), computed=len(texts))
               for m, v in enumerate(vectors)]
    at = AppTest.from_function(_page_script, args=(texts, results), default_timeout=1800)
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    problem = f"; exception: {at.exception[0].message}" if at.exception else ""
    print(f"\npage render_results in AppTest: {seconds:.1f} s, {len(at.get('plotly_chart'))} chart(s), "
          f"{len(at.dataframe)} dataframe(s){problem}")
    print(f"peak RSS after the page: {peak_rss_mb():,.0f} MB")


_WRAPPER = """import sys
sys.path.insert(0, {root!r})
from hfcompare.backends import backend_names, register_backend
if "fake" not in backend_names():  # once per server: the script reruns on every interaction
    from tests.conftest import FakeBackend
    _fake = FakeBackend()
    register_backend("fake", lambda: _fake)
exec(compile(open({app!r}).read(), __file__, "exec"))
"""


def _server_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) / 1024 for line in status if line.startswith(field))


def run_server(texts: list[str], models: int) -> None:
    """The whole page in a real Streamlit server and browser; the server's memory from /proc."""
    import shutil
    import subprocess

    from playwright.sync_api import sync_playwright

    from tests.servers import free_port, start_and_wait, stop

    root = Path(__file__).resolve().parents[1]
    site = Path(tempfile.mkdtemp(prefix="hfcompare-largest-site-"))
    for folder in ("app_pages", "ui", ".streamlit"):  # st.Page paths resolve beside the main script
        (site / folder).symlink_to(root / folder)
    (site / "app.py").write_text(_WRAPPER.format(root=str(root), app=str(root / "app.py")))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HFCOMPARE_HOME": str(site / "home"), "PYTHONPATH": str(root)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]
    server = start_and_wait(command, f"{url}/_stcore/health", site / "streamlit.log", timeout_s=90, cwd=site, env=env)
    refs = ",".join(f"fake:model-{m + 1}" for m in range(models))
    try:
        print(f"\nstreamlit server (pid {server.pid}): RSS at start {_server_mb(server.pid, 'VmRSS'):,.0f} MB")
        with sync_playwright() as playwright:
            chromium = os.environ.get("HFCOMPARE_CHROMIUM", "/usr/bin/chromium")
            browser = playwright.chromium.launch(executable_path=chromium,
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(120_000)
            page.goto(f"{url}/?models={refs}")
            box = page.get_by_role("textbox", name="Texts, one per line")
            box.fill("\n".join(texts))
            box.press("Control+Enter")
            page.wait_for_timeout(1500)
            started = time.perf_counter()
            page.get_by_role("button", name="Run comparison").click()
            page.get_by_role("heading", name="Nearest neighbours").wait_for(timeout=1_800_000)
            page.locator(".js-plotly-plot .heatmaplayer").first.wait_for(timeout=600_000)
            seconds = time.perf_counter() - started
            heatmaps = page.locator(".js-plotly-plot .heatmaplayer .hm").count()
            errors = page.locator('[data-testid="stException"]').count()
            print(f"run + results drawn in the browser: {seconds:.1f} s; {heatmaps} heatmaps; {errors} tracebacks; "
                  f"server peak RSS so far {_server_mb(server.pid, 'VmHWM'):,.0f} MB")
            with page.expect_download(timeout=600_000) as download:
                page.get_by_role("button", name="Download all pairwise similarities (CSV)").click()
            size = Path(download.value.path()).stat().st_size / MB
            browser.close()
        print(f"pairs CSV downloaded (built on click): {size:.1f} MB; "
              f"server peak RSS (VmHWM): {_server_mb(server.pid, 'VmHWM'):,.0f} MB")
    finally:
        stop(server)
        shutil.rmtree(site, ignore_errors=True)


def main() -> None:
    from hfcompare.config import MAX_CHARS_PER_TEXT, MAX_MODELS, MAX_TEXTS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=MAX_TEXTS)
    parser.add_argument("--chars", type=int, default=MAX_CHARS_PER_TEXT)
    parser.add_argument("--models", type=int, default=MAX_MODELS)
    parser.add_argument("--page", action="store_true", help="also run the page's render_results in AppTest")
    parser.add_argument("--server", action="store_true", help="also run the page in a real server and browser")
    args = parser.parse_args()

    import numpy  # noqa: F401 - loaded before the baseline, like the server has it
    import plotly
    import streamlit

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    print(f"CPUs: {os.cpu_count()} ({usable} usable); memory {memory:.1f} GB; plotly {plotly.__version__}, "
          f"streamlit {streamlit.__version__}")
    texts = make_texts(args.texts, args.chars)
    vectors = unit_vectors(args.texts, args.models)
    print(f"input: {len(texts)} texts × {args.chars:,} characters ({sum(map(len, texts)) / MB:.1f} MB of text), "
          f"{args.models} models; peak RSS before drawing: {peak_rss_mb():,.0f} MB")
    draw_everything(texts, vectors)
    if args.page:
        run_page(texts, vectors)
    if args.server:
        run_server(texts, args.models)


if __name__ == "__main__":
    main()
