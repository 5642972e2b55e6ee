"""Figures and tables built from similarity matrices."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hfcompare.config import MAX_CHARS_PER_TEXT, MAX_TEXTS, SPEED_PASSES, SPEED_SAMPLE
from hfcompare.embeddings.runs import EmbeddingResult
from hfcompare.embeddings.similarity import cosine_matrix
from hfcompare.embeddings.speed import SpeedStats, sample_texts
from hfcompare.embeddings.tables import PREVIEW_CHARS, neighbours_table, pairs_table, timing_table, top1_table
from hfcompare.refs import ModelRef
from hfcompare.reporting.charts import query_document_heatmaps, shared_color_range, similarity_heatmaps, speed_chart
from ui import prose

TEXTS = ["create an invoice", "invoice templates", "reset my password", "password help"]


def matrices():
    rng = np.random.default_rng(0)
    return {name: cosine_matrix(rng.normal(size=(4, 5))) for name in ("m1", "m2")}


def test_heatmaps_share_one_colour_scale_and_name_both_texts_on_hover():
    fig = similarity_heatmaps(matrices(), TEXTS)
    assert len(fig.data) == 2
    assert {trace.coloraxis for trace in fig.data} == {"coloraxis"}
    trace = fig.data[0]
    # a cell's hover reads its row's and column's labels: the two texts' numbers and (short) texts
    assert list(trace.x) == list(trace.y) == [f"{i + 1}: {t}" for i, t in enumerate(TEXTS)]
    assert "text %{y}" in trace.hovertemplate and "text %{x}" in trace.hovertemplate
    assert trace.customdata is None
    assert list(fig.layout.xaxis.ticktext) == ["1", "2", "3", "4"]  # ticks stay line numbers
    low, high = shared_color_range(list(matrices().values()))
    assert fig.layout.coloraxis.cmin == low and high == 1.0


def test_heatmap_hover_text_is_escaped():
    fig = similarity_heatmaps(matrices(), ["<b>bold</b> & co", *TEXTS[1:]])
    assert fig.data[0].x[0] == "1: &lt;b&gt;bold&lt;/b&gt; &amp; co"


def long_texts(n: int, chars: int = MAX_CHARS_PER_TEXT) -> list[str]:
    rng = np.random.default_rng(1)
    words = np.array(["invoice", "refund", "password", "billing", "account", "order", "support", "team"])
    return [(f"Text {i + 1} " + " ".join(rng.choice(words, size=chars // 5)))[:chars] for i in range(n)]


def random_matrices(n: int, models: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(2)
    return {f"model-{m}": cosine_matrix(rng.normal(size=(n, 32))) for m in range(models)}


def test_largest_accepted_heatmap_serializes_to_a_bounded_size_and_still_names_its_texts():
    """MAX_TEXTS texts of MAX_CHARS_PER_TEXT characters: every cell carrying both texts made about 1.9 GB
    of JSON per model (issue 25); the texts now travel once per axis."""
    import plotly.io as pio

    texts = long_texts(MAX_TEXTS)
    fig = similarity_heatmaps(random_matrices(MAX_TEXTS, 2), texts)
    spec = pio.to_json(fig, validate=False)  # what st.plotly_chart sends
    assert len(spec.encode()) / 2 < 15 * 1024 * 1024  # per model; the old hovers needed ~1,900 MB
    for trace in json.loads(spec)["data"]:
        assert len(json.dumps(trace).encode()) < 15 * 1024 * 1024
        assert "customdata" not in trace
    labels = fig.data[0].x
    assert len(labels) == MAX_TEXTS and len(set(labels)) == MAX_TEXTS  # unique: plotly merges equal categories
    assert labels[11].startswith("12: Text 12 ") and labels[11].endswith("…")
    assert texts[11].startswith(labels[11][len("12: "):-1])  # the start of the text itself
    assert max(len(label) for label in labels) <= len("500: ") + PREVIEW_CHARS
    assert list(fig.data[0].y) == list(labels)
    assert not fig.layout.xaxis.showticklabels  # 500 numbers would not fit under a panel


def test_query_document_heatmaps_name_queries_and_texts_once_per_axis():
    import plotly.io as pio

    queries, documents = long_texts(25), long_texts(50)
    rng = np.random.default_rng(3)
    sims = {f"m{m}": rng.uniform(-1, 1, size=(25, 50)) for m in range(3)}
    relevant = np.zeros((25, 50), dtype=bool)
    relevant[0, 4] = True
    fig = query_document_heatmaps(sims, queries, documents, relevant)
    heat, circles = fig.data[0], fig.data[1]
    assert heat.y[0].startswith("q1: Text 1 ") and heat.x[4].startswith("d5: Text 5 ")
    assert "query %{y}" in heat.hovertemplate and "text %{x}" in heat.hovertemplate
    assert list(circles.x) == [heat.x[4]] and list(circles.y) == [heat.y[0]]
    assert list(fig.layout.yaxis.ticktext[:2]) == ["q1", "q2"]
    assert len(pio.to_json(fig, validate=False)) < 1024 * 1024  # 25 × 50 cells × 3 models, 4,000-char texts


def test_top1_and_neighbours_tables():
    top1 = top1_table(TEXTS, matrices())
    assert list(top1.columns) == ["#", "text", "m1", "m2", "models agree"]
    assert list(top1["#"]) == [1, 2, 3, 4] and list(top1["text"]) == TEXTS
    table = neighbours_table(TEXTS, matrices(), 0, k=5)
    assert len(table) == 3  # only three other texts
    assert not table["m1"].str.startswith("1: ").any()
    assert table["m1"].str.match(r"^[234]: .+  \(-?\d\.\d\d\)$").all()


def test_pairs_table_has_every_pair_once():
    pairs = pairs_table(TEXTS, matrices())
    assert len(pairs) == 6
    assert list(pairs.columns[:4]) == ["A", "B", "text A", "text B"]
    assert (pairs.iloc[0]["A"], pairs.iloc[0]["B"], pairs.iloc[0]["text B"]) == (1, 2, "invoice templates")


def stats(median=7.1, low=6.8, high=7.52, this_run=True, measured_at="2025-05-01T12:34:56+00:00"):
    return SpeedStats(median, low, high, 5, 20, "CPU, 2 cores", measured_at, this_run)


def test_timing_table_and_speed_chart():
    ok = EmbeddingResult(ModelRef("a", "b"), vectors=np.ones((2, 3), np.float32), n_texts=2, computed=2,
                         compute_s=0.01, speed=stats())
    cached = EmbeddingResult(ModelRef("e", "f"), vectors=np.ones((2, 3), np.float32), n_texts=2, cache_hits=2,
                             speed=stats(20.0, 12.5, 27.82, this_run=False))
    failed = EmbeddingResult(ModelRef("c", "d"), error="boom", error_kind="load failed", n_texts=2)
    table = timing_table([ok, cached, failed])
    assert table.loc[0, "cold_ms_per_text"] == 7.1 and table.loc[2, "status"] == "failed (load failed)"
    assert table.loc[0, "ms_per_text_range"] == "6.80–7.52" and table.loc[0, "passes"] == "5 × 20 texts"
    assert table.loc[0, "speed_from"] == "this run"
    assert table.loc[1, "speed_from"] == "an earlier run (2025-05-01 12:34 UTC)"
    assert table.loc[2, "ms_per_text_range"] == "" and table.loc[2, "speed_from"] == ""
    assert table.loc[2, "note"] == "boom"
    fig = speed_chart(table.to_dict("records"))
    bars = fig.data[0]
    assert list(bars.y) == ["a:b", "e:f"] and list(bars.x) == [7.1, 20.0]
    assert bars.error_x.array == pytest.approx([0.42, 7.82]) and bars.error_x.arrayminus == pytest.approx([0.3, 7.5])
    assert "median" in fig.layout.xaxis.title.text and "fastest to slowest" in fig.layout.title.text


def test_cold_ms_per_text_is_the_median():
    result = EmbeddingResult(ModelRef("a", "b"), computed=2, compute_s=1.0, speed=stats())
    assert result.cold_ms_per_text == 7.1
    assert EmbeddingResult(ModelRef("a", "b"), computed=2, compute_s=1.0).cold_ms_per_text is None


def test_speed_stats_from_passes_range_text_and_overlaps():
    made = SpeedStats.from_pass_seconds([0.2, 0.1, 0.4], 20, "CPU, 2 cores")
    assert (made.median_ms, made.low_ms, made.high_ms, made.passes, made.n_texts) == (10.0, 5.0, 20.0, 3, 20)
    assert made.this_run and made.range_text == "5.00–20.00"
    assert SpeedStats(0.012, 0.011, 0.034, 5, 3, "", "", True).range_text == "0.011–0.034"
    a, touching, apart = stats(7.1, 6.8, 7.52), stats(8.0, 7.52, 9.0), stats(8.0, 7.6, 9.0)
    assert a.overlaps(touching) and touching.overlaps(a)  # closed intervals: a shared end counts
    assert not a.overlaps(apart) and not apart.overlaps(a)
    assert a.overlaps(stats(7.0, 6.9, 7.0))  # one inside the other
    with pytest.raises(ValueError):
        SpeedStats.from_pass_seconds([], 20, "")


def test_speed_sample_is_deterministic_and_spread_over_the_input():
    texts = [f"t{i}" for i in range(100)]
    sample = sample_texts(texts, SPEED_SAMPLE)
    assert sample == sample_texts(texts, SPEED_SAMPLE) and len(set(sample)) == SPEED_SAMPLE
    assert sample[0] == "t0" and int(sample[-1][1:]) > 90
    assert sample_texts(["a", "b", "a"], SPEED_SAMPLE) == ["a", "b"]


def test_speed_prose_matches_the_measurement():
    caption = prose.SPEED_CAPTION.format(where="CPU, 2 cores")
    assert f"up to {SPEED_SAMPLE}" in caption and f"then {SPEED_PASSES} more times" in caption
    assert {"cold ms/text", "ms/text range", "passes", "speed from"} <= set(prose.TIMING_COLUMN_HELP)
    assert "median" in prose.TIMING_COLUMN_HELP["cold ms/text"].lower()


def test_panel_titles_wrap_and_stay_text():
    from hfcompare.reporting.charts import panel_title

    assert panel_title("all-MiniLM-L6-v2 · local") == "all-MiniLM-L6-v2 · local"
    assert panel_title("paraphrase-multilingual-MiniLM-L12-v2 · local") == \
        "paraphrase-multilingual-<br>MiniLM-L12-v2 · local"
    hostile = panel_title("<a href='http://x'>m</a> · fake")
    assert "<a" not in hostile and "&lt;a href" in hostile
