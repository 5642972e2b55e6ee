"""The Scorecard's decision presets, per task: applying one, switching to Custom when the user edits a
weight, and undoing a preset that replaced the user's own weights."""

from __future__ import annotations

import streamlit as st

from hfcompare.decide.scorecard import PRESETS
from ui import keys
from ui.state import set_widget, value

CUSTOM = "custom"


def weight_key(task: str, criterion: str) -> str:
    return f"{keys.SC_WEIGHT}_{task}_{criterion}"


def preset_key(task: str) -> str:
    return f"{keys.SC_PRESET}_{task}"


def _current_weights(task: str) -> dict[str, float]:
    chosen = value(f"{keys.SC_CRITERIA}_{task}", [])
    return {k: float(value(weight_key(task, k), 0.0)) for k in chosen}


def _set_weights(task: str, weights: dict[str, float]) -> None:
    set_widget(f"{keys.SC_CRITERIA}_{task}", list(weights))
    for key, weight in weights.items():
        set_widget(weight_key(task, key), float(weight))


def apply_preset(task: str) -> None:
    """A preset replaces the weights of this task only; custom weights it replaces can be undone."""
    chosen = value(preset_key(task))
    previous = value(f"{keys.SC_PRESET_SHOWN}_{task}", "balanced")
    if chosen == CUSTOM:  # back to the user's own weights, if a preset replaced them
        saved = st.session_state.pop(f"{keys.SC_UNDO}_{task}", None)
        if saved:
            _set_weights(task, saved)
        set_widget(f"{keys.SC_PRESET_SHOWN}_{task}", CUSTOM)
        return
    if previous == CUSTOM:
        st.session_state[f"{keys.SC_UNDO}_{task}"] = _current_weights(task)
    _set_weights(task, PRESETS[chosen][task])
    set_widget(f"{keys.SC_PRESET_SHOWN}_{task}", chosen)


def undo_preset(task: str) -> None:
    saved = st.session_state.pop(f"{keys.SC_UNDO}_{task}", None)
    if saved:
        _set_weights(task, saved)
        set_widget(preset_key(task), CUSTOM)
        set_widget(f"{keys.SC_PRESET_SHOWN}_{task}", CUSTOM)


def to_custom(task: str) -> None:
    """Any edit of the weights or criteria makes them the user's own."""
    set_widget(preset_key(task), CUSTOM)
    set_widget(f"{keys.SC_PRESET_SHOWN}_{task}", CUSTOM)
    st.session_state.pop(f"{keys.SC_UNDO}_{task}", None)
