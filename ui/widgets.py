"""Widgets more than one page draws."""

from __future__ import annotations

import logging
from typing import Any, Callable

import streamlit as st

from hfcompare.backends import available_models
from ui import keys, prose, session
from ui.share import REFUSED

ADD_ANYWAY_HELP = ("Keep the id as you typed it: it may be a model this app cannot check from here (no "
                   "Hub). A model that cannot run fails on its own; the others still run.")
PICKER_MEMORY_HELP = (
    "Memory budget: {budget}; change it on the Discover page. ⚠ marks a model over it: measured here, "
    "else estimated from parameters × precision."
)

#: suffix of the session key holding the typed ids a picker refused: {typed: (message, suggestion, certain)}
REFUSED_TYPED = "__refused_typed"
from ui.state import remember, restore, set_widget, value, widget_key
from ui.text import literal


def pinned_model(config: dict | None = None) -> dict:
    """`config` with the "model" column pinned: on a narrow screen a wide table scrolls sideways and
    every row still says which model it is."""
    config = dict(config or {})
    given = config.get("model")
    help_text = given.get("help") if isinstance(given, dict) else None
    config["model"] = st.column_config.TextColumn("model", help=help_text, pinned=True)
    return config


def columns_first(frame, names: list[str]):
    """`frame` with the columns in `names` (those it has) first, in that order: what a person compares
    (speed, memory, cost) is in view without scrolling sideways."""
    lead = [name for name in names if name in frame.columns]
    return frame[lead + [c for c in frame.columns if c not in lead]]


def server_models() -> list[str]:
    """`backend:model` for the models the servers in the Endpoints panel listed (Test connection)."""
    return [f"{backend}:{model}" for backend, state_key in keys.ENDPOINT_MODELS.items()
            for model in st.session_state.get(state_key, [])]


def _check_typed(task: str, key: str, offered: list[str]) -> None:
    """on_change of a model picker: an id typed in is checked before it becomes a choice. One that
    cannot be valid is taken out again, with the reason and a "did you mean" (`hfcompare.hub.model_ids`)."""
    from hfcompare.hub.model_ids import check_model_id, known_refs

    chosen = list(value(key, []))
    typed = [ref for ref in chosen if ref not in offered]
    if not typed:
        return
    known = known_refs(task, server_models())
    refused, duplicates = {}, set()
    for ref in typed:
        check = check_model_id(ref, known)
        if not check.ok:
            refused[ref] = (check.message, check.suggestion, check.certain)
        elif str(check.ref) != ref and str(check.ref) in chosen:  # the same model, chosen already in full form
            duplicates.add(ref)
    if refused or duplicates:
        set_widget(key, [ref for ref in chosen if ref not in refused and ref not in duplicates])
        st.session_state[key + REFUSED_TYPED] = refused


def _use_instead(key: str, typed: str, suggestion: str | None) -> None:
    """The buttons under a refused id: take the suggestion, or the id as typed (the user knows best)."""
    from hfcompare.refs import ModelRef

    chosen = [ref for ref in value(key, []) if ref != typed]
    added = str(ModelRef.parse(suggestion)) if suggestion else typed  # full form: it matches the listed models
    if added not in {str(ModelRef.parse(ref)) for ref in chosen}:
        chosen.append(added)
    set_widget(key, chosen)
    st.session_state.get(key + REFUSED_TYPED, {}).pop(typed, None)


def _offer_typed_refused(key: str) -> None:
    refused = st.session_state.get(key + REFUSED_TYPED) or {}
    for i, (typed, (message, suggestion, certain)) in enumerate(list(refused.items())):
        st.error(literal(message), icon="⛔")
        left = right = st.container(horizontal=True)
        if suggestion:
            left.button(f"Use {literal(suggestion)}", key=keys.scoped(key, "use", i), on_click=_use_instead,
                        args=(key, typed, suggestion))
        if not certain:
            right.button(f"Add {literal(typed)} anyway", key=keys.scoped(key, "anyway", i), on_click=_use_instead,
                         args=(key, typed, None), help=ADD_ANYWAY_HELP)


def _availability_notes(task: str, chosen: list[str], labels: dict[str, str]) -> list[str]:
    """Mark the choices that cannot run here now (in their labels), and say what would make them run."""
    from hfcompare.hub.availability import availability, bundled_refs
    from hfcompare.refs import ModelRef, SpecError
    from ui import session

    bundled, settings = bundled_refs(task), session.endpoint_settings()
    notes = []
    for ref_text in chosen:
        try:
            ref = ModelRef.parse(ref_text)
        except SpecError:
            continue
        if str(ref) in bundled:
            continue
        found = availability(ref, task, settings)
        if not found.runs_now:
            labels[ref_text] = f"{labels.get(ref_text, ref_text)} · can't run here now"
            notes.append(f"**{literal(ref_text)}** can't run here now. {literal(found.fix)}")
    return notes


