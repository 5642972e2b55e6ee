"""Cost per 1,000 requests, with its arithmetic and its source (pure; no network, no widgets).

Two rules give a cost:
- a model on a server with a published price: tokens (or texts) × the price per 1M;
- a self-hosted model (local, or your own server): measured seconds × an hourly rate for the hardware.

Every price carries a source (title, URL, the page's words, the date checked) and is stale 90 days
after that date. A price nobody published or set is unknown: the cost is None, never 0.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

PRICES_PATH = Path(__file__).parent / "data" / "prices.json"
STALE_AFTER_DAYS = 90
PER_REQUESTS = 1000
#: The environment variable (and config key `hourly_rate`) that sets the hourly rate for self-hosted models.
HOURLY_RATE_ENV = "HFCOMPARE_HOURLY_RATE"


@dataclass(frozen=True)
class PriceSource:
    title: str
    url: str
    quote: str
    checked: str  # ISO day the page was read (for a live price: the day it was fetched)

    def age_days(self, today: date | None = None) -> int | None:
        try:
            return ((today or date.today()) - date.fromisoformat(self.checked)).days
        except ValueError:
            return None

    def stale(self, today: date | None = None) -> bool:
        """True when the price was checked more than 90 days ago (or its date cannot be read)."""
        age = self.age_days(today)
        return age is None or age > STALE_AFTER_DAYS

    def cite(self, today: date | None = None) -> str:
        mark = " (stale: checked over 90 days ago)" if self.stale(today) else ""
        return f"{self.title} ({self.url}), checked {self.checked}{mark}: \"{self.quote}\""


@dataclass(frozen=True)
class TokenPrice:
    """USD per 1M input and output tokens (generation) or per 1M tokens or texts (embeddings: input only)."""
    input_per_m: float | None
    output_per_m: float | None
    source: PriceSource
    per: str = "tokens"  # "tokens" or "texts"


@dataclass(frozen=True)
class HourlyRate:
    usd_per_hour: float
    source: PriceSource | None  # None: the person set it
    label: str = "rate you set"


@dataclass(frozen=True)
class Cost:
    """USD per 1,000 requests (None = unknown), how it was computed, and where the price comes from."""
    usd_per_1000: float | None
    arithmetic: str
    source: str = ""
    stale: bool = False

    @property
    def known(self) -> bool:
        return self.usd_per_1000 is not None


def _ok(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _frac(value: float) -> Fraction:
    return Fraction(str(value))


def usd(value: float | None) -> str:
    """A dollar amount with enough digits to check it ('unknown' for None)."""
    if value is None:
        return "unknown"
    return f"${value:.6g}" if value < 1 else f"${value:,.4f}".rstrip("0").rstrip(".")


def unknown(reason: str) -> Cost:
    return Cost(None, f"unknown: {reason}")


def token_cost(price: TokenPrice | None, requests: int, input_count: float | None,
               output_count: float | None = 0, today: date | None = None) -> Cost:
    """Cost per 1,000 requests from the tokens (or texts) counted over `requests` requests:
    (input × input price + output × output price) / 1M / requests × 1,000."""
    if price is None:
        return unknown("no published price for this model")
    if not requests or requests <= 0:
        return unknown("no request was measured")
    if not _ok(input_count) or not _ok(price.input_per_m):
        return unknown(f"input {price.per} or their price unknown")
    total = _frac(input_count) * _frac(price.input_per_m)
    text = f"{input_count:g} input {price.per} × ${price.input_per_m:g}/1M"
    if output_count:
        if not _ok(output_count) or not _ok(price.output_per_m):
            return unknown("output tokens or their price unknown")
        total += _frac(output_count) * _frac(price.output_per_m)
        text += f" + {output_count:g} output tokens × ${price.output_per_m:g}/1M"
    per_1000 = total / 1_000_000 / requests * PER_REQUESTS
    text = f"({text}) ÷ {requests} requests × 1,000 = {usd(float(per_1000))}"
    return Cost(float(per_1000), text, price.source.cite(today), price.source.stale(today))


def _rate_cost(rate: HourlyRate, per_1000: Fraction, text: str, today: date | None) -> Cost:
    source = rate.source.cite(today) if rate.source else "hourly rate set by you"
    stale = rate.source.stale(today) if rate.source else False
    return Cost(float(per_1000), f"{text} = {usd(float(per_1000))} ({rate.label})", source, stale)


def time_cost(rate: HourlyRate | None, requests: int, seconds: float | None, today: date | None = None) -> Cost:
    """Cost per 1,000 requests of a self-hosted model: measured seconds ÷ requests × 1,000 × rate / 3,600."""
    if rate is None:
        return unknown("no hourly rate set for the hardware")
    if not requests or requests <= 0:
        return unknown("no request was measured")
    if not _ok(seconds) or not _ok(rate.usd_per_hour):
        return unknown("time or hourly rate unknown")
    per_1000 = _frac(seconds) / requests * PER_REQUESTS * _frac(rate.usd_per_hour) / 3600
    return _rate_cost(rate, per_1000, f"{seconds:g} s ÷ {requests} requests × 1,000 × ${rate.usd_per_hour:g}/h "
                                      f"÷ 3,600 s/h", today)


def ms_cost(rate: HourlyRate | None, ms_per_request: float | None, basis: str = "", unit: str = "text",
            today: date | None = None) -> Cost:
    """Cost per 1,000 requests of a self-hosted model from its measured milliseconds per request (one
    request = one `unit`): 1,000 requests × ms/1,000 = that many seconds, × rate / 3,600. `basis` says
    where the milliseconds come from (e.g. "median of 3 timed passes")."""
    if rate is None:
        return unknown("no hourly rate set for the hardware")
    if not _ok(ms_per_request) or not _ok(rate.usd_per_hour):
        return unknown("time or hourly rate unknown")
    per_1000 = _frac(ms_per_request) * _frac(rate.usd_per_hour) / 3600
    how = f" ({basis})" if basis else ""
    return _rate_cost(rate, per_1000, f"{ms_per_request:g} ms/{unit}{how} × 1,000 requests = {ms_per_request:g} s "
                                      f"× ${rate.usd_per_hour:g}/h ÷ 3,600 s/h", today)


# --- cost columns of a table --------------------------------------------------------------------

#: The keys of a table's cost columns (generation summary, embeddings timing table) and their headers.
COST_PER_1000 = "cost_per_1000"
COST_HOW = "cost_how"
COST_LABELS = {COST_PER_1000: "$ per 1,000 requests", COST_HOW: "cost arithmetic"}


def described(cost: Cost) -> str:
    """A cost's arithmetic, a stale mark and its source, in one line (the 'cost arithmetic' column)."""
    return cost.arithmetic + (" · stale price" if cost.stale else "") + (f" · {cost.source}" if cost.source else "")


