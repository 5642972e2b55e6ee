"""Embeddings page: choose models, enter texts, compare similarity matrices and speed."""

from __future__ import annotations

import streamlit as st

from hfcompare.backends.local.cpu import where_measured
from hfcompare.embeddings.runs import EmbeddingResult, compare_embeddings
from hfcompare.refs import ModelRef, SpecError, display_names, parse_texts, validate_models, validate_texts
from hfcompare.samples import load_sample
from hfcompare.storage.sharing import Field, models_field, run_field, text_field
from ui import keys, prose, session
from ui.freshness import results_for
from ui.pairs_mode import apply_pairs_link, render_pairs
from ui.prompt_editor import apply_prompt_link
from ui.resources import embedding_cache
from ui.retrieval_mode import render_evaluation
from ui.share import (
    ask_before_computing,
    cache_note,
    cancel_ask,
    link_models,
    open_page,
    render_share,
    show_cache_note,
    write_link,
)
from ui.state import remember, restore, set_widget, value, widget_key
from ui.text import literal
from ui.widgets import chart, columns_first, pinned_model, render_model_picker

EMBEDDINGS_INTRO = (
    "Pick two or more embedding models, paste your own texts (one per line), and see how each "
    "model judges which texts are alike, side by side, with how fast it was. Everything runs on "
    "this machine; the bundled models work offline."
)
TEXTS_HELP = (
    "One text per line: questions, titles, passages. Blank lines are ignored. "
    "Each model turns every line into a vector; the heatmaps show the cosine similarity of every pair."
)
EMPTY_STATE = "Enter texts and press **Run comparison**, or **Load sample** to try the invoice-chatbot scenario."
HEATMAP_CAPTION = (
    "Cosine similarity of every pair of texts, one panel per model, on one colour scale. "
    "Brighter means the model finds the two texts more alike. Axis numbers are line numbers of your texts; "
    "hover a cell to read the two texts' line numbers and how each begins."
)
AGREEMENT_CAPTION = (
    "**spearman**: how alike two models order all pairs of texts (1 = the same order). "
    "**top-k overlap**: the share of each text's k nearest neighbours that both models pick."
)
EMB_COST_TEXT = ("Cost of embedding 1,000 texts like these (a request = one text). Local models and your own "
                 "servers: the cold ms/text shown (the median of the timed passes) × 1,000 texts = seconds, × the "
                 "hourly rate ÷ 3,600; without a timed pass, the computing pass's seconds; served from the cache "
                 "with no timing: unknown. Models on Inference Providers: texts × the price per 1M texts; a price "
                 "per token is unknown here, as embedding runs do not count tokens. The 'cost arithmetic' column "
                 "shows the sum and the price's source; a price checked over 90 days ago is marked stale; no price "
                 "means unknown, never 0.")
EMB_MODES = {"compare": "Compare texts", "evaluate": "Evaluate retrieval", "pairs": "Labeled pairs"}
EMB_MODE_HELP = (
    "Compare texts: see how models judge which of your texts are alike. Evaluate retrieval: give queries and "
    "the texts each should find, and measure how well every model finds them. Labeled pairs: label pairs of "
    "texts as similar or not (or score them 0–5), and measure which model's similarity follows your labels."
)
COMPARE_PROMPTS_CAPTION = (
    "Prompts: none. Comparing texts has no queries or documents, so every model embeds each text as typed, "
    "without a query or document prompt. **Evaluate retrieval** runs each model with its prompts."
)

NEIGHBOURS_K = 5


def _load_sample() -> None:
    set_widget(keys.EMB_TEXTS, "\n".join(load_sample("invoice_chatbot")["texts"]))


def render_inputs() -> tuple[list[str], str, bool]:
    """Model and text widgets; returns (chosen model refs as typed, raw texts, run pressed)."""
    chosen = render_model_picker("embeddings", keys.EMB_MODELS, prose.MODELS_HELP + " " + prose.EXTRA_MODEL_HELP,
                                 "Pick models, or type a Hub model id and press Enter")
    restore(keys.EMB_TEXTS)
    st.text_area(
        "Texts, one per line",
        key=widget_key(keys.EMB_TEXTS),
        height=220,
        help=TEXTS_HELP,
        placeholder="How do I create an invoice?\nInvoice templates and billing\n…",
    )
    left = right = st.container(horizontal=True)  # buttons keep their labels and wrap on a narrow screen
    remember(keys.EMB_TEXTS)
    left.button("Load sample", on_click=_load_sample, help=load_sample("invoice_chatbot")["description"])
    run = right.button("Run comparison", type="primary")
    return chosen, st.session_state.get(keys.EMB_TEXTS, ""), run


