"""Widget values the program owns: kept across page visits, and set by the program (a sample, a
preset, a share link) without losing a race against the browser.

Streamlit takes every widget's value from the browser on each rerun, and a browser value outranks one
the program set. A click the browser sends before it has drawn a value the program just set (Load
sample, then Run at once, on a busy server) therefore carries the old value and overwrites the new
one: 5 of 8 concurrent sessions lost their sample that way. So a value set by the program goes to a
new widget identity, `key@n`; the browser's stale value names the old identity, which no widget
holds any more, and Streamlit drops it.

Draw a widget with `key=widget_key(key)`, between `restore(key)` and `remember(key)`. After
`remember`, `st.session_state[key]` holds its value under the plain key, whatever its identity.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.keys import KEPT_SUFFIX

GENERATION_SUFFIX = "__generation"


def widget_key(key: str) -> str:
    """The key widget `key` is drawn with now: `key` until the program first sets it, then `key@n`."""
    generation = st.session_state.get(key + GENERATION_SUFFIX, 0)
    return f"{key}@{generation}" if generation else key


def value(key: str, default: Any = None) -> Any:
    """Widget `key`'s value as of now, also in a callback before the page draws it."""
    current = widget_key(key)
    if current in st.session_state:
        return st.session_state[current]
    kept = st.session_state.get(key + KEPT_SUFFIX)
    return default if kept is None else kept


def restore(key: str, default: Any = None) -> None:
    """Give widget `key` back the value it had when its page was last drawn.

    Streamlit forgets the state of widgets a run does not draw, so a visit to another page would
    reset them; call this before drawing the widget and `remember(key)` after.
    """
    current = widget_key(key)
    if current not in st.session_state:
        kept = st.session_state.get(key + KEPT_SUFFIX)
        if kept is not None:
            st.session_state[current] = kept
        elif default is not None:
            st.session_state[current] = default
    if current in st.session_state:
        # Set it again, so this run tells the browser the value: Streamlit sends a widget's value
        # only in the run that set it, and a browser that missed that run (a click interrupted it)
        # would draw the widget empty while the server holds the value.
        st.session_state[current] = st.session_state[current]


def remember(key: str) -> None:
    """Keep a copy of widget `key`'s value that outlives visits to other pages (and, once the widget
    has a new identity, under its plain key for the code that reads it)."""
    current = widget_key(key)
    if current in st.session_state:
        st.session_state[key + KEPT_SUFFIX] = st.session_state[current]
        if current != key:
            st.session_state[key] = st.session_state[current]


def renew(key: str) -> str:
    """Give widget `key` a new identity (what the browser still holds for the old one is ignored);
    returns the new widget key."""
    st.session_state[key + GENERATION_SUFFIX] = st.session_state.get(key + GENERATION_SUFFIX, 0) + 1
    return widget_key(key)


def set_widget(key: str, new_value: Any) -> None:
    """Put a value in widget `key` from the program (a callback, a link, a preset): the widget shows
    it and reruns read it, even if a click the browser sent before drawing it carries the old value."""
    st.session_state[renew(key)] = new_value
    st.session_state[key + KEPT_SUFFIX] = new_value
    st.session_state[key] = new_value  # for code that reads it before the widget is drawn again


def forget(key: str) -> None:
    """Drop widget `key`'s value, so its next `restore` starts from the default."""
    for name in (widget_key(key), key, key + KEPT_SUFFIX):
        st.session_state.pop(name, None)
