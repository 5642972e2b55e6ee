"""Widgets more than one page draws."""

from __future__ import annotations

import logging
from typing import Any, Callable

import streamlit as st

from hfcompare.backends import available_models
from ui import keys, prose
from ui.share import REFUSED
from ui.state import remember, restore, set_widget, value, widget_key
from ui.text import literal


def render_model_picker(task: str, key: str, help_text: str, placeholder: str) -> list[str]:
    """A multiselect of the models for `task`: the bundled ones (chosen at first, except quantized
    copies of another), those a server listed in the Endpoints panel, those added on the Discover
    page, and any `backend:model` the user types. Returns the choices."""
    offered = available_models(task)
    labels = {m.ref: m.label for m in offered}
    for backend, state_key in keys.ENDPOINT_MODELS.items():
        for model in st.session_state.get(state_key, []):
            labels.setdefault(f"{backend}:{model}", f"{model} · {backend} server")
    restore(key, [m.ref for m in offered if m.offline and not m.variant_of])
    pending = st.session_state.pop(keys.DISC_PENDING[task], [])
    if pending:
        set_widget(key, list(dict.fromkeys([*value(key, []), *pending])))
    for ref in value(key, []):
        labels.setdefault(ref, ref)
    st.multiselect("Models", options=list(labels), format_func=lambda ref: labels.get(ref, ref),
                   accept_new_options=True, key=widget_key(key), help=help_text, placeholder=placeholder)
    remember(key)
    _offer_refused(key)
    return list(value(key, []))


def _add_refused(key: str, ref: str) -> None:
    set_widget(key, list(dict.fromkeys([*value(key, []), ref])))
    refused = [r for r in st.session_state.get(REFUSED + key, []) if r != ref]
    st.session_state[REFUSED + key] = refused


def _offer_refused(key: str) -> None:
    """Public mode: the models a link named but this app refused, each added only by a click."""
    for i, ref in enumerate(st.session_state.get(REFUSED + key, [])):
        st.button(f"Add {literal(ref)}", key=f"{REFUSED}{key}_{i}", on_click=_add_refused, args=(key, ref),
                  help="The link named this model; in public mode it is loaded only if you add it yourself.")


def build_figure(build: Callable[[], Any]) -> Any:
    """The plotly figure `build()` returns, or None when it fails (a chart is never worth the page)."""
    try:
        return build()
    except Exception:  # any failure: the caller shows a message in the chart's place
        logging.getLogger(__name__).exception("a chart failed to build")
        return None


def chart(figure: Any, key: str, where: Any = None, **options: Any) -> Any:
    """Draw a plotly figure (or the one a function builds, through `build_figure`) in `where` (a
    column; the page by default). A figure that failed to build leaves a message in its place, not a
    traceback: the numbers stay in the tables beside it. Returns what `plotly_chart` returns (a
    selection event when `on_select` is set)."""
    where = where or st
    if callable(figure):
        figure = build_figure(figure)
    if figure is None:
        where.warning(prose.CHART_FAILED, icon="📉")
        return None
    return where.plotly_chart(figure, key=key, **options)
