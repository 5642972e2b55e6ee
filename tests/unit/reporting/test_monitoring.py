"""Monitor numbers: percentiles, error rates and throughput per model, and time buckets."""

from __future__ import annotations

import numpy as np
import pytest

from hfcompare.reporting.monitoring import bucket_for, calls_frame, over_time, since, summary


def calls(n=100, start=1_700_000_000.0, step=60.0):
    out = []
    for i in range(n):
        out.append({"ts": start + i * step, "backend": "local", "model": "m", "task": "embeddings",
                    "latency_s": float(i % 10 + 1), "items": 10, "tokens": None, "ok": i % 20 != 0,
                    "error_kind": None if i % 20 else "timeout"})
    return out


def test_summary_percentiles_error_rate_and_throughput():
    frame = calls_frame(calls())
    row = summary(frame).iloc[0]
    ok = frame[frame["ok"]]
    assert row["calls"] == 100 and row["errors"] == 5 and row["error rate"] == pytest.approx(0.05)
    assert row["p50 latency s"] == pytest.approx(np.percentile(ok["latency_s"], 50))
    assert row["p95 latency s"] == pytest.approx(np.percentile(ok["latency_s"], 95))
    assert row["items/s"] == pytest.approx(ok["items"].sum() / ok["latency_s"].sum())
    assert row["last error"] == "timeout" and row["tokens/s"] is None


def test_buckets_keep_charts_readable():
    assert bucket_for(calls_frame(calls(30))) == "1min"
    assert bucket_for(calls_frame(calls(600))) == "15min"   # 10 hours
    buckets = over_time(calls_frame(calls(600)))
    assert len(buckets) <= 41 and buckets["calls"].sum() == 600


def test_time_ranges():
    assert since("everything") is None
    assert since("last hour", now=10_000.0) == 6_400.0


def test_failed_loads_are_logged_with_their_error_class(fake_backend, monkeypatch):
    """An unbundled model offline, a typo'd backend and a failing batch each leave one failed call."""
    from hfcompare.backends import GenerationParams
    from hfcompare.embeddings.runs import embed_with_stats
    from hfcompare.generation.runs import generate_one
    from hfcompare.refs import ModelRef
    from hfcompare.storage.store import Store

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # the Hub is out of reach: unbundled models cannot load
    assert not embed_with_stats(["a", "b"], ModelRef("local", "example-org/not-bundled")).ok
    assert not embed_with_stats(["a", "b"], ModelRef("locall", "sentence-transformers/all-MiniLM-L6-v2")).ok
    assert not embed_with_stats(["a", "b"], ModelRef("fake", "fake-broken")).ok  # logged once, by its batch call
    assert not generate_one(ModelRef("local", "example-org/not-bundled"), "hi", GenerationParams(max_tokens=4)).ok
    from hfcompare import monitoring

    assert monitoring.flush(30.0)   # the call log is written in the background
    calls = Store().calls()
    failed = [(c["model"], c["task"], c["error_kind"]) for c in calls if not c["ok"]]
    assert failed == [("example-org/not-bundled", "embeddings", "unavailable"),
                      ("sentence-transformers/all-MiniLM-L6-v2", "embeddings", "unknown backend"),
                      ("fake-broken", "embeddings", "load failed"),
                      ("example-org/not-bundled", "generation", "unavailable")]
    table = summary(calls_frame(calls)).set_index(["model", "task"])
    assert table.loc[("example-org/not-bundled", "embeddings"), "errors"] == 1
    assert table.loc[("example-org/not-bundled", "embeddings"), "error classes"] == "unavailable ×1"


def test_error_classes_count_each_class():
    rows = calls(40)  # errors at 0 and 20: timeouts
    rows[5].update(ok=False, error_kind="rate limited")
    row = summary(calls_frame(rows)).iloc[0]
    assert row["errors"] == 3 and row["error classes"] == "timeout ×2, rate limited ×1"


def test_an_over_time_chart_of_one_bucket_shows_minutes_not_milliseconds():
    import pandas as pd

    from hfcompare.reporting.charts import over_time_chart

    one = pd.DataFrame({"time": [pd.Timestamp("2026-11-29 20:06")] * 2, "model": ["a · x", "b · x"],
                        "calls": [3, 4]})
    axis = over_time_chart(one, "calls", "Calls").layout.xaxis
    assert axis.tickformat == "%H:%M"
    low, high = (pd.Timestamp(v) for v in axis.range)
    assert high - low == pd.Timedelta(minutes=10)
    two = pd.concat([one, one.assign(time=pd.Timestamp("2026-11-29 20:07"))])
    assert over_time_chart(two, "calls", "Calls").layout.xaxis.range is None   # plotly's own range
