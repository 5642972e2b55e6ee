"""Discover page: search the catalog (and the Hub when online), filter, compare published figures
with their sources, and add models to a comparison."""

from __future__ import annotations

import re
from urllib.parse import quote

import streamlit as st

from hfcompare.hub.catalog import FIELDS, CatalogEntry, load_catalog
from hfcompare.hub.discovery import SCORE_FIELD, Filters, apply_filters, candidate_rows, option_values, size_bounds_m
from hfcompare.hub.fit import machine_budget, with_memory
from hfcompare.hub.metadata import (DOWNLOADS_WIDELY_USED, LIKES_APPROVED, HubModel, HubUnavailable, community_badges,
                                   many_models, model_metadata, search_hub)
from hfcompare.backends.hub import hub_endpoint, hub_reachable
from hfcompare.storage.sharing import Field
from ui import keys, prose, session
from ui.share import open_page, render_share, write_link
from ui.state import remember, restore, set_widget, value, widget_key
from ui.text import literal, safe_markdown
from ui.widgets import chart

DISCOVER_INTRO = (
    "Find candidates, see what is published about them and where each figure comes from, then add them "
    "to a comparison. Published scores come from each model's own sources; a figure nobody could verify "
    "shows as empty. Click a column header to sort; tick rows to choose models."
)
DISCOVER_ONLINE = "Live: downloads (last 30 days), likes and search results come from the Hub at {endpoint}."
DISCOVER_OFFLINE = (
    "Offline: the Hub ({endpoint}) cannot be reached, so this is the bundled catalog snapshot of "
    "{date}. Downloads, likes, model cards and Hub search need the Hub."
)
DISCOVER_SEARCH_HELP = (
    "Part of a model id, such as `bge` or `qwen`. Online this searches the whole Hub (most downloaded first) "
    "as well as the catalog; offline only the catalog."
)
DISCOVER_SIZE_HELP = "Keep models whose parameter count lies in this range. Models of unknown size are hidden once you narrow it."
DISCOVER_RUNS_HERE_HELP = (
    "Where each model can run from here, now: bundled with the app (offline), already downloaded "
    "(offline), here once downloaded (needs the Hub), or on a server set up in Endpoints. ': not now' "
    "marks the ones that cannot run at the moment."
)
DISCOVER_RUNS_HERE_ONLY_HELP = "Only the models that can run from here right now."
DISCOVER_BACKEND_HELP = (
    "Where the added models will run. `local` downloads the model from the Hub and runs it on this machine "
    "(bundled models work offline); `hf` uses Hugging Face Inference Providers or your endpoint; `openai` "
    "your OpenAI-compatible server (set them up under Endpoints in the sidebar)."
)
DISCOVER_BADGES = (f"Badges follow the brief: **community approved** at {LIKES_APPROVED:,}+ likes, **widely used** at "
                   f"{DOWNLOADS_WIDELY_USED / 1e6:g}M+ downloads in 30 days.")
DISCOVER_SCATTER_CAPTION = (
    "Published score against size, one point per model. Up and to the left is better value. Scores from "
    "different benchmarks or versions are coloured apart: they are not comparable with each other."
)
DISCOVER_SOURCES_CAPTION = (
    "Each figure with the document it was read from, that document's date, the date it was checked, and "
    "the sentence that states it."
)
DISCOVER_NO_LIVE = "Live Hub metadata (downloads, likes, eval results, the model card) needs the Hub, which cannot be reached."
DISCOVER_UNKNOWN = "An empty cell (None) is unknown: no source for it could be verified."
DISCOVER_BUDGET_HELP = (
    "Memory a model may take on this machine, in MB (MiB). It starts at {source}. Set "
    "HFCOMPARE_MEMORY_BUDGET_MB to start elsewhere; empty means no budget."
)
DISCOVER_FITS_ONLY_HELP = (
    "Hide the models over the memory budget, here and in the model pickers. Models whose memory is "
    "unknown stay, and so do models already chosen."
)
DISCOVER_BUDGET_UNKNOWN = (
    "This machine's available memory could not be read, so there is no budget: nothing is marked or "
    "filtered. Type a budget to set one."
)
DISCOVER_MEMORY_HELP = (
    "Memory if it runs on this machine (local backend), in MB (MiB): measured here when it has been, else "
    "estimated as parameters × bytes per parameter at its precision (the weights only; fp32 assumed when "
    "the precision is unknown)."
)
DISCOVER_MEMORY_FROM_HELP = (
    "measured: on this machine. estimated: from parameters and precision, never measured. unknown: the "
    "parameter count is unknown; such models are never filtered out."
)
DISCOVER_FIT_HELP = "Against the memory budget: ⚠ marks a model over it, with its figure."

