"""The embeddings page's evaluation mode: labeled queries in, retrieval metrics per model out."""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from hfcompare.config import max_upload_bytes
from hfcompare.refs import ModelRef, SpecError, display_names, validate_models
from hfcompare.retrieval.labeled import (
    MAX_FILE_BYTES,
    DatasetError,
    RetrievalDataset,
    format_test_suite,
    load_labeled,
    parse_test_suite,
)
from hfcompare.retrieval.significance import CONFIDENCE, EXACT_MAX_QUERIES
from hfcompare.samples import load_retrieval_sample, retrieval_sample_description
from ui import keys, prose, session
from ui.freshness import results_for
from ui.prompt_editor import render_prompt_editor
from ui.resources import embedding_cache
from ui.share import ask_before_computing, cache_note, cancel_ask, show_cache_note
from ui.state import remember, restore, set_widget, widget_key
from ui.text import literal
from ui.widgets import chart, pinned_model, render_model_picker

EVAL_DATA_HELP = (
    "Type queries with the texts they should find (the brief's test suite), or upload a CSV, a JSONL file, "
    "or a BEIR-style set (corpus.jsonl, queries.jsonl, qrels.tsv)."
)
EVAL_UPLOAD_HELP = (
    "CSV: columns query, document (and optionally score); a row with an empty query adds a distractor. "
    "JSONL: lines {\"query\": ..., \"relevant\": [...]} or {\"document\": ...}. BEIR: corpus.jsonl (_id, title, "
    "text), queries.jsonl (_id, text) and qrels.tsv (query-id, corpus-id, score, with a header), uploaded together."
)
EVAL_SUITE_HELP = (
    "A query on its own line, then each text it should find on a line starting with '- '. "
    "Leave a blank line between queries if you like. Texts several queries should find are stored once."
)
EVAL_SUITE_PLACEHOLDER = (
    "How do I create an invoice?\n- To create an invoice, open Billing and choose New invoice.\n\n"
    "Can I change the currency?\n- Each invoice has a currency field."
)
EVAL_DISTRACTORS_HELP = "Texts no query should find. Real collections are mostly such texts; they make the test honest."
EVAL_EMPTY = (
    "Write queries with the texts they should find, upload labeled data, or press **Load labeled sample**; "
    "then **Run evaluation**."
)
EVAL_METRICS_CAPTION = (
    "{queries} queries against {corpus:,} texts. Every metric is averaged over queries; higher is better. "
    "Computed exactly as sentence-transformers' InformationRetrievalEvaluator computes them. Hover a column for "
    "its meaning."
)
EVAL_CI_HELP = (f"{CONFIDENCE:.0%} confidence interval of the mean over queries: a percentile bootstrap over the queries, "
                "widened where scores crowd a bound (near 1 or 0), where a bootstrap alone is too narrow (see docs/evaluation.md).")
EVAL_P_HELP = (
    "Paired permutation test for this pair alone: the chance of a mean difference at least this large if the two "
    "models were equally good (each query's difference as likely to have the other sign). Exact, over every sign "
    f"pattern, when the models differ on at most {EXACT_MAX_QUERIES} queries."
)
EVAL_SIGNIFICANCE_CAPTION = (
    "Each pair of models on the same queries: the mean difference in ndcg@10 with its 95% paired interval, "
    "and a paired permutation test whose p-value is corrected (Holm) for the number of pairs. A difference is "
    "called only when the corrected p is below 0.05; when the models differ on too few queries for even a clean "
    "sweep to get there (6 for one pair, more for several), the verdict says so instead of guessing."
)
EVAL_PER_QUERY_CAPTION = (
    "ndcg@10 of every model on every query, most disputed first, with each model's first result "
    "(✓ relevant, ✗ not)."
)
EVAL_HEATMAP_CAPTION = (
    "Cosine similarity of queries (rows) and the texts they should find (columns), per model, on one colour "
    "scale; circles mark the pairs judged relevant, so bright circles are good. Shown: {shown}."
)
EVAL_PROJECTION_CAPTION = (
    "Each text and query as a point, placed so that similar ones sit close (a 2D projection of the model's "
    "vectors). Texts a query should find share its colour; diamonds are queries."
)
EVAL_NO_UMAP = "UMAP is offered when umap-learn is installed; PCA is used until then."
EVAL_PROMPTS_USED_CAPTION = (
    "The prompts each model ran with: put before every query and every collection text (empty: none). 'From' "
    "says where each came from: you, the model's own configuration, or the catalog."
)