def picker_budget() -> tuple[float | None, bool, str]:
    """The memory budget the pickers mark against: the one set on the Discover page, else this
    machine's (hfcompare.hub.fit.machine_budget); whether to hide what is over it; and its words."""
    from hfcompare.hub.fit import machine_budget

    published = session.memory_budget()
    if published is not None:   # the Discover page was drawn
        if published.mb is None:
            return None, False, "none"
        return published.mb, published.fits_only, f"{published.mb:,.0f} MB, as set on Discover"
    budget = machine_budget()
    if budget.mb is None:
        return None, False, f"none ({budget.source})"
    return budget.mb, False, f"{budget.mb:,.0f} MB, from {budget.source}"


def _memory_marks(task: str, refs: list[str], chosen: list[str], labels: dict[str, str]) -> tuple[list[str], list[str], str]:
    """Mark the models over the memory budget in their labels, with the figure; drop the ones not
    chosen when the Discover page hides what does not fit. Returns (the refs to offer, a note per
    chosen model over the budget, the budget in words)."""
    from hfcompare.hub.fit import for_ref

    budget_mb, fits_only, words = picker_budget()
    if budget_mb is None:
        return refs, [], words
    offered, notes = [], []
    for ref in refs:
        found = for_ref(ref, task, budget_mb)
        if found.over_budget:
            labels[ref] = f"{labels.get(ref, ref)} · {found.mark()}"
            if ref in chosen:
                notes.append(f"**{literal(ref)}** {literal(found.mark())} ({literal(found.basis)})")
            elif fits_only:
                continue
        offered.append(ref)
    return offered, notes, words


def render_model_picker(task: str, key: str, help_text: str, placeholder: str) -> list[str]:
    """A multiselect of the models for `task`: the bundled ones (chosen at first, except quantized
    copies of another), those a server listed in the Endpoints panel, those added on the Discover
    page, and any `backend:model` the user types (checked as it is added). Models that cannot run
    here now are marked, with what would make them run. Returns the choices."""
    offered = available_models(task)
    labels = {m.ref: m.label for m in offered}
    for ref in server_models():
        backend, _, model = ref.partition(":")
        labels.setdefault(ref, f"{model} · {backend} server")
    restore(key, [m.ref for m in offered if m.offline and not m.variant_of])
    pending = session.take_pending_models(task)
    if pending:
        set_widget(key, list(dict.fromkeys([*value(key, []), *pending])))
    listed = list(labels)
    for ref in value(key, []):
        labels.setdefault(ref, ref)
    notes = _availability_notes(task, list(value(key, [])), labels)
    options, over, budget_words = _memory_marks(task, list(labels), list(value(key, [])), labels)
    help_text = f"{help_text}\n\n{PICKER_MEMORY_HELP.format(budget=budget_words)}"
    st.multiselect("Models", options=options, format_func=lambda ref: labels.get(ref, ref),
                   accept_new_options=True, key=widget_key(key), help=help_text, placeholder=placeholder,
                   on_change=_check_typed, args=(task, key, list(dict.fromkeys([*listed, *value(key, [])]))))
    remember(key)
    _offer_typed_refused(key)
    for note in notes:
        st.warning(note, icon="📴")
    if over:
        st.caption("Over the memory budget: " + "; ".join(over) + ".")
    _offer_refused(key)
    return list(value(key, []))


def _add_refused(key: str, ref: str) -> None:
    set_widget(key, list(dict.fromkeys([*value(key, []), ref])))
    refused = [r for r in st.session_state.get(REFUSED + key, []) if r != ref]
    st.session_state[REFUSED + key] = refused


def _offer_refused(key: str) -> None:
    """Public mode: the models a link named but this app refused, each added only by a click."""
    for i, ref in enumerate(st.session_state.get(REFUSED + key, [])):
        st.button(f"Add {literal(ref)}", key=keys.scoped(REFUSED + key, i), on_click=_add_refused, args=(key, ref),
                  help="The link named this model; in public mode it is loaded only if you add it yourself.")


def build_figure(build: Callable[[], Any]) -> Any:
    """The plotly figure `build()` returns, or None when it fails (a chart is never worth the page)."""
    try:
        return build()
    except Exception:  # any failure: the caller shows a message in the chart's place
        logging.getLogger(__name__).exception("a chart failed to build")
        return None


#: The width of each chart in a `chart_row`: two fit side by side on a wide screen, and they stack on
#: a narrow one instead of squeezing their labels.
CHART_WIDTH = 520


def chart_row() -> Any:
    """A row for charts of CHART_WIDTH that wraps onto more lines when the screen is narrow."""
    return st.container(horizontal=True, wrap=True, gap="medium")


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
