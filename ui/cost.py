"""Cost inputs shared by the pages that show cost (Generation, Embeddings, Scorecard): the hourly rate
for self-hosted models, and the prices of models on Hugging Face Inference Providers."""

from __future__ import annotations

import streamlit as st

from ui import keys
from ui.state import remember, restore, value, widget_key

HOURLY_RATE_LABEL = "Hourly rate for self-hosted models (USD)"
def hourly_rate_help(default_label: str, default_rate: float | None, source: str) -> str:
    """Help for the hourly-rate input: what the rate does and where the default comes from."""
    if default_rate is None:
        return ("Cost of a local model or your own server = measured seconds × this rate. No sourced default: "
                "the cost stays unknown until you set a rate.")
    return (f"Cost of a local model or your own server = measured seconds × this rate. The default, "
            f"${default_rate:g}/h, is {default_label}: {source}. Set your own hardware's rate to replace it.")
HOURLY_RATE_DEFAULT = "Default: {label}, ${rate:g}/h ([pricing]({url}), checked {checked})."
HOURLY_RATE_STALE = "That price was checked over 90 days ago: check it again."


@st.cache_data(ttl=3600, show_spinner=False)
def _provider_price(model: str, provider: str):
    from hfcompare.hub.pricing import provider_price
    return provider_price(model, provider, timeout_s=5)


def provider_prices(refs, names: dict | None = None) -> dict:
    """Table name (`names[ref]`, else the reference) -> TokenPrice or None (unknown) for every model on
    Inference Providers (live from the Hub, else the bundled table). A model missing from the dict is
    self-hosted (local, or a server URL set in the environment, the config file or the Endpoints panel)
    and costs its measured time × the hourly rate."""
    if not any(ref.backend == "hf" for ref in refs):
        return {}
    from hfcompare.cost import on_providers
    from ui.session import endpoint_settings

    settings = endpoint_settings()
    found = {ref: on_providers(ref, settings) for ref in refs}
    return {(names or {}).get(ref, str(ref)): _provider_price(ref.model, provider)
            for ref, (on, provider) in found.items() if on}


def _default():
    from hfcompare.cost import bundled_rate
    return bundled_rate()


def _chosen(number, default):
    """The rate a number stands for; the sourced default keeps its source."""
    from hfcompare.cost import rate_from

    chosen = None if number is None else rate_from(number)
    if chosen is not None and default is not None and number == default.usd_per_hour:
        return default
    return chosen


def rate_in_use(key: str = keys.COST_HOURLY_RATE):
    """The hourly rate last set in the input (or the sourced default), without drawing it: an HourlyRate,
    or None (unknown) when the person cleared it."""
    default = _default()
    return _chosen(value(key, default.usd_per_hour if default else None), default)


def hourly_rate_input(key: str = keys.COST_HOURLY_RATE):
    """The hourly-rate input (one value for every page that shows cost); returns the HourlyRate in use,
    or None when it is empty (costs of self-hosted models are then unknown)."""
    default = _default()
    restore(key, default.usd_per_hour if default else None)
    field, note = st.columns([1, 2], vertical_alignment="bottom")
    if default is not None and default.source is not None:   # the default's source, named on the page
        note.caption(HOURLY_RATE_DEFAULT.format(label=default.label, rate=default.usd_per_hour,
                                                      url=default.source.url, checked=default.source.checked)
                     + (" " + HOURLY_RATE_STALE if default.source.stale() else ""))
    number = field.number_input(HOURLY_RATE_LABEL, min_value=0.0, step=0.01, format="%.3f", value=None,
                             key=widget_key(key),
                             help=hourly_rate_help(default.label if default else "",
                                                         default.usd_per_hour if default else None,
                                                         default.source.url if default and default.source else ""))
    remember(key)
    return _chosen(number, default)


#: Three significant digits, so a cost of a fraction of a cent still reads (the arithmetic column has the rest).
COST_FORMAT = "$%.3g"


def cost_column_config(help_text: str) -> dict:
    """Column settings for a table's cost columns (renamed with COST_LABELS): the dollar figure to three
    significant digits, and both columns' help."""
    from hfcompare.cost import COST_HOW, COST_LABELS, COST_PER_1000

    per_1000, how = COST_LABELS[COST_PER_1000], COST_LABELS[COST_HOW]
    return {per_1000: st.column_config.NumberColumn(per_1000, help=help_text, format=COST_FORMAT),
            how: st.column_config.TextColumn(how, help=help_text)}
