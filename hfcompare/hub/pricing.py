"""Live prices of Hugging Face Inference Providers, read where the Hub publishes them.

The router's model list (`GET {router}/models`, OpenAI-shaped) gives, for each model, its
providers, each with `pricing: {"input": ..., "output": ...}` in USD per 1M tokens. The reply is
untrusted: a price that is not a finite number >= 0 is unknown, names are cut to a safe length.
`HFCOMPARE_ROUTER_URL` moves the router (tests point it at a local server).
"""

from __future__ import annotations

import json
import math
import os
from datetime import date

from hfcompare.cost import PriceSource, TokenPrice, bundled_token_price

ROUTER_ENV = "HFCOMPARE_ROUTER_URL"
DEFAULT_ROUTER = "https://router.huggingface.co/v1"
MAX_NAME = 100


def router_url() -> str:
    return (os.environ.get(ROUTER_ENV, "").strip() or DEFAULT_ROUTER).rstrip("/")


def _price(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def parse_router_models(payload, model: str, today: date | None = None, url: str = "") -> dict[str, TokenPrice]:
    """Provider name -> TokenPrice for `model` in a router `/models` reply (empty when it lists none)."""
    day = (today or date.today()).isoformat()
    data = payload.get("data") if isinstance(payload, dict) else None
    prices: dict[str, TokenPrice] = {}
    for card in data if isinstance(data, list) else []:
        if not isinstance(card, dict) or card.get("id") != model:
            continue
        for entry in card.get("providers") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("pricing"), dict):
                continue
            name = str(entry.get("provider", ""))[:MAX_NAME]
            pricing = entry["pricing"]
            inp, out = _price(pricing.get("input")), _price(pricing.get("output"))
            if not name or (inp is None and out is None):
                continue
            quote = json.dumps({"provider": name, "pricing": {"input": pricing.get("input"),
                                                              "output": pricing.get("output")}})[:300]
            source = PriceSource(f"Hugging Face router model list, provider {name} (live)", url or router_url() + "/models",
                                 quote, day)
            prices[name] = TokenPrice(inp, out, source)
    return prices


def live_prices(model: str, timeout_s: float = 10.0, today: date | None = None) -> dict[str, TokenPrice]:
    """The providers' prices for `model`, read live from the router; {} when the router cannot be read."""
    import requests

    url = router_url() + "/models"
    try:
        response = requests.get(url, timeout=timeout_s)
        response.raise_for_status()
        payload = response.json()
    except (requests.RequestException, ValueError):
        return {}
    return parse_router_models(payload, model, today, url)


def provider_price(model: str, provider: str = "", timeout_s: float = 10.0) -> TokenPrice | None:
    """One price for `model` on `provider` (or the cheapest listed provider when none is named):
    live from the router first, else the bundled table; None (unknown) when neither has one."""
    prices = live_prices(model, timeout_s)
    if provider and provider in prices:
        return prices[provider]
    if not provider and prices:
        known = [p for p in prices.values() if p.input_per_m is not None and p.output_per_m is not None]
        if known:
            return min(known, key=lambda p: (p.input_per_m + p.output_per_m, p.source.title))
    return bundled_token_price(model, provider)
