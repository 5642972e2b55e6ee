"""Share links for pages: read a page's state from the URL once, write it back as inputs change,
and offer the link to copy."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from hfcompare.storage.sharing import SHORT_LINK_CHARS, LinkFields, from_query, link_for
from ui.resources import store_if_available
from ui.state import value
from ui.text import literal

SHARE_CAPTION = (
    "Copy the link (button at the right of the box). It opens this view with the same inputs; results come "
    "from the cache, so they are the same numbers. Inputs longer than a few words are saved in this app's "
    "store under a short id that never changes: editing makes a new one. Keys and tokens are never part of "
    "a link."
)
LONG_LINK_LABEL = "Long link (works without the store)"
LONG_LINK_HELP = ("The whole view in the link itself: longer, but it opens on any copy of hfcompare, also one "
                  "whose store does not have this link's id (another server, a restart of a Space).")
SHARED_FROM_CACHE = "Opened from a share link: every result came from the cache, nothing was recomputed."
SHARED_PARTLY = "Opened from a share link: {cached} of {total} results came from the cache; the rest were computed now."

_SEEN = "share_seen_"
_KNOWN = "share_known_"   # per page: digests of the addresses this session opened or wrote, newest last
#: How many of a page's own addresses a session remembers (a lagging request carries one of the last few).
KNOWN_ADDRESSES = 50
_PROBLEMS = "share_problems"
_SAVED = "share_saved_"   # per page: (the long link's parameters, the link's parameters, its problems, when,
#                           the store's file epoch then)
#: A view kept on screen is saved again after this long, so the link it shows stays recently used
#: (the store's quota drops the least recently used links first) without a write on every rerun.
RESAVE_AFTER_S = 600.0


def _signature(params: dict[str, str]) -> str:
    return json.dumps(params, sort_keys=True)


def _digest(signature: str) -> str:
    import hashlib

    return hashlib.sha256(signature.encode("utf-8")).hexdigest()[:32]


def _history_navigation() -> bool:
    """Whether this run was asked for by the browser's Back or Forward button (Streamlit says so on
    the run's context; False when this Streamlit does not)."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    return bool(getattr(get_script_run_ctx(), "is_history_navigation", False))


def _known(page: str, signature: str) -> None:
    """Remember that this session has opened or written the address `signature` on `page`."""
    digest = _digest(signature)
    known = [d for d in st.session_state.get(_KNOWN + page, []) if d != digest]
    st.session_state[_KNOWN + page] = [*known, digest][-KNOWN_ADDRESSES:]


def _address() -> tuple[dict[str, str], str]:
    params = st.query_params.to_dict()
    return params, _signature(params)


def read_link(page: str, fields: LinkFields) -> dict[str, Any] | None:
    """The state a freshly opened link describes, decoded against the page's link `fields` (None
    when there is no new link); whatever the link got wrong is shown as a warning and left at its
    default. The link counts as read once `link_applied(page)` says so: until then every run reads
    it again (so a run a click stops halfway through applying it applies it whole the next time).

    Streamlit sets `st.query_params` from the address each request carries, and the browser takes
    the address a run writes only when that run's message reaches it: a click sent before then
    carries the previous address. An address this session opened or wrote itself is therefore not
    a new link (it would put back that state over what the user did since), unless the visitor went
    back to it with the browser's Back or Forward button."""
    params, signature = _address()
    if st.session_state.get(_SEEN + page) == signature:
        return None
    if not params or (_digest(signature) in st.session_state.get(_KNOWN + page, []) and not _history_navigation()):
        st.session_state[_SEEN + page] = signature
        return None
    try:
        saved_in, unavailable = store_if_available() if "c" in params else (None, None)
        state, warnings = from_query(page, params, fields, saved_in)
        if unavailable:
            warnings = [f"The link names a saved comparison, but the store cannot be read: {unavailable}"]
    except Exception as exc:  # noqa: BLE001 - a link must never break the page
        state, warnings = {}, [f"The link could not be read ({type(exc).__name__}); showing the defaults."]
    for warning in warnings:
        st.warning(literal(warning), icon="🔗")  # it echoes the link's names and values
    return state


def link_applied(page: str) -> None:
    """The address of this run has been read and its state applied: it is no new link from now on."""
    _, signature = _address()
    st.session_state[_SEEN + page] = signature
    _known(page, signature)


