"""The embeddings page's labeled-pairs mode: pairs of texts a person labeled (similar or not, or a
0–5 score) in, how well each model's cosine similarity follows the labels out."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st

from hfcompare.config import max_upload_bytes
from hfcompare.retrieval.pairs import MAX_PAIRS, LabeledPairs, PairsError, load_sample, make_pairs, parse_pairs
from hfcompare.refs import ModelRef, SpecError, display_names, parse_texts, validate_models
from ui import keys, prose, session
from ui.freshness import results_for
from ui.resources import embedding_cache
from ui.share import ask_before_computing, cancel_ask
from ui.state import remember, renew, restore, value, widget_key
from ui.text import literal
from ui.widgets import chart, pinned_model, render_model_picker

PAIRS_SOURCES = {"type": "Type or paste", "upload": "Upload a file"}
PAIRS_DATA_HELP = (
    "Type or paste pairs into the table (paste several rows copied from a spreadsheet at once), or upload a CSV, "
    "TSV or JSONL file with columns text1, text2, label (or the STS layout: sentence1, sentence2, score)."
)
PAIRS_UPLOAD_HELP = (
    "CSV or TSV with a header row, or JSONL with one object per line. Columns text1, text2, label (or "
    "sentence1, sentence2, score). Labels: 1 or similar, 0 or not similar, or a score from 0 to 5."
)
PAIRS_TEXT_HELP = "One text of the pair, as your users would write it."
PAIRS_LABEL_HELP = (
    "1 (or similar) when the two texts mean the same thing, 0 (or not similar) when they do not; or a score from "
    "0 (unrelated) to 5 (same meaning), as in STS. Use one kind of label for the whole table."
)
PAIRS_FROM_TEXTS = "Add a pair from your texts"
PAIRS_FROM_TEXTS_HELP = (
    "Pick two of the texts you typed in Compare texts, say whether they are alike, and add them to the table."
)
PAIRS_EMPTY = (
    "Label at least two pairs (some similar, some not) in the table, upload a file, or press "
    "**Load pairs sample**; then **Run on pairs**."
)
PAIRS_METRICS_CAPTION = (
    "{n} labeled pairs ({kind}). Every model embeds each text once and scores each pair by cosine similarity; "
    "the figures say how well those scores follow your labels. Higher is better; hover a column for its meaning. "
    "Ranked on {primary}, with its 95% interval (a bootstrap over pairs)."
)
PAIRS_COLUMN_HELP = {
    "ROC AUC": "The chance that a pair labeled similar scores above a pair labeled not similar: 1 always, 0.5 is "
               "chance (a coin would do as well), below 0.5 the model has it backwards.",
    "Spearman": "Does the model put the pairs in the same order as your labels? 1: the same order, 0: no relation, "
                "−1: reversed. The figure sentence-transformers reports for STS.",
    "Pearson": "Like Spearman, but on the similarity values themselves rather than their order: high when the "
               "similarity rises in step with the label.",
    "gap": "Mean similarity of the similar pairs minus that of the not-similar pairs: how far apart the model "
           "keeps them. Not comparable across models with different similarity scales; ROC AUC is.",
    "low": "Lower end of the 95% interval of the ranking metric: with other pairs of the same kind, it would "
           "likely fall between low and high (a percentile bootstrap over pairs).",
    "high": "Upper end of the 95% interval of the ranking metric.",
}
PAIRS_SIGNIFICANCE_CAPTION = (
    "Each pair of models on the same labeled pairs: the difference in {primary}, and a paired permutation test "
    "(each pair's two similarities, as ranks, swapped between the models at random) whose p-value is corrected "
    "(Holm) for the number of model pairs. A model is called better only when the corrected p is below 0.05."
)
PAIRS_P_HELP = (
    "The chance of a difference at least this large if the two models were equally good, for this pair of models "
    "alone (a paired permutation test over the labeled pairs)."
)
PAIRS_WORST_CAPTION = (
    "The pairs each model gets most wrong: similar pairs it scores low and not-similar ones it scores high "
    "(for 0–5 scores: where its order departs most from yours). Worst first."
)
PAIRS_OFF_BY_HELP = (
    "How far the pair's place in the model's order is from its place in your labels' order, as a share of all "
    "pairs: 0 where the label puts it, near 1 at the opposite end."
)
PAIRS_FEW = (
    "Only {n} pairs: intervals and tests over so few are rough (a bootstrap over a handful of pairs can look "
    "certain when it is not). Label 20 or more, some similar and some not, for figures you can lean on."
)

COLUMNS = ["text1", "text2", "label"]
#: The labels "add a pair from your texts" offers.
LABEL_CHOICES = ["similar", "not similar", "0", "1", "2", "3", "4", "5"]
METRIC_LABELS = {"roc_auc": "ROC AUC", "spearman": "Spearman", "pearson": "Pearson", "gap": "gap"}
SAMPLE_HELP = ("44 pairs for the invoice chatbot, labeled similar or not similar; some are hard: shared words with "
               "a different meaning, and paraphrases with no words in common.")
WORST_PER_MODEL = 5
FEW_PAIRS = 20   # below this, say that intervals and tests are rough
ALPHA = 0.05
INPUT_LABELS = {"models": "models", "pairs": "labeled pairs"}


@dataclass(frozen=True)
class PairsRun:
    """The last run on labeled pairs: the pairs, one evaluation per model, the pairwise comparisons
    ((A, B, PairsComparison, Holm p)), and what it ran on (`ui.freshness`)."""

    pairs: LabeledPairs
    evaluations: list
    compared: list
    inputs: dict = field(default_factory=dict)


# --- the table of pairs -----------------------------------------------------------------------------


def _blank_table() -> pd.DataFrame:
    return pd.DataFrame([{c: "" for c in COLUMNS}])


def _cell(item: Any) -> str:
    if item is None or (isinstance(item, float) and math.isnan(item)):
        return ""
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        return f"{item:g}"
    return str(item)


def table_rows(table: pd.DataFrame, keep_blank: bool = False) -> list[list[str]]:
    """The table's rows as [text1, text2, label] strings (blank rows left out unless `keep_blank`)."""
    rows = [[_cell(record.get(c)) for c in COLUMNS] for record in table.to_dict("records")]
    return rows if keep_blank else [r for r in rows if any(s.strip() for s in r)]


