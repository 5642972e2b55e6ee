"""Scorecard helpers: measure what a recommendation lacks, and show baselines as references."""

from __future__ import annotations

import streamlit as st

from hfcompare.decide.scorecard import MEASURED_LABELS, is_baseline
from hfcompare.decide.scoring import Scored
from hfcompare.refs import ModelRef, SpecError
from ui import keys, session
from ui.state import forget
from ui.text import literal

SC_REFERENCES = (
    "References, not candidates: TF-IDF counts shared words, so it shows what the models add beyond word overlap. "
    "Add it under Candidates to rank it on purpose."
)
SC_MEASURE_PERFORMANCE_HELP = (
    "Runs a retrieval evaluation of the candidates on your labeled queries (Embeddings page, Evaluate retrieval), "
    "or on the bundled labeled sample if you have none, and uses the measured nDCG@10."
)
SC_MEASURE_GENERATION_HELP = (
    "Opens the Generation page with these models and runs your prompts with their checks (the sample prompts if "
    "there are none); come back here to see the measured pass rate, tokens per second, latency and cost."
)
SC_MEASURE_SPEED_HELP = ("Times the candidates on your texts (or the sample texts): the median of repeated passes. "
                         "A self-hosted model's cost per 1,000 texts is that time × the hourly rate.")
SC_MEASURE_HELD = "Not measured by this button: {models}. {reason}"
SC_MEASURE_NEEDS_DOWNLOAD = (
    "Not on this machine: each would first be downloaded from the Hugging Face Hub (gigabytes for a model of "
    "billions of parameters), then run on this CPU. To measure one anyway, add it on the Generation page.")
SC_CATALOG_ONLY = (
    "Unknown in the catalog and not measurable here: {criteria}. Lower its weight or remove it if it matters "
    "less than a recommendation."
)


def pending_candidates_key(task: str) -> str:
    return keys.scoped(keys.SC_CANDIDATES, task, 'pending')


def _refs(names: list[str]) -> dict[str, ModelRef]:
    """Candidate name -> the reference to run it with (a bare catalog id runs on the local backend)."""
    out = {}
    for name in names:
        try:
            out[name] = ModelRef.parse(name)
        except SpecError:
            continue
    return out


def _after_run(task: str, refs: dict[str, ModelRef], results, source_key: str | None) -> None:
    """Candidates that ran are named by their reference from now on; the measured source is
    picked again (it now has values); then the page reruns."""
    ran = {str(r.ref) for r in results if r.ok}
    st.session_state[pending_candidates_key(task)] = [str(ref) if str(ref) in ran else name
                                                      for name, ref in refs.items()]
    st.session_state[keys.SC_MEASURE_ERRORS] = [(str(r.ref), r.error_kind or "error", r.error or "")
                                                for r in results if not r.ok]
    if source_key:
        forget(source_key)
    st.rerun()


def _measure_performance(task: str, refs: dict[str, ModelRef]) -> None:
    from hfcompare.retrieval.evaluation import evaluate
    from hfcompare.retrieval.labeled import DatasetError, parse_test_suite
    from hfcompare.samples import load_retrieval_sample
    from ui.resources import embedding_cache

    inputs = session.embeddings_inputs()
    suite = inputs.suite
    try:
        dataset = parse_test_suite(suite, inputs.distractors) if suite.strip() \
            else load_retrieval_sample()
    except DatasetError:
        dataset = load_retrieval_sample()
    targets = list(dict.fromkeys(refs.values()))
    bar = st.progress(0.0, text="Evaluating…")

    def progress(ref, done, total, stage):
        share = done / max(total, 1)
        bar.progress(min(1.0, (targets.index(ref) + share) / len(targets)), text=f"{stage.capitalize()} {literal(ref)}")

    results = evaluate(dataset, targets, embedding_cache(), progress, session.endpoint_settings())
    bar.empty()
    from ui.retrieval_mode import evaluation_inputs

    session.save(session.Evaluation(dataset, results, evaluation_inputs([str(r) for r in targets], dataset, {})))
    _after_run(task, refs, results, keys.scoped(keys.SC_SOURCE, task, 'performance'))