SOURCES = {"type": "Type or paste", "upload": "Upload files"}


def _load_sample() -> None:
    suite, others = format_test_suite(load_retrieval_sample())
    set_widget(keys.EVAL_SUITE, suite)
    set_widget(keys.EVAL_DISTRACTORS, others)
    set_widget(keys.EVAL_SOURCE, "type")


def dataset_from_uploads(files) -> RetrievalDataset:
    """One CSV, one JSONL, or the three files of a BEIR-style set (named corpus/queries/qrels)."""
    if not files:
        raise DatasetError("Upload a CSV or JSONL file, or the three files of a BEIR-style set.")
    limit = min(MAX_FILE_BYTES, max_upload_bytes())  # the operator's limit ($HFCOMPARE_MAX_UPLOAD_MB)
    for f in files:  # before any file is read
        if (getattr(f, "size", 0) or 0) > limit:
            raise DatasetError(f"{f.name}: {f.size:,} bytes; the limit is {limit:,}.")
    return load_labeled([(f.name, f.getvalue()) for f in files])


def render_data_inputs() -> RetrievalDataset | None:
    """The labeled-data widgets; returns the dataset they describe, or None (with a message)."""
    restore(keys.EVAL_SOURCE, "type")
    source = st.segmented_control("Labeled data", list(SOURCES), required=True, format_func=SOURCES.get,
                                  key=widget_key(keys.EVAL_SOURCE), help=EVAL_DATA_HELP) or "type"
    remember(keys.EVAL_SOURCE)
    if source == "upload":
        files = st.file_uploader("Files", type=["csv", "jsonl", "tsv"], accept_multiple_files=True,
                                 key=keys.EVAL_UPLOADS, help=EVAL_UPLOAD_HELP)
        if not files:
            return None
        try:
            return dataset_from_uploads(files)
        except DatasetError as exc:
            st.error(literal(exc))
            return None
    restore(keys.EVAL_SUITE, "")
    restore(keys.EVAL_DISTRACTORS, "")
    left, right = st.columns([3, 2])
    left.text_area("Queries, each followed by the texts it should find", key=widget_key(keys.EVAL_SUITE), height=260,
                   help=EVAL_SUITE_HELP, placeholder=EVAL_SUITE_PLACEHOLDER)
    right.text_area("Other texts in the collection (distractors), one per line", key=widget_key(keys.EVAL_DISTRACTORS),
                    height=260, help=EVAL_DISTRACTORS_HELP)
    remember(keys.EVAL_SUITE)
    remember(keys.EVAL_DISTRACTORS)
    st.button("Load labeled sample", on_click=_load_sample, help=retrieval_sample_description())
    if not st.session_state.get(keys.EVAL_SUITE, "").strip():
        return None
    try:
        return parse_test_suite(st.session_state[keys.EVAL_SUITE], st.session_state.get(keys.EVAL_DISTRACTORS, ""))
    except DatasetError as exc:
        st.error(literal(exc))
        return None


def run_evaluation(dataset: RetrievalDataset, chosen: list[str], prompts: dict | None = None) -> None:
    """Evaluate every model with a progress bar (`prompts`: the user's overrides by `backend:model`);
    keep the results in the session."""
    from hfcompare.retrieval.evaluation import evaluate

    try:
        refs = validate_models([ModelRef.parse(choice) for choice in chosen])
    except SpecError as exc:
        session.forget(session.Evaluation)  # the error replaces the results of the run before
        st.error(literal(exc))
        return
    bar = st.progress(0.0, text="Starting…")
    stages = {"loading": "Loading", "embedding": "Embedding with", "searching": "Searching with"}

    def progress(ref: ModelRef, done: int, total: int, stage: str) -> None:
        share = 0.9 * done / max(total, 1) if stage != "searching" else 0.9 + 0.1 * done / max(total, 1)
        bar.progress(min(1.0, (refs.index(ref) + share) / len(refs)),
                     text=f"{stages[stage]} {literal(ref)} ({done:,}/{total:,} {'documents' if stage == 'searching' else 'texts'})")

    settings = session.endpoint_settings()
    results = evaluate(dataset, refs, embedding_cache(), progress, settings, prompts=prompts)
    bar.empty()
    session.save(session.Evaluation(dataset, results, evaluation_inputs(chosen, dataset, prompts)))