def pairs_rows(pairs: LabeledPairs) -> list[list[str]]:
    """Checked pairs as table rows (labels written as numbers: 1, 0, 3.5)."""
    return [[a, b, f"{label:g}"] for a, b, label in zip(pairs.text1, pairs.text2, pairs.labels)]


def _start_from(table: pd.DataFrame) -> str:
    """Make `table` the pairs table, in a fresh editor (edits the browser still sends for the old one
    are ignored); returns the editor's key."""
    st.session_state[keys.PAIRS_TABLE] = table
    st.session_state.pop(keys.PAIRS_EDITED, None)
    return renew(keys.PAIRS_EDITOR)


def _current_table() -> pd.DataFrame:
    table = st.session_state.get(keys.PAIRS_EDITED)
    if table is None:
        table = st.session_state.get(keys.PAIRS_TABLE)
    return _blank_table() if table is None else table


def _load_sample() -> None:
    pairs = load_sample()
    rows = [[a, b, "similar" if label == 1 else "not similar"]
            for a, b, label in zip(pairs.text1, pairs.text2, pairs.labels)]
    _start_from(pd.DataFrame(rows, columns=COLUMNS))


def _add_pair(texts: list[str]) -> None:
    """Append the pair picked from the compare-mode texts to the table (blank rows dropped)."""
    first, second = st.session_state.get(keys.PAIRS_PICK_A), st.session_state.get(keys.PAIRS_PICK_B)
    label = st.session_state.get(keys.PAIRS_PICK_LABEL) or "similar"
    if first is None or second is None or first >= len(texts) or second >= len(texts):
        return
    rows = [*table_rows(_current_table()), [texts[first], texts[second], label]]
    _start_from(pd.DataFrame(rows, columns=COLUMNS))


def link_rows(found: Any) -> list[list[str]]:
    """A share link's pairs as table rows; raises ValueError when it is not a list of
    [text1, text2, label] rows of text or numbers."""
    if not isinstance(found, list) or len(found) > MAX_PAIRS:
        raise ValueError(f"is not a list of at most {MAX_PAIRS:,} rows")
    rows = []
    for row in found:
        if not isinstance(row, list) or len(row) != 3 or not all(
                isinstance(item, (str, int, float)) and not isinstance(item, bool) for item in row):
            raise ValueError("holds a row that is not [text1, text2, label]")
        rows.append([_cell(item) for item in row])
    return rows


