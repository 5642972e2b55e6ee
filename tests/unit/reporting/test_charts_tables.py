"""Figures and tables built from similarity matrices."""

from __future__ import annotations

import numpy as np
import pytest

from hfcompare.config import SPEED_PASSES, SPEED_SAMPLE
from hfcompare.embeddings.runs import EmbeddingResult
from hfcompare.embeddings.similarity import cosine_matrix
from hfcompare.embeddings.speed import SpeedStats, sample_texts
from hfcompare.embeddings.tables import neighbours_table, pairs_table, timing_table, top1_table
from hfcompare.refs import ModelRef
from hfcompare.reporting.charts import shared_color_range, similarity_heatmaps, speed_chart
from ui import prose

TEXTS = ["create an invoice", "invoice templates", "reset my password", "password help"]


def matrices():
    rng = np.random.default_rng(0)
    return {name: cosine_matrix(rng.normal(size=(4, 5))) for name in ("m1", "m2")}


def test_heatmaps_share_one_colour_scale_and_carry_texts():
    fig = similarity_heatmaps(matrices(), TEXTS)
    assert len(fig.data) == 2
    assert {trace.coloraxis for trace in fig.data} == {"coloraxis"}
    assert fig.data[0].customdata[0][2][1] == "reset my password"
    low, high = shared_color_range(list(matrices().values()))
    assert fig.layout.coloraxis.cmin == low and high == 1.0


def test_top1_and_neighbours_tables():
    top1 = top1_table(TEXTS, matrices())
    assert list(top1.columns) == ["text", "m1", "m2", "models agree"]
    table = neighbours_table(TEXTS, matrices(), 0, k=5)
    assert len(table) == 3  # only three other texts
    assert not table["m1"].str.startswith("create an invoice ").any()


def test_pairs_table_has_every_pair_once():
    assert len(pairs_table(TEXTS, matrices())) == 6


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