def known_models(refs: list[str]) -> list[str]:
    """The references whose backend exists; the others are reported and dropped."""
    from hfcompare.backends import backend_names
    from hfcompare.refs import ModelRef, SpecError

    kept, dropped = [], []
    for ref in refs:
        try:
            parsed = ModelRef.parse(ref)
        except SpecError:
            dropped.append(ref)
            continue
        (kept if parsed.backend in backend_names() else dropped).append(str(parsed))
    if dropped:
        shown = ", ".join(repr(d[:60]) for d in dropped[:5])
        st.warning(f"The link names models this app cannot run ({literal(shown)}); they were left out.", icon="🔗")
    return kept


#: In public mode: the models a link named that were refused, by picker key (the picker offers
#: to add them with a click), and the pages whose link waits for a click before computing.
REFUSED = "public_refused_"
ASK = "public_ask_"


def permitted_models(task: str) -> set[str]:
    """The models anyone may run in public mode: the bundled ones and the operator's allow-list."""
    from hfcompare.backends import available_models
    from hfcompare.refs import allowed_models

    return {m.ref for m in available_models(task) if m.offline} | allowed_models()


def link_models(refs: list[str], task: str, key: str) -> list[str]:
    """A link's models for the picker at `key`: those this app can run (`known_models`) and, in
    public mode, only the bundled, allow-listed or already chosen ones; the others are refused with
    a warning and kept for the picker to offer with a click."""
    from hfcompare.config import public_mode

    kept = known_models(refs)
    st.session_state.pop(REFUSED + key, None)
    if not public_mode():
        return kept
    chosen = set(value(key) or [])
    allowed = permitted_models(task) | chosen
    refused = [ref for ref in kept if ref not in allowed]
    local = [ref for ref in refused if ref.startswith("local:")]   # would be downloaded: never in public mode
    offered = [ref for ref in refused if ref not in local]         # on a server: the visitor may add them
    if local:
        shown = ", ".join(repr(r[:60]) for r in local[:5])
        st.warning(f"This app runs in public mode: it loads only the models bundled with it or allowed by its "
                   f"operator, and the link names others ({literal(shown)}); they were left out.", icon="🔒")
    if offered:
        shown = ", ".join(repr(r[:60]) for r in offered[:5])
        st.warning(f"This app runs in public mode: the link names models that are not bundled or allowed here "
                   f"({literal(shown)}); they were not loaded. Add them below with a click if you want them.",
                   icon="🔒")
        st.session_state[REFUSED + key] = offered[:MAX_REFUSED]
    return [ref for ref in kept if ref in allowed]


MAX_REFUSED = 6


def ask_before_computing(page: str, auto_run: bool, new_results) -> bool:
    """Whether a share link's `run=1` may run now. Outside public mode: whenever it asks. In public
    mode it runs at once only when `new_results()` (how many results are not in the cache) is 0;
    otherwise a button "Compute N new results" waits for the visitor's click, which runs it."""
    from hfcompare.config import public_mode

    if not public_mode():
        return auto_run
    if auto_run:
        new = new_results()
        if not new:
            st.session_state.pop(ASK + page, None)
            return True
        st.session_state[ASK + page] = new
    new = st.session_state.get(ASK + page)
    if not new:
        return False
    st.info(f"This link's results are not all in the cache: {new} would be computed. Nothing runs until you "
            "ask.", icon="🔒")
    if st.button(f"Compute {new} new results", key=f"{ASK}{page}_button"):
        st.session_state.pop(ASK + page, None)
        return True
    return False


def cancel_ask(page: str) -> None:
    """The visitor ran the page themselves: a link's pending question is moot."""
    st.session_state.pop(ASK + page, None)


@dataclass(frozen=True)
class Link:
    """A view's share link: `short` (a stored id once the state is longer than SHORT_LINK_CHARS) and
    `long` (the whole state in the URL; it works without the store). "" when no link can be made."""

    page: str
    short: str
    long: str