TASK_LABELS = {"embeddings": "Embedding models", "generation": "Generation models"}
#: Size stops for the range slider, in millions of parameters.
SIZE_STOPS_M = [10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 1_000_000]
COMPARE_PAGES = {"embeddings": "app_pages/embeddings.py", "generation": "app_pages/generation.py"}
BACKENDS = ("local", "hf", "openai")
LARGEST_LOCAL_GENERATOR = 2e9   # parameters; larger generation models default to a server backend


def _size_label(millions: float) -> str:
    return f"{millions / 1000:g}B" if millions >= 1000 else f"{millions:g}M"


def _column_config(task: str) -> dict:
    number = st.column_config.NumberColumn
    cfg = {name: number(FIELDS[name][0], help=FIELDS[name][1], format="localized")
           for name in ("dimensions", "max_seq_length", "context_length")}
    cfg["parameters"] = number(FIELDS["parameters"][0], help=FIELDS["parameters"][1], format="compact")
    cfg.update({
        "id": st.column_config.TextColumn("Model", help="The model's id on the Hugging Face Hub.", pinned=True),
        "languages": st.column_config.ListColumn(FIELDS["languages"][0], help=FIELDS["languages"][1]),
        "multilingual": st.column_config.CheckboxColumn(FIELDS["multilingual"][0], help=FIELDS["multilingual"][1]),
        "license": st.column_config.TextColumn(FIELDS["license"][0], help=FIELDS["license"][1]),
        "open_weights": st.column_config.CheckboxColumn(FIELDS["open_weights"][0], help=FIELDS["open_weights"][1]),
        "fine_tunable": st.column_config.CheckboxColumn(FIELDS["fine_tunable"][0], help=FIELDS["fine_tunable"][1]),
        "downloads": number("Downloads (30 d)", help="Downloads in the last 30 days, from the Hub (live only).",
                            format="compact"),
        "likes": number("Likes", help="Likes on the Hub (live only).", format="compact"),
        "badges": st.column_config.TextColumn("Community", help=DISCOVER_BADGES),
        "in_catalog": st.column_config.CheckboxColumn("In catalog", help="Published figures with sources are "
                                                      "bundled for this model."),
        "sources": number("Sources", help="How many documents its figures come from (see the detail view)."),
        "runs_here": st.column_config.TextColumn("Runs here", help=DISCOVER_RUNS_HERE_HELP),
        "memory_mb": number("memory MB", help=DISCOVER_MEMORY_HELP, format="localized"),
        "memory_from": st.column_config.TextColumn("memory from", help=DISCOVER_MEMORY_FROM_HELP),
        "fit": st.column_config.TextColumn("Fits budget", help=DISCOVER_FIT_HELP, width=270),
    })
    for name in ("mteb_average", "mteb_retrieval", "leaderboard_average"):
        cfg[name] = number(FIELDS[name][0], help=FIELDS[name][1], format="%.2f")
    return cfg


def _visible_columns(task: str) -> list[str]:
    if task == "embeddings":
        scores, shape = ["mteb_average", "mteb_retrieval"], ["dimensions", "max_seq_length"]
    else:
        scores, shape = ["leaderboard_average"], ["context_length", "fine_tunable"]
    return ["id", "fit", "runs_here", "parameters", "memory_mb", "memory_from", *scores, "downloads", "likes", "badges", *shape, "languages",
            "multilingual", "license", "open_weights", "in_catalog", "sources"]


