"""What drawing the largest input the Embeddings page accepts costs: MAX_TEXTS texts of
MAX_CHARS_PER_TEXT characters compared by MAX_MODELS models (500 × 4,000 × 6).

The figures and tables of the "compare texts" results are built from random unit vectors (the point
is the drawing, not the embedding) and serialized the way Streamlit does (`plotly.io.to_json` for a
chart, Arrow for a dataframe, the CSV a download button holds). Prints the CPU count, the JSON size
of each heatmap and of the whole figure in MB, the size of every table, the time each step took, and
the peak RSS of this process (`resource.getrusage(RUSAGE_SELF).ru_maxrss`). With --page it then runs
the page's own `render_results` in Streamlit's AppTest on the same input and prints the peak RSS again.
Run: .venv/bin/python benchmarks/largest_input.py [--texts 500] [--chars 4000] [--models 6] [--page]
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
    clock("agreement table: build + Arrow", lambda: arrow(__import__("pandas").DataFrame(agreement_table(matrices, k=3))),
          size=len)
    clock("top-1 table: build + Arrow (st.dataframe)", lambda: arrow(tables.top1_table(texts, matrices)), size=len)
    clock("neighbours table: build + Arrow", lambda: arrow(tables.neighbours_table(texts, matrices, 0, 5)), size=len)
    clock("pairs table: build + CSV (download)", lambda: tables.pairs_table(texts, matrices).to_csv(index=False),
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


def main() -> None:
    from hfcompare.config import MAX_CHARS_PER_TEXT, MAX_MODELS, MAX_TEXTS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=MAX_TEXTS)
    parser.add_argument("--chars", type=int, default=MAX_CHARS_PER_TEXT)
    parser.add_argument("--models", type=int, default=MAX_MODELS)
    parser.add_argument("--page", action="store_true", help="also run the page's render_results in AppTest")
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


if __name__ == "__main__":
    main()
