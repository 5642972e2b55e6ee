"""The Scorecard's decision presets, per task: applying one, switching to Custom when the user edits a
weight, and undoing a preset that replaced the user's own weights."""

from __future__ import annotations

import streamlit as st

from hfcompare.decide.scorecard import PRESETS
from ui import keys
from ui.state import set_widget, value

CUSTOM = "custom"


def weight_key(task: str, criterion: str) -> str:
    return keys.scoped(keys.SC_WEIGHT, task, criterion)


def preset_key(task: str) -> str:
    return keys.scoped(keys.SC_PRESET, task)


def _current_weights(task: str) -> dict[str, float]:
    chosen = value(keys.scoped(keys.SC_CRITERIA, task), [])
    return {k: float(value(weight_key(task, k), 0.0)) for k in chosen}


def _set_weights(task: str, weights: dict[str, float]) -> None:
    set_widget(keys.scoped(keys.SC_CRITERIA, task), list(weights))
    for key, weight in weights.items():
        set_widget(weight_key(task, key), float(weight))


def apply_preset(task: str) -> None:
    """A preset replaces the weights of this task only; custom weights it replaces can be undone."""
    chosen = value(preset_key(task))
    previous = value(keys.scoped(keys.SC_PRESET_SHOWN, task), "balanced")
    if chosen == CUSTOM:  # back to the user's own weights, if a preset replaced them
        saved = st.session_state.pop(keys.scoped(keys.SC_UNDO, task), None)
        if saved:
            _set_weights(task, saved)
        set_widget(keys.scoped(keys.SC_PRESET_SHOWN, task), CUSTOM)
        return
    if previous == CUSTOM:
        st.session_state[keys.scoped(keys.SC_UNDO, task)] = _current_weights(task)
    _set_weights(task, PRESETS[chosen][task])
    set_widget(keys.scoped(keys.SC_PRESET_SHOWN, task), chosen)


def undo_preset(task: str) -> None:
    saved = st.session_state.pop(keys.scoped(keys.SC_UNDO, task), None)
    if saved:
        _set_weights(task, saved)
        set_widget(preset_key(task), CUSTOM)
        set_widget(keys.scoped(keys.SC_PRESET_SHOWN, task), CUSTOM)


def to_custom(task: str) -> None:
    """Any edit of the weights or criteria makes them the user's own."""
    set_widget(preset_key(task), CUSTOM)
    set_widget(keys.scoped(keys.SC_PRESET_SHOWN, task), CUSTOM)
    st.session_state.pop(keys.scoped(keys.SC_UNDO, task), None)