def apply_pairs_link(found: Any) -> None:
    """Put a share link's pairs (`pairs` field) in the table, or say why they cannot be used."""
    from ui.state import set_widget

    try:
        rows = link_rows(found)
    except ValueError as exc:
        st.warning(f"The link's 'pairs' {exc}; the table is left empty.", icon="🔗")
        return
    _start_from(pd.DataFrame(rows, columns=COLUMNS) if rows else _blank_table())
    set_widget(keys.PAIRS_SOURCE, "type")


def render_table() -> pd.DataFrame:
    """The editable pairs table; returns it as shown, edits included."""
    editor = widget_key(keys.PAIRS_EDITOR)
    left_as = st.session_state.get(keys.PAIRS_EDITED)
    if editor not in st.session_state and left_as is not None:
        # back from another page: Streamlit dropped the editor's edits, so start from the table as it was left
        editor = _start_from(left_as)
    base = st.session_state.get(keys.PAIRS_TABLE)
    edited = st.data_editor(
        base if base is not None else _blank_table(),
        key=editor,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "text1": st.column_config.TextColumn("text1", help=PAIRS_TEXT_HELP, width="large"),
            "text2": st.column_config.TextColumn("text2", help=PAIRS_TEXT_HELP, width="large"),
            "label": st.column_config.TextColumn("label", help=PAIRS_LABEL_HELP, width="small"),
        },
    )
    st.session_state[keys.PAIRS_EDITED] = edited
    return edited


def render_add_from_texts() -> None:
    """Pick two texts typed in Compare texts, label them, and add them to the table."""
    texts = parse_texts(value(keys.EMB_TEXTS, "") or "")
    if len(texts) < 2:
        return
    from hfcompare.embeddings.tables import text_label

    with st.expander(PAIRS_FROM_TEXTS):
        st.caption(PAIRS_FROM_TEXTS_HELP)
        first, second, label = st.columns([5, 5, 2])
        options = list(range(len(texts)))
        shown = lambda i: text_label(i, texts[i]) if i < len(texts) else ""  # noqa: E731
        first.selectbox("First text", options, format_func=shown, key=keys.PAIRS_PICK_A)
        second.selectbox("Second text", options, index=1, format_func=shown, key=keys.PAIRS_PICK_B)
        label.selectbox("Label", LABEL_CHOICES, key=keys.PAIRS_PICK_LABEL, help=PAIRS_LABEL_HELP)
        st.button("Add this pair", on_click=_add_pair, args=(texts,))


def pairs_from_upload(upload) -> LabeledPairs:
    """Pairs from one uploaded CSV, TSV or JSONL file; a file over the operator's upload limit is
    refused before it is read."""
    limit = max_upload_bytes()  # $HFCOMPARE_MAX_UPLOAD_MB
    if (getattr(upload, "size", 0) or 0) > limit:
        raise PairsError(f"{upload.name}: {upload.size:,} bytes; the limit is {limit:,}.")
    return parse_pairs(upload.getvalue(), upload.name)


def render_inputs() -> tuple[LabeledPairs | None, list[list[str]]]:
    """The pairs widgets; returns the checked pairs (or None, with a message) and the rows a share
    link holds."""
    restore(keys.PAIRS_SOURCE, "type")
    source = st.segmented_control("Labeled pairs", list(PAIRS_SOURCES), required=True,
                                  format_func=PAIRS_SOURCES.get, key=widget_key(keys.PAIRS_SOURCE),
                                  help=PAIRS_DATA_HELP) or "type"
    remember(keys.PAIRS_SOURCE)
    if source == "upload":
        upload = st.file_uploader("Pairs file", type=["csv", "tsv", "jsonl"], key=keys.PAIRS_UPLOAD,
                                  help=PAIRS_UPLOAD_HELP)
        if upload is None:
            return None, []
        try:
            pairs = pairs_from_upload(upload)
        except PairsError as exc:
            st.error(literal(exc))
            return None, []
        return pairs, pairs_rows(pairs)
    table = render_table()
    render_add_from_texts()
    st.button("Load pairs sample", on_click=_load_sample, help=SAMPLE_HELP)
    rows = table_rows(table)
    if not rows:
        return None, []
    try:
        return make_pairs([tuple(r) for r in table_rows(table, keep_blank=True)], source="The table"), rows
    except PairsError as exc:
        st.error(literal(exc))
        return None, rows


