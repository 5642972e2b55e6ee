"""Figures and tables built from similarity matrices."""

from __future__ import annotations

import numpy as np

from hfcompare.charts import shared_color_range, similarity_heatmaps, speed_chart
from hfcompare.embedding import EmbeddingResult
from hfcompare.similarity import cosine_matrix
from hfcompare.spec import ModelRef
from hfcompare.tables import neighbours_table, pairs_table, timing_table, top1_table

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


def test_timing_table_and_speed_chart():
    ok = EmbeddingResult(ModelRef("a", "b"), vectors=np.ones((2, 3), np.float32), n_texts=2, computed=2, compute_s=0.01)
    failed = EmbeddingResult(ModelRef("c", "d"), error="boom", error_kind="load failed", n_texts=2)
    table = timing_table([ok, failed])
    assert table.loc[0, "cold ms/text"] == 5.0 and table.loc[1, "status"] == "failed (load failed)"
    assert table.loc[1, "note"] == "boom"
    fig = speed_chart(table.to_dict("records"))
    assert list(fig.data[0].y) == ["a:b"]
