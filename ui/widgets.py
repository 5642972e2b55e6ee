"""Widgets more than one page draws."""

from __future__ import annotations

from typing import Any

import streamlit as st

from hfcompare.backends import available_models
from ui import keys
from ui.share import REFUSED
from ui.text import literal


def restore(key: str, default: Any = None) -> None:
    """Give widget `key` back the value it had when its page was last drawn.

    Streamlit forgets the state of widgets a run does not draw, so a visit to another page would
    reset them; call this before drawing the widget and `remember(key)` after.
    """
    if key not in st.session_state:
        kept = st.session_state.get(key + keys.KEPT_SUFFIX)
        if kept is not None:
            st.session_state[key] = kept
        elif default is not None:
            st.session_state[key] = default


def remember(key: str) -> None:
    """Keep a copy of widget `key`'s value that outlives visits to other pages."""
    if key in st.session_state:
        st.session_state[key + keys.KEPT_SUFFIX] = st.session_state[key]


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
        st.session_state[key] = list(dict.fromkeys([*st.session_state[key], *pending]))
    for ref in st.session_state[key]:
        labels.setdefault(ref, ref)
    st.multiselect("Models", options=list(labels), format_func=lambda ref: labels.get(ref, ref),
                   accept_new_options=True, key=key, help=help_text, placeholder=placeholder)
    remember(key)
    _offer_refused(key)
    return list(st.session_state.get(key, []))


def _add_refused(key: str, ref: str) -> None:
    st.session_state[key] = list(dict.fromkeys([*st.session_state.get(key, []), ref]))
    remember(key)
    refused = [r for r in st.session_state.get(REFUSED + key, []) if r != ref]
    st.session_state[REFUSED + key] = refused


def _offer_refused(key: str) -> None:
    """Public mode: the models a link named but this app refused, each added only by a click."""
    for i, ref in enumerate(st.session_state.get(REFUSED + key, [])):
        st.button(f"Add {literal(ref)}", key=f"{REFUSED}{key}_{i}", on_click=_add_refused, args=(key, ref),
                  help="The link named this model; in public mode it is loaded only if you add it yourself.")