# --- running ----------------------------------------------------------------------------------------


def run_pairs(pairs: LabeledPairs, chosen: list[str], rows: list[list[str]]) -> None:
    """Embed and score every model with a progress bar, compare them; keep the run in the session."""
    from hfcompare.retrieval.pairs import comparisons, evaluate_pairs

    try:
        refs = validate_models([ModelRef.parse(choice) for choice in chosen])
    except SpecError as exc:
        st.session_state.pop(keys.PAIRS_RESULTS, None)  # the error replaces the results of the run before
        st.error(literal(exc))
        return
    bar = st.progress(0.0, text="Starting…")

    def progress(ref: ModelRef, done: int, total: int, stage: str) -> None:
        action = "Loading" if stage == "loading" else "Embedding with"
        bar.progress(min(1.0, (refs.index(ref) + done / max(total, 1)) / len(refs)),
                     text=f"{action} {literal(ref)} ({done:,}/{total:,} texts)")

    evaluations = evaluate_pairs(pairs, refs, embedding_cache(), session.endpoint_settings(), progress)
    bar.progress(1.0, text="Testing the differences between models…")
    compared = comparisons(evaluations, pairs)
    bar.empty()
    st.session_state[keys.PAIRS_RESULTS] = PairsRun(pairs, evaluations, compared, pairs_inputs(chosen, rows))


def pairs_inputs(chosen: list[str], rows: list[list[str]]) -> dict:
    """What a run on pairs runs on, to tell when the inputs on screen have changed since."""
    return {"models": list(chosen), "pairs": [list(r) for r in rows]}


def new_vectors(pairs: LabeledPairs, chosen: list[str]) -> int:
    """How many vectors a run on these pairs would compute (not in the cache); backends that refit
    on every run count nothing, and invalid models 0 (running them only shows their error)."""
    from ui.share import uncached_vectors

    try:
        refs = validate_models([ModelRef.parse(choice) for choice in chosen])
    except SpecError:
        return 0
    return uncached_vectors(refs, list(dict.fromkeys(pairs.text1 + pairs.text2)))


# --- results ----------------------------------------------------------------------------------------


def label_text(label: float, binary: bool) -> str:
    if binary:
        return "similar" if label == 1 else "not similar"
    return f"{label:g}"


def metric_order(pairs: LabeledPairs) -> list[str]:
    return ["roc_auc", "gap", "spearman", "pearson"] if pairs.binary else ["spearman", "pearson"]


def metrics_table(run: PairsRun, names: dict) -> pd.DataFrame:
    """One row per model that ran: its figures, with the 95% interval of the ranking metric."""
    primary = METRIC_LABELS[run.pairs.primary]
    rows = []
    for ev in (e for e in run.evaluations if e.ok):
        row: dict[str, Any] = {"model": names[ev.ref], "reference": str(ev.ref)}
        for metric in metric_order(run.pairs):
            row[METRIC_LABELS[metric]] = ev.scores.get(metric, math.nan)
            if metric == run.pairs.primary:
                low, high = ev.intervals.get(metric, (math.nan, math.nan))
                row[f"{primary} low"], row[f"{primary} high"] = low, high
        rows.append(row)
    return pd.DataFrame(rows)


def _metric_columns(primary: str) -> dict:
    cfg = {name: st.column_config.NumberColumn(name, help=help_text, format="%.3f")
           for name, help_text in PAIRS_COLUMN_HELP.items() if name not in ("low", "high")}
    cfg[f"{primary} low"] = st.column_config.NumberColumn(f"{primary} low", help=PAIRS_COLUMN_HELP["low"],
                                                          format="%.3f")
    cfg[f"{primary} high"] = st.column_config.NumberColumn(f"{primary} high", help=PAIRS_COLUMN_HELP["high"],
                                                           format="%.3f")
    cfg["gap"] = st.column_config.NumberColumn("gap", help=PAIRS_COLUMN_HELP["gap"], format="%+.3f")
    cfg["reference"] = st.column_config.TextColumn("reference", help="The model as backend:model.")
    return cfg


def verdict(difference: float, p_value: float, holm_p: float, name_a: str, name_b: str) -> str:
    """The comparison in words, from the same numbers the table shows beside it."""
    if math.isnan(difference) or math.isnan(holm_p):
        return "cannot tell: the metric is undefined for one of them"
    if holm_p < ALPHA and difference != 0:
        return f"{name_a if difference > 0 else name_b} is better (p < {ALPHA:g} after Holm correction)"
    if p_value < ALPHA:
        return f"no clear difference after Holm correction (p < {ALPHA:g} for this pair alone)"
    return f"no clear difference (p ≥ {ALPHA:g})"


