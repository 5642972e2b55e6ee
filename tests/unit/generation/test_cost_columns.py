from __future__ import annotations

import pandas as pd

from hfcompare.cost import HourlyRate, PriceSource, TokenPrice
from hfcompare.generation import tables as t

SRC = PriceSource("Router", "https://router.example/v1/models", '{"input": 0.2}', "2026-12-07")


def _table():
    rows = []
    for model, latency, prompt_tokens, output_tokens in [("local", 1.5, 10, 20), ("local", 2.1, 12, 30),
                                                         ("api", 0.5, 100, 200), ("api", 0.7, 300, 400),
                                                         ("own server", 1.0, None, 5)]:
        rows.append({t.MODEL: model, t.LATENCY_S: latency, t.TTFT_S: 0.1, t.TOKENS_PER_S: 10.0,
                     t.TOKENS_PER_S_NOTE: "", "prompt_tokens": prompt_tokens, "output_tokens": output_tokens,
                     "checks": None, t.RETRY_WAIT_S: 0.0, t.LOAD_S: 0.0, t.WHERE: "here", t.ERROR: ""})
    return pd.DataFrame(rows)


def test_summary_costs_tokens_times_price_and_seconds_times_rate():
    table = _table()
    summary = t.add_costs(t.generation_summary(table), table, {"api": TokenPrice(0.2, 0.8, SRC)},
                          HourlyRate(0.072, None))
    by = summary.set_index(t.MODEL)
    # api: (400 × 0.2 + 600 × 0.8) / 1e6 / 2 × 1000 = 560 / 2000 = 0.28
    assert by.loc["api", t.COST_PER_1000] == 0.28
    assert "400 input tokens × $0.2/1M + 600 output tokens × $0.8/1M" in by.loc["api", t.COST_HOW]
    assert "https://router.example/v1/models" in by.loc["api", t.COST_HOW]
    # local: 3.6 s / 2 × 1000 × 0.072 / 3600 = 0.036
    assert by.loc["local", t.COST_PER_1000] == 0.036
    assert "3.6 s ÷ 2 requests × 1,000 × $0.072/h" in by.loc["local", t.COST_HOW]


def test_unknown_price_or_rate_stays_unknown():
    table = _table()
    summary = t.add_costs(t.generation_summary(table), table, {"api": None}, None).set_index(t.MODEL)
    assert summary.loc["api", t.COST_PER_1000] is None
    assert summary.loc["local", t.COST_PER_1000] is None
    assert summary.loc["api", t.COST_HOW].startswith("unknown")
    # a priced model whose prompt tokens are not counted: unknown, not a partial sum
    partial = t.add_costs(t.generation_summary(table), table, {"own server": TokenPrice(1.0, 1.0, SRC)}, None)
    assert partial.set_index(t.MODEL).loc["own server", t.COST_PER_1000] is None