def evaluation_inputs(chosen: list[str], dataset: RetrievalDataset | None, prompts: dict | None) -> dict:
    """What an evaluation runs on, to tell when the inputs on screen have changed since."""
    import hashlib
    import json

    data = None if dataset is None else hashlib.sha256(json.dumps(
        [dataset.queries, dataset.corpus, dataset.qrels], sort_keys=True).encode()).hexdigest()
    return {"models": list(chosen), "data": data,
            "prompts": {ref: override.as_dict() for ref, override in (prompts or {}).items()}}


EVALUATION_INPUTS = {"models": "models", "data": "labeled data", "prompts": "prompts"}


def _metric_columns() -> dict:
    from hfcompare.retrieval.metrics import metric_names
    from hfcompare.retrieval.tables import metric_help

    cfg = {name: st.column_config.NumberColumn(name, help=metric_help(name), format="%.3f") for name in metric_names()}
    cfg["ndcg@10 low"] = st.column_config.NumberColumn("ndcg@10 low", help=EVAL_CI_HELP, format="%.3f")
    cfg["ndcg@10 high"] = st.column_config.NumberColumn("ndcg@10 high", help=EVAL_CI_HELP, format="%.3f")
    cfg["embed s"] = st.column_config.NumberColumn("embed s", help="Seconds to embed corpus and queries "
                                                   "(0 when all came from the cache).", format="%.2f")
    cfg["search s"] = st.column_config.NumberColumn("search s", help="Seconds to rank the corpus for every query.",
                                                    format="%.2f")
    cfg["query prompt"] = st.column_config.TextColumn("query prompt", help="Put before every query (none: nothing).")
    cfg["document prompt"] = st.column_config.TextColumn("document prompt",
                                                         help="Put before every text of the collection.")
    cfg["prompts from"] = st.column_config.TextColumn("prompts from", help=EVAL_PROMPTS_USED_CAPTION)
    return cfg


def render_results(dataset: RetrievalDataset, results) -> None:
    """Metrics, intervals, significance, per-query disagreement, heatmaps and embedding maps."""
    from hfcompare.reporting import charts
    from hfcompare.retrieval.tables import metrics_table, per_query_table, significance_table

    for failed in (r for r in results if not r.ok):
        st.error(f"**{literal(failed.ref)}** failed ({failed.error_kind}): {literal(failed.error)}", icon="⚠️")
    ok = [r for r in results if r.ok]
    if not ok:
        st.info("No model produced results; see the errors above.")
        return
    names = display_names([r.ref for r in results])
    st.subheader("Retrieval metrics")
    st.caption(EVAL_METRICS_CAPTION.format(queries=len(dataset.judged_queries), corpus=len(dataset.corpus)))
    for note in dataset.notes:
        st.caption(literal(note))
    _say_graded(dataset)
    st.caption(EVAL_PROMPTS_USED_CAPTION)
    table = metrics_table(results, names)
    st.dataframe(shown_with_prompts(table), hide_index=True, column_config=pinned_model(_metric_columns()))
    chart(lambda: charts.interval_chart(table, "ndcg@10"), key="eval_intervals")
    left, right = st.columns(2)
    left.download_button("Download metrics (CSV)", table.to_csv(index=False), "retrieval_metrics.csv", "text/csv")
    right.download_button("Download metrics (JSON)",
                          json.dumps({str(r.ref): {**r.metrics, "prompts": r.prompts.as_dict()} for r in ok}, indent=2),
                          "retrieval_metrics.json", "application/json")
    if len(ok) > 1:
        st.subheader("Is the difference real?")
        st.caption(EVAL_SIGNIFICANCE_CAPTION)
        st.dataframe(significance_table(results, names), hide_index=True, column_config={
            "A − B": st.column_config.NumberColumn("A − B", help="Mean ndcg@10 of A minus B over the same queries.",
                                                   format="%+.3f"),
            "low": st.column_config.NumberColumn("low", help=EVAL_CI_HELP, format="%+.3f"),
            "high": st.column_config.NumberColumn("high", help=EVAL_CI_HELP, format="%+.3f"),
            "p-value": st.column_config.NumberColumn("p-value", help=EVAL_P_HELP, format="%.4f"),
            "Holm p": st.column_config.NumberColumn("Holm p", help=prose.EVAL_HOLM_HELP, format="%.4f"),
            "verdict": st.column_config.TextColumn("verdict", width="large"),
        })
    st.subheader("Query by query")
    st.caption(EVAL_PER_QUERY_CAPTION)
    per_query = per_query_table(dataset, results, names)
    if len(ok) > 1 and st.toggle("Only queries where the models disagree", key=keys.EVAL_DISPUTED):
        per_query = per_query[per_query["spread"] > 0]
    st.dataframe(per_query, hide_index=True, column_config={
        "spread": st.column_config.NumberColumn("spread", help="Best minus worst model's ndcg@10 on this query.",
                                                format="%.3f"),
        **{names[r.ref]: st.column_config.ProgressColumn(names[r.ref], help="ndcg@10 on this query",
                                                         min_value=0.0, max_value=1.0, format="%.2f") for r in ok},
    })
    render_heatmaps(dataset, ok, names)
    render_projection(dataset, ok, names)