def run_comparison(chosen: list[str], raw_texts: str) -> None:
    """Validate, embed with a progress bar, and keep the results in the session."""
    try:
        texts = validate_texts(parse_texts(raw_texts))
        refs = validate_models([ModelRef.parse(choice) for choice in chosen])
    except SpecError as exc:
        session.forget(session.TextComparison)  # the error replaces the results of the run before
        st.error(literal(exc))
        return
    bar = st.progress(0.0, text="Starting…")
    total = len(refs) * len(texts)

    def progress(ref: ModelRef, done: int, n: int, stage: str) -> None:
        finished = refs.index(ref) * n + done
        action = "Loading" if stage == "loading" else "Embedding with"
        bar.progress(min(1.0, finished / total), text=f"{action} {literal(ref)} ({done}/{n} texts done)")

    settings = session.endpoint_settings()
    results = compare_embeddings(texts, refs, embedding_cache(), progress, settings)
    bar.empty()
    session.save(session.TextComparison(texts, results, comparison_inputs(chosen, raw_texts)))


def comparison_inputs(chosen: list[str], raw_texts: str) -> dict:
    """What a comparison runs on, to tell when the inputs on screen have changed since."""
    return {"models": list(chosen), "texts": parse_texts(raw_texts)}


def render_results(texts: list[str], results: list[EmbeddingResult]) -> None:
    """Errors, heatmaps, agreement, neighbours and speed for one finished comparison."""
    from hfcompare.embeddings import tables
    from hfcompare.embeddings.similarity import agreement_table, cosine_matrix
    from hfcompare.reporting import charts

    for failed in (r for r in results if not r.ok):
        st.error(f"**{literal(failed.ref)}** failed ({failed.error_kind}): {literal(failed.error)}", icon="⚠️")
    names = display_names([r.ref for r in results])
    matrices = {names[r.ref]: cosine_matrix(r.vectors) for r in results if r.ok}
    if not matrices:
        st.info("No model produced vectors; see the errors above.")
        return

    st.subheader("Similarity matrices")
    st.caption(HEATMAP_CAPTION)
    if not any(r.prompt for r in results if r.ok):  # compare mode embeds texts as typed
        st.caption(COMPARE_PROMPTS_CAPTION)
    chart(lambda: charts.similarity_heatmaps(matrices, texts), key="emb_heatmaps")

    from ui.cost import cost_column_config, hourly_rate_input, provider_prices
    from ui.memory import failed_refs, memory_figures
    timing = tables.timing_table(results, names, memory_figures([r.ref for r in results], "embeddings",
                                                                failed_refs(results)))
    st.subheader("Speed and size")
    st.caption(prose.SPEED_CAPTION.format(where=where_measured()))
    timing = tables.add_costs(timing, results, provider_prices([r.ref for r in results], names), hourly_rate_input())
    st.dataframe(  # the range is shown as text; the chart uses its numbers
        columns_first(timing.drop(columns=[tables.MS_PER_TEXT_LOW, tables.MS_PER_TEXT_HIGH]).rename(
            columns=tables.TIMING_LABELS), ["model", "status", "cold ms/text", "ms/text range", "memory MB",
                                            tables.COST_LABELS[tables.COST_PER_1000]]),
        hide_index=True,
        column_config=pinned_model({
            name: st.column_config.Column(name, help=help_text)
            for name, help_text in (prose.TIMING_COLUMN_HELP | prose.MEMORY_COLUMN_HELP).items()
        } | cost_column_config(EMB_COST_TEXT)),
    )
    if timing[tables.COLD_MS_PER_TEXT].notna().any():
        chart(lambda: charts.speed_chart(timing.to_dict("records")), key="emb_speed")
    st.download_button("Download speed and size (CSV)", timing.rename(columns=tables.TIMING_LABELS).to_csv(index=False),
                       "speed_and_size.csv", "text/csv",
                       help="One row per model: the median ms/text with its fastest and slowest pass, passes, "
                            "cache use, load and compute time, where it was measured, memory, and the cost per "
                            "1,000 texts with its arithmetic.")

    if len(matrices) > 1:
        st.subheader("Agreement between models")
        st.caption(AGREEMENT_CAPTION)
        st.dataframe(agreement_table(matrices, k=3), hide_index=True)

    st.subheader("Nearest neighbours")
    st.caption("Each text's most similar other text under every model: its line number, its start, and the score "
               "in brackets.")
    st.dataframe(tables.top1_table(texts, matrices), hide_index=True)
    index = st.selectbox(
        "Top matches for one text",
        options=list(range(len(texts))),
        format_func=lambda i: tables.text_label(i, texts[i]),  # a number and a preview, not 500 whole texts
        key=keys.EMB_NEIGHBOUR_TEXT,
    )
    st.dataframe(tables.neighbours_table(texts, matrices, index or 0, NEIGHBOURS_K), hide_index=True)

    st.download_button(
        "Download all pairwise similarities (CSV)",
        data=lambda: tables.pairs_table(texts, matrices).to_csv(index=False),  # built on click, not every rerun
        file_name="similarities.csv",
        mime="text/csv",
    )


