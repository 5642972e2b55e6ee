"""Monitor numbers: percentiles, error rates and throughput per model, and time buckets."""

from __future__ import annotations

import numpy as np
import pytest

from hfcompare.reporting.monitoring import (bucket_for, calls_frame, is_measurement, over_time, since, summary,
                                           without_measurements)
from hfcompare.storage.calllog import SPEED_PASS, WORK


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
    assert row["last error"] == "timeout" and row["median tokens/s"] is None and row["tokens/s note"] == ""


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


def generation_call(latency_s, tokens, tags):
    return {"ts": 1_700_000_000.0, "backend": "local", "model": "g", "task": "generation", "latency_s": latency_s,
            "items": 1, "tokens": tokens, "ok": True, "error_kind": None, "tags": tags}


def test_tokens_per_s_is_the_median_of_each_calls_decode_rate_not_a_pooled_ratio():
    """One slow call used to drag the pooled figure (all tokens ÷ all seconds) far below what a call
    decodes at; the Monitor now gives the median per call, the Generation page's definition."""
    timed = [generation_call(latency, tokens, {"purpose": WORK, "ttft_s": ttft, "decode_tokens": tokens - 1,
                                               "decode_s": latency - ttft})
             for latency, ttft, tokens in ((1.0, 0.2, 41), (1.5, 0.5, 41), (30.0, 28.0, 21))]
    row = summary(calls_frame(timed)).iloc[0]
    assert row["median tokens/s"] == pytest.approx(40.0)     # rates 50, 40, 10
    assert row["median ttft s"] == pytest.approx(0.5) and row["tokens/s note"] == ""
    assert row["items/s"] == pytest.approx(3 / 32.5)          # pooled, as its help says
    older = generation_call(2.0, 30, None)                    # logged before calls had tags
    buffered = generation_call(2.0, 30, {"purpose": WORK, "ttft_s": 1.9})
    row = summary(calls_frame(timed + [older, buffered])).iloc[0]
    assert row["median tokens/s"] == pytest.approx(40.0)      # never mixed with a pooled guess
    assert row["tokens/s note"] == ("known for 3 of 5 calls: 1 logged before decode timing was recorded, "
                                    "1 without a decode window (buffered stream or under 3 tokens)")


def test_calls_frame_spreads_tags_and_old_rows_count_as_work():
    rows = calls(3)
    rows[0]["tags"] = {"purpose": SPEED_PASS}
    rows[1]["tags"] = {}
    frame = calls_frame(rows)   # rows[2] has no tags at all
    assert list(frame["purpose"]) == [SPEED_PASS, WORK, WORK] and list(frame["tagged"]) == [True, False, False]
    assert list(is_measurement(frame)) == [True, False, False]
    assert len(without_measurements(frame)) == 2 and frame["decode_s"].isna().all()


def test_embedding_speed_passes_are_tagged_and_left_out_of_work(fake_backend):
    from hfcompare import monitoring
    from hfcompare.embeddings.runs import embed_with_stats
    from hfcompare.refs import ModelRef
    from hfcompare.storage.store import Store

    assert embed_with_stats(["one", "two", "three"], ModelRef("fake", "fake-a"), speed_passes=3).ok
    assert monitoring.flush(30.0)
    frame = calls_frame(Store().calls())
    passes = int(is_measurement(frame).sum())
    assert passes >= 3                                          # the timed passes (and their warm-up)
    assert summary(frame).iloc[0]["calls"] == len(frame)
    assert summary(without_measurements(frame)).iloc[0]["calls"] == len(frame) - passes


def test_the_monitors_tokens_per_s_is_the_generation_pages_for_the_same_calls(fake_backend, monkeypatch):
    """Each model answers on its own thread, each with a scripted clock (never wall time): every
    reading 20 ms after the previous one, so longer answers decode faster and the rates differ."""
    import threading

    import hfcompare.generation.runs as generation
    from hfcompare import monitoring
    from hfcompare.backends import GenerationParams
    from hfcompare.generation.tables import (MEDIAN_LATENCY_S, MEDIAN_TOKENS_PER_S, MEDIAN_TTFT_S, MODEL,
                                             generation_summary, generation_table)
    from hfcompare.refs import ModelRef
    from hfcompare.storage.store import Store

    clocks = threading.local()

    def ticking() -> float:
        clocks.now = getattr(clocks, "now", 100.0) + 0.02
        return clocks.now

    monkeypatch.setattr(generation, "clock", ticking)
    refs = [ModelRef("fake", "fake-a"), ModelRef("fake", "fake-b")]
    prompts = ["one", "one two", "one two three four", "one two three four five six seven eight"]
    results = generation.compare_generations(prompts, refs, GenerationParams())
    assert all(r.ok and r.timings.tokens_per_s for r in results)
    assert monitoring.flush(30.0)
    pages = generation_summary(generation_table(results, {})).set_index(MODEL)
    monitor = summary(calls_frame(Store().calls())).set_index("model")
    for ref in refs:
        page, row = pages.loc[str(ref)], monitor.loc[ref.model]
        assert row["calls"] == len(prompts) and row["tokens/s note"] == ""
        assert row["median tokens/s"] == page[MEDIAN_TOKENS_PER_S]
        assert row["median ttft s"] == page[MEDIAN_TTFT_S]
        assert row["p50 latency s"] == pytest.approx(page[MEDIAN_LATENCY_S], abs=0.001)
