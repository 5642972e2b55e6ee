"""Widgets more than one page draws."""

from __future__ import annotations

import streamlit as st

from hfcompare.backends import available_models
from ui import keys


def render_model_picker(task: str, key: str, help_text: str, placeholder: str) -> list[str]:
    """A multiselect of the models for `task`: the bundled ones (chosen at first), those a server
    listed in the Endpoints panel, and any `backend:model` the user types. Returns the choices."""
    offered = available_models(task)
    labels = {m.ref: m.label for m in offered}
    for backend, state_key in keys.ENDPOINT_MODELS.items():
        for model in st.session_state.get(state_key, []):
            labels.setdefault(f"{backend}:{model}", f"{model} · {backend} server")
    if key not in st.session_state:
        st.session_state[key] = [m.ref for m in offered if m.offline]
    st.multiselect("Models", options=list(labels), format_func=lambda ref: labels.get(ref, ref),
                   accept_new_options=True, key=key, help=help_text, placeholder=placeholder)
    return list(st.session_state.get(key, []))