def _save_link(page: str, state: dict[str, Any], fields: LinkFields) -> tuple[dict[str, str], list[str], bool]:
    """The link's parameters, a long state saved in the store under its id; the long link (with
    the reason) when the store cannot be used. The flag says whether the link may be reused for
    the same view (not when it is a fallback: the store may be back next time)."""
    from hfcompare.storage.store import StoreUnavailable

    saved_in, unavailable = store_if_available()
    try:
        params, problems = link_for(page, state, fields, saved_in, short_above=SHORT_LINK_CHARS)
    except StoreUnavailable as exc:   # the database went away since it was opened
        unavailable = str(exc)
        params, problems = link_for(page, state, fields)
    if unavailable:
        problems = [f"This link holds the whole view, because the store cannot be used: {unavailable}", *problems]
    return params, problems, not unavailable


def _store_epoch() -> int | None:
    """The store file's epoch (`Store.file_epoch`): a link saved in an earlier one went with the old
    file, so it is saved again. None when the store cannot be used."""
    from hfcompare.storage.store import StoreUnavailable

    saved_in, _ = store_if_available()
    try:
        return saved_in.file_epoch() if saved_in is not None else None
    except StoreUnavailable:
        return None


def write_link(page: str, state: dict[str, Any], fields: LinkFields) -> Link:
    """Put `state` (every key declared in the page's link `fields`) in the URL, as a stored id when
    it is long, and return the links to share. What the link leaves out is kept for `render_share`
    to say."""
    full, full_problems = link_for(page, state, fields)
    saved = st.session_state.get(_SAVED + page)
    if len(urlencode(full)) <= SHORT_LINK_CHARS:   # short enough as it is: no store needed (nor opened)
        params, problems = full, full_problems
    elif saved and saved[0] == full and time.monotonic() - saved[3] < RESAVE_AFTER_S and saved[4] == _store_epoch():
        params, problems = saved[1], saved[2]   # the same view as the last run: its link is saved already
    else:
        params, problems, reusable = _save_link(page, state, fields)
        st.session_state[_SAVED + page] = (full, params, problems, time.monotonic(), _store_epoch()) \
            if reusable else None
    st.session_state[_PROBLEMS] = problems
    if not params and problems:
        return Link(page, "", "")
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)
    st.session_state[_SEEN + page] = _signature(params)
    _known(page, _signature(params))   # a request sent before the browser took it may carry it later
    base = (getattr(st.context, "url", None) or "").split("?", 1)[0]
    return Link(page, f"{base}?{urlencode(params)}" if params else base, f"{base}?{urlencode(full)}" if full else base)


def render_share(link: Link) -> None:
    """The share control: the short link with a copy button, the long one on request, and what the
    link could not hold."""
    problems = st.session_state.pop(_PROBLEMS, [])
    with st.expander("🔗 Share this view", expanded=bool(problems)):
        for problem in problems:
            st.warning(literal(problem), icon="🔗")
        if link.short:
            st.code(link.short, language=None, wrap_lines=True)
            st.caption(SHARE_CAPTION)
        if link.long and link.long != link.short and st.toggle(LONG_LINK_LABEL, key=f"share_long_{link.page}",
                                                                help=LONG_LINK_HELP):
            st.code(link.long, language=None, wrap_lines=True)


def open_page(page: str, title: str, intro: str, apply_link, fields: LinkFields):
    """A page's title and intro, a slot for its share control, and a freshly opened link's state
    (decoded against the page's link `fields`) applied through `apply_link(state)`. Returns (the
    share slot, what apply_link returned or None)."""
    st.title(title)
    st.caption(intro)
    slot = st.container()
    link = read_link(page, fields)
    try:
        applied = apply_link(link) if link else None
    except Exception:
        link_applied(page)   # a link that breaks the page is not applied again on every run
        raise
    link_applied(page)   # not before: a run stopped while applying it (a click) applies it again
    return slot, applied


def cache_note(cached: int, total: int, extra: str = "") -> tuple[str, str]:
    """What a share link's rerun took from the cache: ("all" or "some", the sentence to show)."""
    if cached == total:
        return "all", SHARED_FROM_CACHE + extra
    return "some", SHARED_PARTLY.format(cached=cached, total=total) + extra


def show_cache_note(note: tuple[str, str]) -> None:
    (st.success if note[0] == "all" else st.info)(note[1], icon="🔗")


def uncached_vectors(refs: list, texts: list[str]) -> int:
    """How many of `texts` the models `refs` would embed anew here (hfcompare.embeddings.runs.uncached_count)."""
    from hfcompare.embeddings.runs import uncached_count
    from ui import session
    from ui.resources import embedding_cache

    return uncached_count(refs, embedding_cache(), session.endpoint_settings(), texts)