def render_comparison(auto_run: bool) -> dict:
    """The compare-texts mode: inputs, run, results. Returns the state a share link holds."""
    chosen, raw_texts, run_pressed = render_inputs()
    if run_pressed:
        cancel_ask("embeddings")
    else:
        auto_run = ask_before_computing("embeddings", auto_run, lambda: new_vectors(chosen, raw_texts))
    if run_pressed or auto_run:
        st.session_state.pop(keys.EMB_LINK_NOTE, None)
        run_comparison(chosen, raw_texts)
        if auto_run and session.text_comparison():
            st.session_state[keys.EMB_LINK_NOTE] = where_results_came_from(session.text_comparison().results)
    note = st.session_state.get(keys.EMB_LINK_NOTE)
    if note:  # stays while the results the link brought are on screen
        show_cache_note(note)
    stored = session.text_comparison()
    if stored:
        with results_for(stored.inputs, comparison_inputs(chosen, raw_texts), {"models": "models", "texts": "texts"},
                         "emb_results"):
            render_results(stored.texts, stored.results)
    elif not run_pressed:
        st.info(EMPTY_STATE)
    return {"mode": "compare", "models": chosen, "texts": raw_texts, "run": bool(stored)}


def new_vectors(chosen: list[str], raw_texts: str) -> int:
    """How many vectors a comparison of these inputs would compute (not in the cache); backends
    that refit on every run (milliseconds, no model) count nothing. Invalid inputs count 0: running
    them only shows their error."""
    from ui.share import uncached_vectors

    try:
        texts = validate_texts(parse_texts(raw_texts))
        refs = validate_models([ModelRef.parse(choice) for choice in chosen])
    except SpecError:
        return 0
    return uncached_vectors(refs, texts)


def where_results_came_from(results) -> tuple[str, str]:
    """After a share link reran a comparison: did everything come from the cache? ("all" or
    "some", and the sentence to show)."""
    from hfcompare.backends import get_backend

    cacheable = [r for r in results if r.ok and get_backend(r.ref.backend).cacheable]
    cached = [r for r in cacheable if r.computed == 0]
    refitted = [str(r.ref) for r in results if r.ok and r not in cacheable]
    note = f" ({', '.join(refitted)} is refitted on every run; it takes milliseconds.)" if refitted else ""
    return cache_note(len(cached), len(cacheable), note)


#: What this page's share link holds. Compare mode writes mode, models, texts and run; evaluate mode
#: writes mode, models, suite, distractors, prompts and run (`ui.retrieval_mode.render_evaluation`);
#: pairs mode writes mode, models, pairs and run (`ui.pairs_mode.render_pairs`).
LINK_FIELDS: dict[str, Field] = {
    "mode": Field("choice", ("compare", "evaluate", "pairs")),
    "models": models_field(),
    "texts": text_field(),
    "suite": text_field(),
    "distractors": text_field(),
    #: per-model query and document prompts the user set: {ref: {"query": ..., "document": ...}}
    #: (applied by `ui.prompt_editor.apply_prompt_link`)
    "prompts": Field("prompts", max_items=6, max_chars=20_000),
    #: labeled pairs as [[text1, text2, label], ...] (applied by `ui.pairs_mode.apply_pairs_link`)
    "pairs": Field("json", max_chars=2_000_000),
    "run": run_field(),
}


def apply_link(link: dict) -> bool:
    """Put a share link's state (LINK_FIELDS) into the widgets; True when its results should be shown."""
    if "mode" in link:
        set_widget(keys.EMB_MODE, link["mode"])
    if "models" in link:
        set_widget(keys.EMB_MODELS, link_models(link["models"], "embeddings", keys.EMB_MODELS))
    for field, key in (("texts", keys.EMB_TEXTS), ("suite", keys.EVAL_SUITE), ("distractors", keys.EVAL_DISTRACTORS)):
        if field in link:
            set_widget(key, link[field])
    if "suite" in link:
        set_widget(keys.EVAL_SOURCE, "type")
    if "prompts" in link or link.get("mode") == "evaluate":  # the link's prompts, the rest automatic
        apply_prompt_link(link.get("prompts") or {})
    if "pairs" in link:
        apply_pairs_link(link["pairs"])
    return bool(link.get("run"))


def render() -> None:
    """Embeddings: compare texts, or evaluate retrieval on labeled data."""
    share_slot, auto_run = open_page("embeddings", prose.EMBEDDINGS_TITLE, EMBEDDINGS_INTRO, apply_link,
                                     LINK_FIELDS)
    restore(keys.EMB_MODE, "compare")
    mode = st.segmented_control("Mode", list(EMB_MODES), required=True, format_func=EMB_MODES.get,
                                key=widget_key(keys.EMB_MODE),
                                help=EMB_MODE_HELP) or "compare"
    remember(keys.EMB_MODE)
    if mode == "evaluate":
        state = render_evaluation(auto_run)
    elif mode == "pairs":
        state = render_pairs(auto_run)
    else:
        state = render_comparison(auto_run)
    session.publish_embeddings_inputs(session.EmbeddingsInputs(   # what the Scorecard's "measure now" runs on
        value(keys.EMB_TEXTS, ""), value(keys.EVAL_SUITE, ""), value(keys.EVAL_DISTRACTORS, "")))
    with share_slot:
        render_share(write_link("embeddings", state, LINK_FIELDS))


if __name__ == "__main__":  # Streamlit runs a page file as __main__; tests import it
    render()