def _say_graded(dataset: RetrievalDataset) -> None:
    """A caption when the judgments are graded: nDCG uses the grades, the other metrics any grade above 0."""
    from hfcompare.retrieval.metrics import graded_note

    note = graded_note(dataset.qrels)
    if note:
        st.caption(literal(note[0].upper() + note[1:] + "."))


def shown_with_prompts(table):
    """The metrics table as shown: the prompts each model ran with beside its name, quoted so a
    trailing space shows ("none" when empty); cells are data, never Markdown."""
    from hfcompare.retrieval.tables import PROMPT_COLUMNS

    shown = table.copy()
    for column in ("query prompt", "document prompt"):
        shown[column] = [json.dumps(text) if text else "none" for text in shown[column]]
    order = ["model", "reference", *PROMPT_COLUMNS]
    return shown[order + [c for c in shown.columns if c not in order]]


def render_heatmaps(dataset: RetrievalDataset, ok, names) -> None:
    from hfcompare.reporting import charts
    from hfcompare.retrieval.metrics import normalize
    from hfcompare.retrieval.tables import heatmap_sample

    query_ids, doc_ids = heatmap_sample(dataset)
    st.subheader("Queries against the texts they should find")
    shown = f"{len(query_ids)} of {len(dataset.judged_queries)} queries and {len(doc_ids)} of {len(dataset.corpus):,} texts"
    st.caption(EVAL_HEATMAP_CAPTION.format(shown=shown))
    positions = {d: i for i, d in enumerate(dataset.corpus)}
    judged = {q: i for i, q in enumerate(dataset.judged_queries)}
    matrices = {}
    for ev in ok:
        q = normalize(ev.query_vectors[[judged[q] for q in query_ids]])
        d = normalize(ev.corpus_vectors[[positions[d] for d in doc_ids]])
        scores = q @ d.T
        matrices[names[ev.ref]] = np.asarray(scores.toarray() if hasattr(scores, "toarray") else scores)
    relevant = np.array([[dataset.qrels[q].get(d, 0) > 0 for d in doc_ids] for q in query_ids])
    chart(lambda: charts.query_document_heatmaps(matrices, [dataset.queries[q] for q in query_ids],
                                                 [dataset.corpus[d] for d in doc_ids], relevant),
          key="eval_heatmaps")


def render_projection(dataset: RetrievalDataset, ok, names) -> None:
    from hfcompare.reporting import charts
    from hfcompare.retrieval.projection import methods, umap_available
    from hfcompare.retrieval.tables import projection_frame

    st.subheader("Embedding space")
    st.caption(EVAL_PROJECTION_CAPTION + ("" if umap_available() else " " + EVAL_NO_UMAP))
    model_col, method_col, colour_col = st.columns(3)
    by_name = {names[r.ref]: r for r in ok}
    chosen = model_col.selectbox("Model", list(by_name), key=keys.EVAL_PROJ_MODEL)
    method = method_col.selectbox("Projection", methods(), key=keys.EVAL_PROJ_METHOD,
                                  help="PCA keeps the two directions of largest spread; UMAP keeps neighbours "
                                       "together (needs umap-learn).")
    colour = colour_col.selectbox("Colour by", ["relevance", "cluster"], key=keys.EVAL_PROJ_COLOUR,
                                  help="relevance: which query a text should be found by; cluster: k-means groups.")
    points = projection_frame(dataset, by_name[chosen], method, colour)
    event = chart(lambda: charts.projection_scatter(points, f"{chosen} · {method}"), key="eval_projection",
                  on_select="rerun", selection_mode=("points", "box", "lasso"))
    if len(points) < len(dataset.corpus) + len(dataset.judged_queries):
        st.caption(f"Showing {len(points):,} points: a fixed sample that keeps every judged text.")
    selected = _selected_rows(event, points)
    if selected is None:
        st.caption("Select points (click, box or lasso) to read their texts here.")
    else:
        st.dataframe(selected[["kind", "label", "text"]], hide_index=True)