def _live_rows(entries: list[CatalogEntry], query: str, task: str) -> tuple[dict[str, HubModel], list[HubModel]]:
    """Hub counts for the catalog models, and Hub search results; empty when the Hub fails."""
    found: list[HubModel] = []
    with st.spinner("Asking the Hub…"):
        try:
            found = search_hub(query, task)
        except HubUnavailable as exc:
            st.warning(f"Hub search failed; showing the catalog only. {literal(exc)}")
        live = many_models([entry.id for entry in entries])
    return live, found


def render_filters(frame) -> Filters:
    """The filter widgets, in one row; returns what they say."""
    size_col, lang_col, lic_col, budget_col = st.columns([3, 2, 2, 2])
    open_col = here_col = st.container(horizontal=True, gap="large")  # toggles keep their labels
    bounds = size_bounds_m(frame)
    size_range = None
    if bounds:
        chosen = size_col.select_slider("Size (parameters)", options=SIZE_STOPS_M, key=keys.DISC_SIZE,
                                        value=(SIZE_STOPS_M[0], SIZE_STOPS_M[-1]), format_func=_size_label,
                                        help=DISCOVER_SIZE_HELP)
        if tuple(chosen) != (SIZE_STOPS_M[0], SIZE_STOPS_M[-1]):
            size_range = (float(chosen[0]), float(chosen[1]))
    options = {keys.DISC_LANGUAGES: option_values(frame, "languages"), keys.DISC_LICENSES: option_values(frame, "license")}
    for key, values in options.items():
        if key in st.session_state:  # a share link may name values this list does not have
            st.session_state[key] = [v for v in st.session_state[key] if v in values]
    languages = lang_col.multiselect("Languages", options[keys.DISC_LANGUAGES], key=keys.DISC_LANGUAGES,
                                     help="Keep models whose card lists any of these languages.")
    licenses = lic_col.multiselect("License", options[keys.DISC_LICENSES], key=keys.DISC_LICENSES,
                                   help="Keep models under any of these licenses.")
    open_only = open_col.toggle("Open weights", key=keys.DISC_OPEN_ONLY,
                                help="Only models whose weights can be downloaded.")
    runs_here = here_col.toggle("Runs here now", key=keys.DISC_RUNS_HERE, help=DISCOVER_RUNS_HERE_ONLY_HELP)
    restore(keys.DISC_FITS_ONLY, False)
    fits_only = here_col.toggle("Only models that fit", key=widget_key(keys.DISC_FITS_ONLY),
                                help=DISCOVER_FITS_ONLY_HELP)
    remember(keys.DISC_FITS_ONLY)
    budget_mb = render_budget(budget_col)
    session.publish_memory_budget(session.MemoryBudget(budget_mb, bool(fits_only)))   # for the model pickers
    return Filters(query=st.session_state.get(keys.DISC_QUERY, ""), size_range_m=size_range,
                   languages=languages, licenses=licenses, open_weights_only=open_only, runs_here_only=runs_here,
                   fits_only=fits_only, memory_budget_mb=budget_mb)


def render_budget(where) -> float | None:
    """The memory budget in MB (None: no budget), starting at this machine's available memory; the
    model pickers on the other pages read the same value."""
    budget = machine_budget()
    restore(keys.DISC_MEMORY_BUDGET, round(budget.mb) if budget.mb else None)
    start = {} if widget_key(keys.DISC_MEMORY_BUDGET) in st.session_state else {"value": None}
    chosen = where.number_input("Memory budget (MB)", min_value=1, step=256, key=widget_key(keys.DISC_MEMORY_BUDGET),
                                placeholder="no budget", help=DISCOVER_BUDGET_HELP.format(source=budget.source),
                                **start)
    remember(keys.DISC_MEMORY_BUDGET)
    if budget.mb is None and chosen is None:
        where.caption(DISCOVER_BUDGET_UNKNOWN)
    return None if chosen is None else float(chosen)