def with_costs(frame, costs: list[Cost]):
    """`frame` (a DataFrame, one row per cost) with the cost columns; an unknown cost stays None, not NaN."""
    import pandas as pd

    return frame.assign(**{COST_PER_1000: pd.Series([c.usd_per_1000 for c in costs], index=frame.index, dtype=object),
                           COST_HOW: [described(c) for c in costs]})


# --- the bundled table -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_prices() -> dict:
    return json.loads(PRICES_PATH.read_text())


def _source(raw: dict) -> PriceSource:
    return PriceSource(raw["title"], raw["url"], raw["quote"], raw["checked"])


def bundled_rate(key: str | None = None) -> HourlyRate | None:
    """An hourly rate from the bundled table (the default instance when `key` is None)."""
    table = load_prices()
    entry = table["hourly"].get(key or table.get("default_hourly") or "")
    if entry is None:
        return None
    return HourlyRate(float(entry["usd_per_hour"]), _source(entry["source"]), entry["label"])


def bundled_token_price(model: str, provider: str = "") -> TokenPrice | None:
    """A per-token price from the bundled table, or None (unknown) when the table has none."""
    entries = load_prices().get("tokens", {}).get(model) or []
    for entry in entries:
        if not provider or entry.get("provider") == provider:
            return TokenPrice(entry.get("input_per_m"), entry.get("output_per_m"), _source(entry["source"]),
                              entry.get("per", "tokens"))
    return None


def rate_from(value) -> HourlyRate | None:
    """A rate the person set (a number >= 0), or None when unset or unreadable."""
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return HourlyRate(number, None) if _ok(number) else None


def hourly_rate(configured=None) -> HourlyRate | None:
    """The rate in use: the one set (argument, then HFCOMPARE_HOURLY_RATE), else the bundled default."""
    for value in (configured, os.environ.get(HOURLY_RATE_ENV, "")):
        if value not in (None, ""):
            rate = rate_from(value)
            if rate is not None:
                return rate
    return bundled_rate()


def on_providers(ref, settings: dict | None = None) -> tuple[bool, str]:
    """(True, provider) for an `hf` model sent to Inference Providers, priced per token; (False, "") for
    any other model (local, or a server of your own: self-hosted, costed by time). `settings` maps backend
    names to RemoteSettings (the environment's when absent)."""
    if getattr(ref, "backend", "") != "hf":
        return False, ""
    from hfcompare.backends import settings_from_environment

    found = (settings or {}).get("hf") or settings_from_environment("hf")
    if (getattr(found, "base_url", None) or "").strip():
        return False, ""   # your own TEI/TGI server: self-hosted
    provider = (getattr(found, "provider", None) or "").strip()
    return True, "" if provider == "auto" else provider