def _selected_rows(event, points):
    """The rows of `points` the user selected in the chart, or None when nothing is selected."""
    chosen = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", [])
    if not chosen:
        return None
    rows = sorted({int(p["customdata"][2]) for p in chosen if len(p.get("customdata") or []) > 2})
    return points.iloc[rows] if rows else None


def render_evaluation(auto_run: bool = False) -> dict:
    """The whole evaluation mode; returns the state a share link holds."""
    chosen = render_model_picker("embeddings", keys.EMB_MODELS, prose.MODELS_HELP + " " + prose.EXTRA_MODEL_HELP,
                                 "Pick models, or type a Hub model id and press Enter")
    prompts = render_prompt_editor(chosen)
    dataset = render_data_inputs()
    if dataset is not None:
        st.caption(f"{len(dataset.judged_queries)} queries with judged texts, {len(dataset.corpus):,} texts "
                   "in the collection.")
        _say_graded(dataset)
    clicked = st.button("Run evaluation", type="primary", disabled=dataset is None)
    if clicked:
        cancel_ask("evaluation")
    elif dataset is not None:
        auto_run = ask_before_computing("evaluation", auto_run, lambda: new_vectors(dataset, chosen, prompts))
    if clicked or (auto_run and dataset is not None):
        run_evaluation(dataset, chosen, prompts)
        if auto_run and session.evaluation():   # none when the run was refused (no model it may run)
            _say_cached(session.evaluation().results)
    stored = session.evaluation()
    if stored:
        with results_for(stored.inputs, evaluation_inputs(chosen, dataset, prompts), EVALUATION_INPUTS,
                         "eval_results"):
            render_results(stored.dataset, stored.results)
    elif dataset is None:
        st.info(EVAL_EMPTY)
    if st.session_state.get(keys.EVAL_SOURCE) == "type":
        suite, others = st.session_state.get(keys.EVAL_SUITE, ""), st.session_state.get(keys.EVAL_DISTRACTORS, "")
    else:  # uploaded files travel in the link as the same data in test-suite form
        suite, others = format_test_suite(dataset) if dataset is not None else ("", "")
    return {"mode": "evaluate", "models": chosen, "run": bool(stored), "suite": suite, "distractors": others,
            "prompts": {ref: override.as_dict() for ref, override in prompts.items()}}


def new_vectors(dataset: RetrievalDataset, chosen: list[str], prompts: dict | None = None) -> int:
    """How many vectors an evaluation of these inputs would compute (not in the cache); lexical
    baselines (refitted in milliseconds, no model) count nothing. Invalid models count 0: running
    them only shows their error."""
    from hfcompare.embeddings.prompts import resolve_prompts
    from hfcompare.embeddings.runs import uncached_count

    try:
        refs = validate_models([ModelRef.parse(choice) for choice in chosen])
    except SpecError:
        return 0
    prompts = prompts or {}
    documents = [dataset.corpus[d] for d in dataset.corpus]
    queries = [dataset.queries[q] for q in dataset.judged_queries]

    def batches(ref, backend):
        used = resolve_prompts(ref.model, prompts.get(ref) or prompts.get(str(ref)),
                               backend.configured_prompts(ref.model, load=False))  # never loads a model
        return [("document", used.document, documents), ("query", used.query, queries)]

    return uncached_count(refs, embedding_cache(), session.endpoint_settings(), batches=batches)


def _say_cached(results) -> None:
    embedded = [r.embedding for r in results if r.ok and r.embedding is not None]
    if embedded:
        show_cache_note(cache_note(sum(e.computed == 0 for e in embedded), len(embedded)))
