"""Widgets more than one page draws."""

from __future__ import annotations

import streamlit as st

from hfcompare.backends import available_models
from ui import keys
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