def comparison_table(run: PairsRun, names: dict) -> pd.DataFrame:
    rows = [{"model A": names[a], "model B": names[b],
             "verdict": verdict(c.difference, c.p_value, holm_p, names[a], names[b]),
             "A − B": c.difference, "p-value": c.p_value, "Holm p": holm_p}
            for a, b, c, holm_p in run.compared]
    return pd.DataFrame(rows, columns=["model A", "model B", "verdict", "A − B", "p-value", "Holm p"])


def out_of_place(ev, pairs: LabeledPairs, n: int = WORST_PER_MODEL) -> list[dict]:
    """The pairs a model gets most wrong (`worst_pairs`); for similar/not-similar labels only those
    really out of place: a similar pair below some not-similar one, or a not-similar pair above some
    similar one (a model that separates them all has none)."""
    from hfcompare.retrieval.pairs import worst_pairs

    if not pairs.binary:
        return worst_pairs(ev, pairs, n)
    labels = list(pairs.labels)
    similar = [s for s, label in zip(ev.similarities, labels) if label == 1]
    other = [s for s, label in zip(ev.similarities, labels) if label == 0]
    return [w for w in worst_pairs(ev, pairs, len(pairs))
            if (w["label"] == 1 and w["similarity"] < max(other)) or (w["label"] == 0 and w["similarity"] > min(similar))][:n]


def worst_table(run: PairsRun, names: dict, n: int = WORST_PER_MODEL) -> pd.DataFrame:
    rows = [{"model": names[ev.ref], "text1": w["text1"], "text2": w["text2"],
             "label": label_text(w["label"], run.pairs.binary), "similarity": w["similarity"], "off by": w["off_by"]}
            for ev in run.evaluations if ev.ok for w in out_of_place(ev, run.pairs, n)]
    return pd.DataFrame(rows, columns=["model", "text1", "text2", "label", "similarity", "off by"])


def similarities_table(run: PairsRun, names: dict) -> pd.DataFrame:
    """Every pair with its label and each model's cosine similarity, for the CSV download."""
    table = pd.DataFrame({"text1": run.pairs.text1, "text2": run.pairs.text2, "label": run.pairs.labels})
    for ev in (e for e in run.evaluations if e.ok):
        table[names[ev.ref]] = ev.similarities
    return table


def render_results(run: PairsRun) -> None:
    """Errors, the figures with intervals, the pairwise tests, and the pairs each model gets most wrong."""
    from hfcompare.reporting import charts

    for failed in (e for e in run.evaluations if not e.ok):
        st.error(f"**{literal(failed.ref)}** failed ({failed.error_kind}): {literal(failed.error)}", icon="⚠️")
    ok = [e for e in run.evaluations if e.ok]
    if not ok:
        st.info("No model produced vectors; see the errors above.")
        return
    names = display_names([e.ref for e in run.evaluations])
    primary = METRIC_LABELS[run.pairs.primary]
    st.subheader("How well each model follows your labels")
    kind = "labeled similar or not" if run.pairs.binary else "scored 0–5"
    st.caption(PAIRS_METRICS_CAPTION.format(n=len(run.pairs), kind=kind, primary=primary))
    if len(run.pairs) < FEW_PAIRS:
        st.caption(PAIRS_FEW.format(n=len(run.pairs)))
    table = metrics_table(run, names)
    st.dataframe(table, hide_index=True, column_config=pinned_model(_metric_columns(primary)))
    drawable = table.dropna(subset=[primary, f"{primary} low", f"{primary} high"])
    if len(drawable):
        chart(lambda: charts.interval_chart(drawable, primary), key="pairs_intervals")
    left = middle = right = st.container(horizontal=True)  # buttons keep their labels and wrap on a narrow screen
    left.download_button("Download figures (CSV)", table.to_csv(index=False), "pairs_metrics.csv", "text/csv")
    middle.download_button("Download similarities per pair (CSV)",
                           data=lambda: similarities_table(run, names).to_csv(index=False),
                           file_name="pairs_similarities.csv", mime="text/csv",
                           help="Every pair with its label and each model's cosine similarity.")
    right.download_button("Download report (HTML)", data=lambda: pairs_report(run, names, table, drawable, primary),
                          file_name="pairs_report.html", mime="text/html",
                          help="One file with the figures, the interval chart, the comparisons and the pairs each "
                               "model gets most wrong, with the hardware and date.")
    if len(ok) > 1:
        st.subheader("Is the difference real?")
        st.caption(PAIRS_SIGNIFICANCE_CAPTION.format(primary=primary))
        st.dataframe(comparison_table(run, names), hide_index=True, column_config={
            "verdict": st.column_config.TextColumn("verdict", width="large"),
            "A − B": st.column_config.NumberColumn("A − B", help=f"{primary} of A minus {primary} of B.",
                                                   format="%+.3f"),
            "p-value": st.column_config.NumberColumn("p-value", help=PAIRS_P_HELP, format="%.4f"),
            "Holm p": st.column_config.NumberColumn("Holm p", help=prose.EVAL_HOLM_HELP, format="%.4f"),
        })
    st.subheader("The pairs each model gets most wrong")
    st.caption(PAIRS_WORST_CAPTION)
    worst = worst_table(run, names)
    clean = [names[e.ref] for e in ok if names[e.ref] not in set(worst["model"])]
    if clean:
        st.caption(literal(", ".join(clean)) + (": every similar pair scores above every not-similar one."
                                                if run.pairs.binary else ": the same order as your scores."))
    if worst.empty:
        return
    st.dataframe(worst, hide_index=True, column_config=pinned_model({
        "similarity": st.column_config.NumberColumn("similarity", help="This model's cosine similarity of the pair.",
                                                    format="%.3f"),
        "off by": st.column_config.NumberColumn("off by", help=PAIRS_OFF_BY_HELP, format="%.2f"),
        "label": st.column_config.TextColumn("label", help="Your label."),
    }))


