"""The Embeddings timing table's cost per 1,000 texts: exact arithmetic, its words, and unknown never 0."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from hfcompare.cost import HourlyRate, PriceSource, TokenPrice
from hfcompare.embeddings import tables as t
from hfcompare.embeddings.runs import EmbeddingResult
from hfcompare.embeddings.speed import SpeedStats
from hfcompare.refs import ModelRef

TODAY = date.today().isoformat()
SRC = PriceSource("Price page", "https://prices.example/embed", "$0.02 per 1M texts", TODAY)
RATE = HourlyRate(0.072, None)


def _result(model: str, speed_ms: float | None = None, computed: int = 20, compute_s: float = 0.0,
            **kwargs) -> EmbeddingResult:
    speed = None if speed_ms is None else SpeedStats(speed_ms, speed_ms * 0.9, speed_ms * 1.2, 5, 20, "CPU, 2 cores",
                                                     "2026-12-01T10:00:00+00:00", True)
    return EmbeddingResult(ModelRef.parse(model), np.ones((20, 4)), n_texts=20, cache_hits=20 - computed,
                           computed=computed, compute_s=compute_s, speed=speed, **kwargs)


def _costed(results, prices=None, rate=RATE):
    names = {r.ref: str(r.ref) for r in results}
    return t.add_costs(t.timing_table(results, names), results, prices, rate).set_index(t.MODEL)


def test_self_hosted_cost_is_the_tables_ms_per_text_times_the_rate_exactly():
    frame = _costed([_result("fake:fast", 7.2), _result("fake:slow", 50.0)])
    # 1,000 texts × 7.2 ms = 7.2 s; × $0.072/h ÷ 3,600 s/h = $0.000144
    assert frame.loc["fake:fast", t.COST_PER_1000] == 0.000144
    assert frame.loc["fake:slow", t.COST_PER_1000] == 0.001   # 50 s × 0.072 / 3600
    how = frame.loc["fake:fast", t.COST_HOW]
    assert how.startswith("7.2 ms/text (median of 5 timed passes over 20 texts, this run) × 1,000 requests = 7.2 s "
                          "× $0.072/h ÷ 3,600 s/h = $0.000144 (rate you set)")
    assert how.endswith("hourly rate set by you")
    assert frame.loc["fake:fast", t.COLD_MS_PER_TEXT] == 7.2   # the figure the arithmetic starts from is shown


def test_without_a_timed_pass_the_computing_pass_is_used_and_said():
    frame = _costed([_result("fake:a", None, computed=10, compute_s=0.5)])
    # 0.5 s ÷ 10 texts × 1,000 × $0.072/h ÷ 3,600 = $0.001
    assert frame.loc["fake:a", t.COST_PER_1000] == 0.001
    assert frame.loc["fake:a", t.COST_HOW].startswith("computing pass: 0.5 s ÷ 10 requests × 1,000")


def test_served_from_cache_with_no_timing_no_rate_or_a_failure_is_unknown_never_zero():
    cached = _result("fake:cached", None, computed=0)
    failed = EmbeddingResult(ModelRef.parse("fake:broken"), error="boom", error_kind="server")
    frame = _costed([cached, failed])
    assert frame.loc["fake:cached", t.COST_PER_1000] is None
    assert "served from the cache" in frame.loc["fake:cached", t.COST_HOW]
    assert frame.loc["fake:broken", t.COST_PER_1000] is None
    no_rate = _costed([_result("fake:fast", 7.2)], rate=None)
    assert no_rate.loc["fake:fast", t.COST_PER_1000] is None
    assert no_rate.loc["fake:fast", t.COST_HOW] == "unknown: no hourly rate set for the hardware"


def test_priced_models_cost_texts_times_price_and_per_token_prices_stay_unknown():
    results = [_result("hf:org/per-text", 30.0), _result("hf:org/per-token", 30.0), _result("hf:org/unpriced", 30.0)]
    prices = {"hf:org/per-text": TokenPrice(0.02, None, SRC, per="texts"),
              "hf:org/per-token": TokenPrice(0.02, None, SRC, per="tokens"),
              "hf:org/unpriced": None}
    frame = _costed(results, prices)
    # (20 texts × $0.02/1M) ÷ 20 requests × 1,000 = $0.00002; the server's time is not charged by the hour
    assert frame.loc["hf:org/per-text", t.COST_PER_1000] == 0.00002
    how = frame.loc["hf:org/per-text", t.COST_HOW]
    assert how.startswith("(20 input texts × $0.02/1M) ÷ 20 requests × 1,000 = $2e-05")
    assert "https://prices.example/embed" in how and "stale" not in how
    assert frame.loc["hf:org/per-token", t.COST_PER_1000] is None
    assert "per tokens" in frame.loc["hf:org/per-token", t.COST_HOW]
    assert frame.loc["hf:org/unpriced", t.COST_PER_1000] is None
    assert "no published price" in frame.loc["hf:org/unpriced", t.COST_HOW]


def test_a_price_checked_over_90_days_ago_is_marked_stale():
    old = PriceSource("Price page", "https://prices.example/embed", "q", (date.today() - timedelta(days=91)).isoformat())
    frame = _costed([_result("hf:org/m", 30.0)], {"hf:org/m": TokenPrice(0.02, None, old, per="texts")})
    assert frame.loc["hf:org/m", t.COST_PER_1000] == 0.00002
    assert "stale price" in frame.loc["hf:org/m", t.COST_HOW]


def test_cost_columns_have_headers():
    assert t.TIMING_LABELS[t.COST_PER_1000] == "$ per 1,000 requests"
    assert t.TIMING_LABELS[t.COST_HOW] == "cost arithmetic"
