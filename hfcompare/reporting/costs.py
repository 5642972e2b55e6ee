"""What `hfcompare bench` needs to cost its rows: the hourly rate in use (flag, environment, bundled
default; a bad value is an error, never ignored) and the prices of `hf` models on Inference Providers.

The rules are hfcompare.cost's, applied by the tables the pages use too
(hfcompare.embeddings.tables.add_costs, hfcompare.generation.tables.add_costs): a model on a server
with a published price costs its tokens (or texts) × the price per 1M; any other model is self-hosted
and costs its measured seconds × the hourly rate. For embeddings a request is one text, so the median
ms per text × 1,000 is the seconds per 1,000 requests. A cost nobody can compute is None (null in
JSON, "unknown" in reports), never 0.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any

from hfcompare.cost import (COST_HOW, COST_LABELS, COST_PER_1000, HOURLY_RATE_ENV, HourlyRate, TokenPrice,
                                   bundled_rate)

__all__ = ["COST_PER_1000", "COST_HOW", "COST_LABELS", "RULE", "RateInUse", "RateError", "rate_in_use",
           "server_prices"]

#: The cost rule in one sentence (bench.json's "cost" section, the report, the README).
RULE = ("Cost per 1,000 requests (an embedding request is one text, a generation request one prompt): models on "
        "Hugging Face Inference Providers cost their measured tokens × the provider's price per 1M tokens; every "
        "other model is self-hosted and costs its measured seconds × the hourly rate; no price or rate means "
        "unknown (null), never 0.")


class RateError(ValueError):
    """An hourly rate that is not a finite number of US dollars per hour, 0 or more."""


@dataclass(frozen=True)
class RateInUse:
    """The hourly rate a run uses and where it was set: the flag, the environment, or the bundled default."""

    rate: HourlyRate | None
    set_by: str  # "--hourly-rate", "HFCOMPARE_HOURLY_RATE", "bundled default", or "none"

    def to_json(self) -> dict[str, Any]:
        rate = self.rate
        return {"usd_per_hour": None if rate is None else rate.usd_per_hour,
                "label": None if rate is None else rate.label, "set_by": self.set_by,
                "source": None if rate is None or rate.source is None else rate.source.cite(),
                "stale": bool(rate is not None and rate.source is not None and rate.source.stale())}

    def describe(self) -> str:
        """One line for the terminal and the report."""
        rate = self.rate
        if rate is None:
            return "hourly rate: none (no bundled default); self-hosted costs are unknown"
        where = (f"the bundled default, {rate.label}; source: {rate.source.cite()}" if rate.source is not None
                 else f"set by {self.set_by}")
        return f"hourly rate for self-hosted models: ${rate.usd_per_hour:g}/h ({where})"


def _number(text, name: str, fix: str = "") -> float:
    try:
        value = float(str(text).strip())
    except (TypeError, ValueError):
        raise RateError(f"{name} must be a number of US dollars per hour (0 or more), not {str(text)[:40]!r}"
                        f"{fix}.") from None
    if not math.isfinite(value) or value < 0:
        raise RateError(f"{name} must be a finite number of US dollars per hour, 0 or more, not {str(text)[:40]!r}"
                        f"{fix}.")
    return value


def rate_in_use(flag: str | float | None = None, environ: dict | None = None) -> RateInUse:
    """The rate: `flag` (--hourly-rate), else HFCOMPARE_HOURLY_RATE, else the bundled, sourced default.
    A flag or variable that is set but not a finite number >= 0 raises RateError (never silently ignored)."""
    environ = os.environ if environ is None else environ
    if flag is not None and str(flag).strip() != "":
        return RateInUse(HourlyRate(_number(flag, "--hourly-rate"), None, "rate set with --hourly-rate"),
                         "--hourly-rate")
    if flag is not None:
        raise RateError("--hourly-rate is empty; give US dollars per hour, e.g. --hourly-rate 0.5.")
    raw = environ.get(HOURLY_RATE_ENV, "")
    if raw.strip():
        value = _number(raw, HOURLY_RATE_ENV, "; fix it or unset it")
        return RateInUse(HourlyRate(value, None, f"rate set with {HOURLY_RATE_ENV}"), HOURLY_RATE_ENV)
    default = bundled_rate()
    return RateInUse(default, "bundled default" if default is not None else "none")


def server_prices(refs, settings: dict | None = None, live: bool | None = None) -> dict[str, TokenPrice | None]:
    """{str(ref): price or None} for the `hf` models on Inference Providers among `refs` (other models
    are self-hosted and absent). Live from the router (hfcompare.hub.pricing, 5 s timeout) unless
    `live` is False or HF_HUB_OFFLINE is set; then the bundled table only. None = unknown price."""
    from hfcompare.cost import bundled_token_price, on_providers
    from hfcompare.backends.hub import hub_offline_forced

    live = (not hub_offline_forced()) if live is None else live
    prices: dict[str, TokenPrice | None] = {}
    for ref in refs:
        on, provider = on_providers(ref, settings)
        if not on:
            continue
        if live:
            from hfcompare.hub.pricing import provider_price

            prices[str(ref)] = provider_price(ref.model, provider, timeout_s=5)
        else:
            prices[str(ref)] = bundled_token_price(ref.model, provider)
    return prices
