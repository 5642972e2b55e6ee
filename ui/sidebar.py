"""The sidebar every page shares: cache size, hits, and a clear button."""

from __future__ import annotations

import streamlit as st

from hfcompare.backends.local.cpu import threads_problem
from hfcompare.backends.remote.common import config_problem
from hfcompare.config import HomeError, home, public_mode
from hfcompare.storage.store import configured_where, opened_store_warnings
from ui import keys
from ui.resources import embedding_cache, generation_cache
from ui.text import literal

CACHE_HELP = "Vectors already computed are kept on disk, keyed by model, variant and a hash of each text."
STORE_HELP = (
    "A SQLite file beside the app, unless the operator set HFCOMPARE_DATABASE_URL to a PostgreSQL database: "
    "then every replica and restart of this app shares one store, and products can report production calls "
    "to it (hfcompare.monitoring.track). A Space's disk is wiped on restart; its PostgreSQL is not."
)

PUBLIC_CACHE = "Every visitor of this public app shares the cache; only its operator can clear it."


def _clear_cache() -> None:
    embedding_cache().clear()
    generation_cache().clear()
    st.session_state[keys.SIDEBAR_CLEARED] = True


def _for_visitors(text: str) -> str:
    """In public mode, the server's data folder is not named to visitors."""
    if not public_mode():
        return text
    try:
        folder = str(home())
    except HomeError:
        return text
    return text.replace(folder, "the app's data folder")


def render_sidebar() -> None:
    """Draw the cache panel."""
    cache = embedding_cache()
    with st.sidebar:
        st.subheader("Cache", help=CACHE_HELP)
        for warning in cache.warnings + generation_cache().warnings + opened_store_warnings():
            st.warning(literal(_for_visitors(warning)))
        problem = config_problem()
        if problem:  # the app runs on its defaults; the file's problem is said, never a traceback
            st.warning(literal(f"The config file is ignored: {problem}"), icon="⚙️")
        threads = threads_problem()
        if threads:
            st.warning(literal(threads), icon="⚙️")
        stats = cache.stats()
        left, right = st.columns(2)
        left.metric("Entries", f"{stats.entries:,}")
        right.metric("Size", f"{stats.size_bytes / 1e6:.1f} MB")
        left.metric("Hits", f"{stats.hits:,}")
        right.metric("Misses", f"{stats.misses:,}")
        answers = len(generation_cache())
        cached = f"Vectors above; {answers:,} generated answer{'' if answers == 1 else 's'} cached too."
        engine, where = configured_where()
        if public_mode():   # visitors share this server: its paths are not theirs, nor is emptying its cache
            st.caption(f"{cached} {PUBLIC_CACHE}")
            st.caption(literal(f"Votes, share links, A/B tests and the call log: {engine} on this server" if engine
                               else "The store cannot be used here: votes and saved links are off until its operator fixes it."),
                       help=STORE_HELP)
        else:
            st.caption(f"{cached} Stored under `{stats.path.rsplit('/', 1)[0]}`")
            st.button("Clear cache", on_click=_clear_cache, key="sidebar_clear_cache", width="stretch")
            st.caption(literal(f"Votes, share links, A/B tests and the call log: {engine} at {where}" if engine
                               else f"The store cannot be used: {where}"), help=STORE_HELP)
        if st.session_state.pop(keys.SIDEBAR_CLEARED, False):
            st.success("Cache cleared.")