def _budget_caption(frame, shown, budget_mb: float | None, fits_only: bool) -> str:
    """What the budget marks and hides, naming the hidden models."""
    if budget_mb is None:
        return ""
    over = frame[frame["over_budget"].map(lambda v: v is True)]
    unknown = int((frame["memory_from"] == "unknown").sum())
    kept = (f" {unknown} model{'s' if unknown > 1 else ''} of unknown memory {'are' if unknown > 1 else 'is'} kept, "
            "not filtered." if unknown else "")
    if over.empty:
        return f"Every model of known memory fits the budget of {budget_mb:,.0f} MB.{kept}"
    if fits_only:
        hidden = [i for i in over["id"] if i not in set(shown["id"])]
        return (f"Hidden as over the budget of {budget_mb:,.0f} MB: {len(hidden)} "
                f"({literal(', '.join(hidden))}).{kept}")
    return (f"{len(over)} model{'s' if len(over) > 1 else ''} over the budget of {budget_mb:,.0f} MB {'are' if len(over) > 1 else 'is'} marked ⚠; turn on **Only models that fit** "
            f"to hide them.{kept}")


def _sync_picks_from_table() -> None:
    rows = st.session_state[keys.DISC_TABLE]["selection"]["rows"]
    shown = st.session_state.get(keys.DISC_SHOWN_IDS, [])
    set_widget(keys.DISC_PICKS, [shown[i] for i in rows if i < len(shown)])


def _default_backend(model_id: str, task: str, frame) -> str:
    from hfcompare.backends import available_models

    if any(m.id == model_id and m.offline for m in available_models(task)):
        return "local"
    size = frame.loc[frame["id"] == model_id, "parameters"].dropna()
    if task == "generation" and (size.empty or float(size.iloc[0]) > LARGEST_LOCAL_GENERATOR):
        return "hf"
    return "local"


def render_add(task: str, frame) -> None:
    """Choose models (ticked rows or this list), where they run, and hand them to the comparison page."""
    st.subheader("Add to comparison")
    options = list(dict.fromkeys([*frame["id"], *value(keys.DISC_PICKS, [])]))
    picks = st.multiselect("Models to add", options, key=widget_key(keys.DISC_PICKS),
                           help="Tick rows in the table above, or choose here.")
    backend_options = list(BACKENDS)
    default = _default_backend(picks[0], task, frame) if picks else "local"
    # no key: the widget starts afresh (at the sensible default) when the first pick changes its default
    backend = st.selectbox("Run with", backend_options, index=backend_options.index(default),
                           help=DISCOVER_BACKEND_HELP)
    page_name = "Embeddings" if task == "embeddings" else "Generation"
    if st.button(f"Add to the {page_name} comparison", type="primary", disabled=not picks):
        refs = [f"{backend}:{model_id}" for model_id in picks]
        _warn_if_not_here(refs, task)
        session.add_pending_models(task, refs)
        kept = value(keys.EMB_MODELS if task == "embeddings" else keys.GEN_MODELS, [])
        st.success(f"Added {literal(', '.join(refs))}. " + ("(some were already chosen) " if set(refs) & set(kept) else ""))
        st.page_link(COMPARE_PAGES[task], label=f"Open the {page_name} page", icon="➡️")


def _where_rows(frame, task: str, online: bool):
    """`frame` with where each model runs from here now ("runs_here", "runs_now")."""
    from hfcompare.hub.availability import best_availability
    from ui.widgets import server_models

    settings, listed = session.endpoint_settings(), server_models()
    found = [best_availability(model_id, task, settings, online, listed) for model_id in frame["id"]]
    return frame.assign(runs_here=[f.label for f in found], runs_now=[f.runs_now for f in found])


def _warn_if_not_here(refs: list[str], task: str) -> None:
    """Say at once which added models cannot run here now, and what would make them run."""
    from hfcompare.hub.availability import availability
    from hfcompare.refs import ModelRef

    settings = session.endpoint_settings()
    for ref in refs:
        found = availability(ModelRef.parse(ref), task, settings)
        if not found.runs_now:
            st.warning(f"**{literal(ref)}** can't run here now. {literal(found.fix)}", icon="📴")


def _card_markdown(markdown: str) -> str:
    """Card text safe to show: inline images and <img> tags dropped, everything else escaped so it
    shows as typed (links, reference-style images and HTML load nothing), code blocks kept, and
    headings turned into bold lines (so they do not outshout the page's own)."""
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", re.sub(r"<img[^>]*>", "", markdown))
    return safe_markdown(text, bold_headings=True)


