"""Process-wide resources, created once per process through st.cache_resource."""

from __future__ import annotations

import streamlit as st

from hfcompare.config import home
from hfcompare.storage.cache import EmbeddingCache, GenerationCache

STORE_WAIT = "Waiting for the store… (another process is writing to it)"


@st.cache_resource(show_spinner=False)
def _cache_at(path: str) -> EmbeddingCache:
    from pathlib import Path

    return EmbeddingCache(Path(path))


class ResourceUnavailable(BaseException):
    """A cache or the store cannot be used; the reason is on screen. A BaseException, like `st.stop()`:
    it ends the page (app.py catches it), not the run, so the panels drawn after the page keep their
    values."""


def _or_stop(make, unavailable: type[Exception]):
    """The resource, or the reason it cannot be used shown as a message (never a traceback) and the
    page ended: a permission problem, or a database that stayed locked."""
    try:
        return make()
    except unavailable as exc:
        from ui.text import literal

        st.error(literal(str(exc)), icon="⚠️")
        raise ResourceUnavailable(str(exc)) from None


def embedding_cache() -> EmbeddingCache:
    """The disk cache under the current HFCOMPARE_HOME."""
    from hfcompare.storage.cache import CacheUnavailable

    return _or_stop(lambda: _cache_at(str(home() / "cache")), CacheUnavailable)


@st.cache_resource(show_spinner=False)
def _generations_at(path: str) -> GenerationCache:
    from pathlib import Path

    return GenerationCache(Path(path))


def generation_cache() -> GenerationCache:
    """The cache of generated answers under the current HFCOMPARE_HOME."""
    from hfcompare.storage.cache import CacheUnavailable

    return _or_stop(lambda: _generations_at(str(home() / "generations")), CacheUnavailable)


class WaitingStore:
    """The store, with every call that takes more than a moment (another process holds its lock, a
    distant database) drawn as "Waiting for the store…" instead of a silent block (st.spinner
    shows only after a short delay, so quick calls draw nothing)."""

    def __init__(self, store) -> None:
        self._store = store

    def __getattr__(self, name: str):
        found = getattr(self._store, name)
        if not callable(found):
            return found

        def waiting(*args, **kwargs):
            from ui import prose

            with st.spinner(STORE_WAIT, show_time=True):
                return found(*args, **kwargs)

        return waiting


def store_if_available():
    """(the shared store, None), or (None, why it cannot be used) without ending the page: for share
    links, which fall back to the whole state in the URL."""
    from hfcompare.storage.store import StoreUnavailable, shared_store

    try:
        return WaitingStore(shared_store()), None
    except StoreUnavailable as exc:
        return None, str(exc)


def store():
    """The store under the current HFCOMPARE_HOME (share links, votes, A/B tests, the call log): the
    process's one shared store, the same the call log writes to."""
    from hfcompare.storage.store import StoreUnavailable, shared_store

    return WaitingStore(_or_stop(shared_store, StoreUnavailable))
