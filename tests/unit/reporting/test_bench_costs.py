"""Cost and memory in `hfcompare bench`'s rows, its cost threshold, and its exports (no models run)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hfcompare.cost import HourlyRate, bundled_rate, ms_cost, unknown, with_costs
from hfcompare.reporting import bench, costs
from hfcompare.reporting.report import build_report

RATE = HourlyRate(0.072, None, "rate set with --hourly-rate")


def embedding_row(model="local:m", ms=12.5, **extra):
    return {"model": model, "reference": model, "status": "ok", "texts": 4, "cold_ms_per_text": ms,
            "memory_mb": 80.0, "peak_memory_mb": 99.0, "memory_from": "measured here", **extra}


def costed(*rows) -> pd.DataFrame:
    """Embedding rows with the cost columns as the Embeddings table computes them (ms per text × RATE)."""
    frame = pd.DataFrame(list(rows))
    return with_costs(frame, [unknown("no speed was measured") if r["cold_ms_per_text"] is None
                              else ms_cost(RATE, r["cold_ms_per_text"]) for r in rows])


def test_the_rate_in_use_flag_then_environment_then_bundled_default():
    assert costs.rate_in_use("0.5", {}).rate.usd_per_hour == 0.5
    assert costs.rate_in_use("0.5", {}).set_by == "--hourly-rate"
    assert costs.rate_in_use(None, {"HFCOMPARE_HOURLY_RATE": "0.25"}).rate.usd_per_hour == 0.25
    default = costs.rate_in_use(None, {})
    assert default.set_by == "bundled default" and default.rate == bundled_rate()
    assert default.to_json()["source"].startswith(bundled_rate().source.title)
    assert bundled_rate().source.url in default.describe()


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "-inf", "abc", "", " ", "1e999", "0x10"])
def test_a_bad_hourly_rate_is_refused_with_a_sentence(value):
    with pytest.raises(costs.RateError, match="--hourly-rate"):
        costs.rate_in_use(value, {})
    if value.strip():
        with pytest.raises(costs.RateError, match="HFCOMPARE_HOURLY_RATE .*unset it"):
            costs.rate_in_use(None, {"HFCOMPARE_HOURLY_RATE": value})


def result_with(embedding_rows=(), generation_rows=()):
    return bench.BenchResult(embeddings=pd.DataFrame(list(embedding_rows)),
                             generation=pd.DataFrame(list(generation_rows)),
                             rate=costs.RateInUse(RATE, "--hourly-rate"))


def test_the_cost_threshold_breaks_on_a_costly_model_and_on_an_unknown_cost():
    frame = costed(embedding_row("local:fast", ms=1.0), embedding_row("local:slow", ms=100.0),
                   embedding_row("local:unmeasured", ms=None))
    generation = pd.DataFrame([{"model": "hf:g", "answers": 3, "cost_per_1000": None,
                                "cost_how": "unknown: no published price for this model"},
                               {"model": "local:gone", "answers": 0, "cost_per_1000": None,
                                "cost_how": "unknown: no request was measured"}])
    result = result_with(frame.to_dict("records"), generation.to_dict("records"))
    breaches = bench.check_thresholds(result, bench.Thresholds(max_cost_per_1000=0.001))
    # fast: 1 ms × 0.072 / 3600 = $0.00002; slow: $0.002 > $0.001
    assert breaches[0] == ("local:slow: $ per 1,000 requests 0.002 > 0.001 (100 ms/text × 1,000 requests = 100 s × "
                           "$0.072/h ÷ 3,600 s/h = $0.002 (rate set with --hourly-rate))")
    assert breaches[1] == ("local:unmeasured: cost unknown (no speed was measured), so --max-cost-per-1000 0.001 "
                           "cannot be checked, and a limit that cannot be checked is not met")
    assert breaches[2].startswith("hf:g: cost unknown (no published price for this model)")
    assert len(breaches) == 3   # a model with no answer at all is a failure (exit 1), not also a breach
    assert bench.check_thresholds(result, bench.Thresholds()) == []   # no limit: unknown cost is not checked
    result.breaches = breaches
    assert result.exit_code == bench.EXIT_THRESHOLD


def test_bench_json_csv_and_report_carry_cost_and_memory(tmp_path):
    frame = costed(embedding_row("local:m", ms=12.5),
                   embedding_row("lexical:tfidf", ms=None, memory_mb=None, peak_memory_mb=None,
                                 memory_from="not measured"))
    result = result_with(frame.to_dict("records"))
    limits = bench.Thresholds(max_cost_per_1000=1.0)
    result.breaches = bench.check_thresholds(result, limits)
    bench.write_outputs(result, tmp_path, limits, {"models": ["local:m", "lexical:tfidf"]})
    payload = json.loads((tmp_path / "bench.json").read_text())
    rows = {r["model"]: r for r in payload["embeddings"]}
    assert rows["local:m"]["cost_per_1000"] == 0.00025 and rows["local:m"]["memory_mb"] == 80.0
    assert rows["lexical:tfidf"]["cost_per_1000"] is None and rows["lexical:tfidf"]["memory_mb"] is None
    assert rows["lexical:tfidf"]["cost_how"].startswith("unknown: ")
    assert payload["thresholds"] == {"max_cost_per_1000": 1.0}
    assert payload["cost"]["hourly_rate"] == {"usd_per_hour": 0.072, "label": "rate set with --hourly-rate",
                                              "set_by": "--hourly-rate", "source": None, "stale": False}
    assert payload["cost"]["rule"] == costs.RULE and payload["exit_code"] == bench.EXIT_THRESHOLD
    csv = pd.read_csv(tmp_path / "bench_embeddings.csv")
    assert {"cost_per_1000", "cost_how", "memory_mb", "peak_memory_mb", "memory_from"} <= set(csv)
    report = (tmp_path / "bench_report.html").read_text()
    for header in ("$ per 1,000 requests", "cost arithmetic", "memory MB", "peak MB", "memory from"):
        assert f"<th>{header}</th>" in report
    assert "<td>0.00025</td>" in report        # not rounded to 0.000
    assert "Cost and memory: how they were measured" in report and "$0.072/h (set by --hourly-rate)" in report


def test_the_report_shows_a_small_number_with_its_digits_and_unknown_for_none():
    html = build_report("t", "s", [("costs", pd.DataFrame({"cost": [0.0000931, 0.0, 1.23456, None]}))])
    assert "<td>9.31e-05</td>" in html and "<td>0.000</td>" in html and "<td>1.235</td>" in html
    assert "<td>unknown</td>" in html


def test_the_terminal_shows_dollars_and_unknown():
    frame = pd.DataFrame([{"model": "a", "cost_per_1000": 0.00025, "cost_how": "x"},
                          {"model": "b", "cost_per_1000": None, "cost_how": "unknown: y"}])
    shown = bench.for_people(frame, terminal=True)
    assert list(shown["$ per 1,000 requests"]) == ["$0.00025", "unknown"] and "cost arithmetic" not in shown
    assert "cost arithmetic" in bench.for_people(frame)


def test_server_prices_only_for_hf_models_on_inference_providers(monkeypatch):
    from hfcompare.refs import ModelRef

    monkeypatch.delenv("HFCOMPARE_HF_BASE_URL", raising=False)
    refs = [ModelRef.parse("hf:org/model"), ModelRef.parse("local:sentence-transformers/all-MiniLM-L6-v2"),
            ModelRef.parse("lexical:tfidf")]
    assert costs.server_prices(refs, {}, live=False) == {"hf:org/model": None}   # the bundled table: unknown
    monkeypatch.setenv("HFCOMPARE_HF_BASE_URL", "http://localhost:8080")      # your own TEI/TGI: self-hosted
    assert costs.server_prices(refs, {}, live=False) == {}