def _measure_speed(task: str, refs: dict[str, ModelRef]) -> None:
    from hfcompare.embeddings.runs import compare_embeddings
    from hfcompare.refs import parse_texts
    from hfcompare.samples import load_sample
    from ui.resources import embedding_cache

    texts = parse_texts(session.embeddings_inputs().texts)
    if len(texts) < 2:
        texts = load_sample("invoice_chatbot")["texts"]
    targets = list(dict.fromkeys(refs.values()))
    bar = st.progress(0.0, text="Measuring speed…")

    def progress(ref, done, total, stage):
        bar.progress(min(1.0, (targets.index(ref) + done / max(total, 1)) / len(targets)), text=f"Timing {literal(ref)}")

    results = compare_embeddings(texts, targets, embedding_cache(), progress,
                                 session.endpoint_settings())
    bar.empty()
    session.save(session.TextComparison(texts, results, {"models": [str(r) for r in targets], "texts": texts}))
    _after_run(task, refs, results, None)


def runnable_without_download(refs: dict[str, ModelRef], task: str) -> tuple[dict[str, ModelRef], dict[str, str]]:
    """The candidates one click may run (bundled, already downloaded, or on a configured server), and why
    each other one is held back: a generation model not on this machine is a download of gigabytes from the
    Hub, then slow on this CPU, so a click on the Scorecard never starts it (the Generation page can)."""
    from hfcompare.backends.hub import public_refusal
    from hfcompare.hub.availability import availability

    settings = session.endpoint_settings()
    ready, held = {}, {}
    for name, ref in refs.items():
        found = availability(ref, task, settings, hub_up=False)
        if found.runs_now:
            ready[name] = ref
        elif ref.backend == "local" and (refusal := public_refusal(ref.model)):
            held[name] = refusal
        elif ref.backend == "local":
            held[name] = SC_MEASURE_NEEDS_DOWNLOAD
        else:
            held[name] = found.fix
    return ready, held


def render_measure_errors() -> None:
    """What the last "measure now" could not measure, and why (shown whatever the verdict now is)."""
    for ref, kind, error in st.session_state.get(keys.SC_MEASURE_ERRORS, []):
        st.error(literal(f"Could not measure {ref} ({kind}): {error}"), icon="⚠️")


def render_measure_buttons(task: str, names: list[str], scored: Scored) -> None:
    """Buttons that measure the criteria keeping every candidate from a recommendation."""
    missing = {k for name in names for k in scored.missing[name] if scored.weights.get(k, 0) > 0}
    refs = _refs(names)
    if task == "embeddings":
        columns = st.columns(2)
        if "performance" in missing and columns[0].button("Measure performance now", type="primary",
                                                          help=SC_MEASURE_PERFORMANCE_HELP):
            _measure_performance(task, refs)
        label = "Measure speed and cost now" if "cost" in missing else "Measure speed now"
        if missing & {"speed", "cost"} and columns[1].button(label, help=SC_MEASURE_SPEED_HELP):
            _measure_speed(task, refs)
    elif missing & {"quality", "speed", "latency", "cost"}:
        ready, held = runnable_without_download(refs, task)
        by_reason: dict[str, list[str]] = {}
        for name, reason in held.items():
            by_reason.setdefault(reason, []).append(name)
        for reason, names_held in by_reason.items():
            st.caption(literal(SC_MEASURE_HELD.format(models=", ".join(names_held), reason=reason)))
        if st.button("Measure quality and speed now", type="primary", help=SC_MEASURE_GENERATION_HELP,
                     disabled=not ready):
            session.request_generation_run(ready.values())
            st.switch_page("app_pages/generation.py")
    catalog_only = sorted(k for k in missing if k not in {"performance", "quality", "speed", "latency", "cost"})
    if catalog_only:
        st.caption(SC_CATALOG_ONLY.format(criteria=", ".join(catalog_only)))


def render_references(task: str, measured: dict, names: list[str], compared: list[str]) -> None:
    """Baselines this session ran, shown beside the ranking as references rather than candidates."""
    import pandas as pd

    references = [ref for ref in compared if is_baseline(ref) and ref not in names]
    if not references:
        return
    rows = []
    for ref in references:
        row = {"reference": ref}
        for metric, found in measured.get(ref, {}).items():
            row[MEASURED_LABELS[metric]] = round(float(found[0]), 4)
        rows.append(row)
    st.caption(SC_REFERENCES)
    st.dataframe(pd.DataFrame(rows), hide_index=True)