def render_detail(task: str, frame, entries: dict[str, CatalogEntry], online: bool) -> None:
    """One model: its figures with sources, live Hub metadata and the card's limitations section."""
    st.subheader("Model details")
    ids = list(frame["id"])
    picks = [p for p in value(keys.DISC_PICKS, []) if p in ids]
    if not ids:
        return
    if st.session_state.get(keys.DISC_DETAIL) not in ids:
        st.session_state[keys.DISC_DETAIL] = picks[0] if picks else ids[0]
    model_id = st.selectbox("Model", ids, key=keys.DISC_DETAIL, help="The model to show in detail.")
    st.markdown(f"[{literal(model_id)} on the Hugging Face Hub](<{hub_endpoint()}/{quote(model_id)}>)")
    basis = frame.loc[frame["id"] == model_id, "memory_basis"] if "memory_basis" in frame else []
    if len(basis):
        st.caption(f"Memory here: {literal(basis.iloc[0])}")
    entry = entries.get(model_id)
    if entry:
        rows = [{"figure": FIELDS[name][0], "value": _shown(fig.value), "benchmark": fig.benchmark or "",
                 "source": fig.source.url, "document": fig.source.title, "published": fig.source.published,
                 "checked": fig.source.checked, "quote": fig.quote or "", "basis": fig.basis or ""}
                for name, fig in entry.figures.items()]
        missing = [FIELDS[name][0] for name in _visible_columns(task) if name in FIELDS and name not in entry.figures]
        st.caption(DISCOVER_SOURCES_CAPTION)
        st.dataframe(rows, hide_index=True, column_config={
            "source": st.column_config.LinkColumn("Source", help="Where the figure was read."),
            "quote": st.column_config.TextColumn("Quote", width="large"),
        })
        if missing:
            st.caption("Unknown (no source could be verified): " + ", ".join(missing) + ".")
        if entry.notes:
            st.caption(f"Note: {literal(entry.notes)}")
    else:
        st.info("This model is not in the bundled catalog, so no published figures are shown for it.")
    if not online:
        st.caption(DISCOVER_NO_LIVE)
        return
    try:
        hub = model_metadata(model_id)
    except HubUnavailable as exc:
        st.warning(literal(exc))
        return
    cols = st.columns(4)
    cols[0].metric("Downloads (30 d)", f"{hub.downloads:,}" if hub.downloads is not None else "unknown")
    cols[1].metric("Likes", f"{hub.likes:,}" if hub.likes is not None else "unknown")
    cols[2].metric("Parameters (safetensors)", f"{hub.parameters:,}" if hub.parameters else "unknown")
    cols[3].metric("Last modified", hub.last_modified or "unknown")
    badges = community_badges(hub.likes, hub.downloads)
    st.caption(literal(" · ".join(filter(None, [f"pipeline: {hub.pipeline_tag}" if hub.pipeline_tag else None,
                                        f"library: {hub.library}" if hub.library else None,
                                        ("badges: " + ", ".join(badges)) if badges else None,
                                        f"fetched {hub.fetched_at}"]))))
    if hub.tags:
        st.caption("Tags: " + literal(", ".join(hub.tags[:30])))
    if hub.eval_results:
        with st.expander(f"Eval results from the model card ({len(hub.eval_results)})"):
            st.dataframe(hub.eval_results, hide_index=True)
    if hub.card_excerpt:
        with st.expander(f"From the model card: {literal(hub.card_section)}", expanded=True):
            st.markdown(_card_markdown(hub.card_excerpt))
    else:
        st.caption("The model card has no limitations, bias or risks section.")


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render_scatter(task: str, frame, entries: dict[str, CatalogEntry]) -> None:
    from hfcompare.reporting import charts

    score = SCORE_FIELD[task]
    frame = frame.copy()
    frame["benchmark"] = [(entries[i].figures[score].benchmark if i in entries and score in entries[i].figures
                           else None) for i in frame["id"]]
    plotted = frame.dropna(subset=[score, "parameters"])
    st.subheader("Score against size")
    if plotted.empty:
        st.info("None of the models shown has both a published score and a known size.")
        return
    st.caption(DISCOVER_SCATTER_CAPTION)
    chart(lambda: charts.score_against_size(frame, score, FIELDS[score][0]), key="disc_scatter")
    left_out = len(frame) - len(plotted)
    if left_out:
        st.caption(f"{left_out} of {len(frame)} models are not plotted: their score or size is unknown.")


