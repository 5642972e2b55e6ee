from __future__ import annotations

from datetime import date

from hfcompare import cost
from hfcompare.cost import HourlyRate, PriceSource, TokenPrice

SRC = PriceSource("Example page", "https://example.org/prices", "$0.20 / $0.80", "2026-12-01")


def test_token_cost_arithmetic_is_exact_and_shown():
    price = TokenPrice(0.2, 0.8, SRC)
    # 4 requests: 1,000 prompt tokens and 2,000 output tokens in all.
    c = cost.token_cost(price, 4, 1000, 2000, today=date(2026, 12, 7))
    # (1000 × 0.2 + 2000 × 0.8) / 1e6 / 4 × 1000 = 1800 / 4000 = 0.45
    assert c.usd_per_1000 == 0.45
    assert "1000 input tokens × $0.2/1M + 2000 output tokens × $0.8/1M" in c.arithmetic
    assert "÷ 4 requests × 1,000 = $0.45" in c.arithmetic
    assert not c.stale and "https://example.org/prices" in c.source


def test_time_cost_arithmetic_is_exact():
    rate = HourlyRate(0.067, None)
    # 36 s over 10 requests: 3.6 s each; 3,600 s per 1,000 requests = 1 hour = $0.067.
    c = cost.time_cost(rate, 10, 36.0)
    assert c.usd_per_1000 == 0.067
    assert "36 s ÷ 10 requests × 1,000 × $0.067/h ÷ 3,600 s/h = $0.067" in c.arithmetic
    assert c.source == "hourly rate set by you"


def test_stale_after_90_days():
    assert not SRC.stale(date(2027, 3, 1))  # 90 days
    assert SRC.stale(date(2027, 3, 2))  # 91 days
    c = cost.token_cost(TokenPrice(1.0, 1.0, SRC), 1, 10, 10, today=date(2027, 6, 1))
    assert c.stale and "stale" in c.source
    assert PriceSource("t", "u", "q", "not a date").stale()


def test_unknown_stays_unknown_never_zero():
    assert cost.token_cost(None, 3, 100, 100).usd_per_1000 is None
    assert cost.token_cost(TokenPrice(None, 0.8, SRC), 3, 100, 100).usd_per_1000 is None
    assert cost.token_cost(TokenPrice(0.2, None, SRC), 3, 100, 100).usd_per_1000 is None
    assert cost.token_cost(TokenPrice(0.2, 0.8, SRC), 3, None, 100).usd_per_1000 is None
    assert cost.token_cost(TokenPrice(0.2, 0.8, SRC), 0, 100, 100).usd_per_1000 is None
    assert cost.time_cost(None, 3, 1.0).usd_per_1000 is None
    assert cost.time_cost(HourlyRate(0.1, None), 3, None).usd_per_1000 is None
    assert cost.time_cost(HourlyRate(0.1, None), 3, float("nan")).usd_per_1000 is None
    unknown = cost.time_cost(None, 3, 1.0)
    assert unknown.arithmetic.startswith("unknown") and not unknown.known
    # A free price is a known 0, distinct from unknown.
    assert cost.token_cost(TokenPrice(0.0, 0.0, SRC), 1, 10, 10).usd_per_1000 == 0.0


def test_bundled_table_every_price_has_source_quote_and_date():
    table = cost.load_prices()
    assert table["hourly"], "at least the default instance"
    for entry in table["hourly"].values():
        s = entry["source"]
        assert s["url"].startswith("https://") and s["quote"] and date.fromisoformat(s["checked"])
        assert f"${entry['usd_per_hour']:.3f}" in s["quote"]
    for entries in table["tokens"].values():
        for entry in entries:
            assert entry["source"]["url"].startswith("https://") and entry["source"]["quote"]
    default = cost.bundled_rate()
    assert default.usd_per_hour == 0.067 and "intel-spr x2" in default.label


def test_hourly_rate_set_by_person_wins(monkeypatch):
    monkeypatch.delenv(cost.HOURLY_RATE_ENV, raising=False)
    assert cost.hourly_rate().source is not None  # the bundled default
    monkeypatch.setenv(cost.HOURLY_RATE_ENV, "0.5")
    assert cost.hourly_rate().usd_per_hour == 0.5
    assert cost.hourly_rate(1.25).usd_per_hour == 1.25
    assert cost.rate_from("-1") is None and cost.rate_from("x") is None
    assert cost.bundled_token_price("no/such-model") is None


def test_ms_cost_is_ms_per_request_times_rate_exactly():
    # 1,000 requests × 36 ms = 36 s; 36 × $0.1/h ÷ 3,600 = $0.001
    c = cost.ms_cost(HourlyRate(0.1, None), 36.0, "median of 5 timed passes")
    assert c.usd_per_1000 == 0.001
    assert c.arithmetic == ("36 ms/text (median of 5 timed passes) × 1,000 requests = 36 s × $0.1/h ÷ 3,600 s/h "
                            "= $0.001 (rate you set)")
    assert cost.ms_cost(HourlyRate(0.0, None), 36.0).usd_per_1000 == 0.0   # free hardware: a known 0
    assert cost.ms_cost(None, 36.0).usd_per_1000 is None
    assert cost.ms_cost(HourlyRate(0.1, None), None).usd_per_1000 is None


def test_described_cost_carries_arithmetic_stale_mark_and_source():
    c = cost.token_cost(TokenPrice(1.0, 1.0, SRC), 1, 10, 10, today=date(2027, 6, 1))
    text = cost.described(c)
    assert text.startswith(c.arithmetic) and " · stale price · " in text and text.endswith(c.source)