def pairs_report(run: PairsRun, names: dict, table, drawable, primary: str) -> str:
    """The run as one HTML file (hfcompare.reporting.report): built when the button is pressed, as the
    report inlines plotly.js."""
    from hfcompare.reporting import charts
    from hfcompare.reporting.report import build_report

    kind = "labeled similar or not" if run.pairs.binary else "scored 0–5"
    summary = (f"{len(run.pairs)} labeled pairs ({kind}); models ranked by {primary}, with 95% bootstrap "
               "intervals over the pairs.")
    ok = [e for e in run.evaluations if e.ok]
    sections = [("How well each model follows your labels", table),
                (f"{primary} with its 95% interval", charts.interval_chart(drawable, primary) if len(drawable) else None),
                ("Is the difference real?", comparison_table(run, names) if len(ok) > 1 else None),
                ("The pairs each model gets most wrong", worst_table(run, names)),
                ("Every pair", similarities_table(run, names))]
    return build_report("hfcompare: labeled pairs", summary, [(t, part) for t, part in sections if part is not None])


def stored_run() -> PairsRun | None:
    stored = st.session_state.get(keys.PAIRS_RESULTS)
    return stored if isinstance(stored, PairsRun) else None


def render_pairs(auto_run: bool = False) -> dict:
    """The whole labeled-pairs mode; returns the state a share link holds."""
    chosen = render_model_picker("embeddings", keys.EMB_MODELS, prose.MODELS_HELP + " " + prose.EXTRA_MODEL_HELP,
                                 "Pick models, or type a Hub model id and press Enter")
    pairs, rows = render_inputs()
    if pairs is not None:
        kind = "similar or not" if pairs.binary else "scores from 0 to 5"
        st.caption(f"{len(pairs)} labeled pairs ({kind}), {len(set(pairs.text1 + pairs.text2))} distinct texts.")
    clicked = st.button("Run on pairs", type="primary", disabled=pairs is None)
    if clicked:
        cancel_ask("pairs")
    elif pairs is not None:
        auto_run = ask_before_computing("pairs", bool(auto_run), lambda: new_vectors(pairs, chosen))
    if pairs is not None and (clicked or auto_run):
        run_pairs(pairs, chosen, rows)
    stored = stored_run()
    if stored:
        with results_for(stored.inputs, pairs_inputs(chosen, rows), INPUT_LABELS, "pairs_results"):
            render_results(stored)
    elif pairs is None:
        st.info(PAIRS_EMPTY)
    return {"mode": "pairs", "models": chosen, "pairs": rows, "run": bool(stored)}