#: What this page's share link holds.
LINK_FIELDS: dict[str, Field] = {
    "task": Field("choice", ("embeddings", "generation")),
    "q": Field("str", max_chars=100),
    "languages": Field("list", max_items=50, max_chars=20),
    "licenses": Field("list", max_items=30, max_chars=60),
    "open": Field("bool"),
    "model": Field("str", max_chars=200),
}


def apply_link(link: dict) -> None:
    """Put a shared Discover view (LINK_FIELDS) into the widgets."""
    for field, key in (("task", keys.DISC_TASK), ("q", keys.DISC_QUERY), ("languages", keys.DISC_LANGUAGES),
                       ("licenses", keys.DISC_LICENSES), ("open", keys.DISC_OPEN_ONLY), ("model", keys.DISC_DETAIL)):
        if field in link:
            st.session_state[key] = link[field]


def render() -> None:
    """Discover: catalog and Hub models with their figures and sources; add them to a comparison."""
    share_slot, _ = open_page("discover", prose.DISCOVER_TITLE, DISCOVER_INTRO, apply_link, LINK_FIELDS)
    catalog = load_catalog()
    st.session_state.setdefault(keys.DISC_TASK, "embeddings")  # a default through state, as a link may set it
    task = st.segmented_control("Task", list(TASK_LABELS), required=True, format_func=TASK_LABELS.get, key=keys.DISC_TASK,
                                help="Embedding models turn texts into vectors for search; "
                                "generation models write answers.") or "embeddings"
    st.text_input("Search", key=keys.DISC_QUERY, help=DISCOVER_SEARCH_HELP, placeholder="e.g. bge, e5, qwen")
    query = st.session_state.get(keys.DISC_QUERY, "")
    entries = catalog.for_task(task)
    online = hub_reachable()
    if online:
        st.caption(DISCOVER_ONLINE.format(endpoint=hub_endpoint()))
        live, found = _live_rows(entries, query, task)
    else:
        st.info(DISCOVER_OFFLINE.format(endpoint=hub_endpoint(), date=catalog.snapshot_date), icon="📦")
        live, found = {}, []
    frame = _where_rows(candidate_rows(entries, live, found), task, online)
    filters = render_filters(frame)
    budget_mb = filters.memory_budget_mb
    frame = with_memory(frame, task, budget_mb)
    shown = apply_filters(frame, filters).reset_index(drop=True)
    st.session_state[keys.DISC_SHOWN_IDS] = list(shown["id"])
    by_id = {e.id: e for e in entries}
    if shown.empty:
        st.info("No model matches these filters. Widen the size range or clear a filter.")
    else:
        st.caption(f"{len(shown)} of {len(frame)} models. {DISCOVER_BADGES} {DISCOVER_UNKNOWN}")
        budget_note = _budget_caption(frame, shown, budget_mb, filters.fits_only)
        if budget_note:
            st.caption(budget_note)
        st.dataframe(shown[_visible_columns(task)], hide_index=True, column_config=_column_config(task),
                     on_select=_sync_picks_from_table, selection_mode="multi-row", key=keys.DISC_TABLE)
        render_add(task, shown)
        render_scatter(task, shown, by_id)
        render_detail(task, shown, by_id, online)
    with share_slot:
        render_share(write_link("discover", {
            "task": task, "q": query, "languages": filters.languages, "licenses": filters.licenses,
            "open": filters.open_weights_only, "model": st.session_state.get(keys.DISC_DETAIL)}, LINK_FIELDS))


if __name__ == "__main__":  # Streamlit runs a page file as __main__; tests import it
    render()
