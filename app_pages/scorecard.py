"""Scorecard page: rank the candidates on weighted criteria, see why one wins and how robust that is."""

from __future__ import annotations

import json

import numpy as np
import streamlit as st

from hfcompare.decide.explain import TIE_MARGIN, explain, unsettled_by, verdict
from hfcompare.decide.scorecard import (
    HINTS,
    PRESETS,
    Measurement,
    Provenance,
    best_source,
    build_candidates,
    contribution_column,
    criterion_for,
    flips_table,
    is_baseline,
    measured_from_arena,
    measured_from_embeddings,
    measured_from_evaluation,
    measured_from_pairs,
    measured_from_generation,
    merge_measured,
    normalization_table,
    preset_label,
    quality_disagreement,
    ranking_table,
    shown_table,
    source_label,
    sources_table,
    specs_for,
)
from hfcompare.decide.scoring import (
    DEFAULT_POLICY,
    MIN_KNOWN_WEIGHT,
    P_BEST_THRESHOLD,
    ScoringError,
    any_resamplable,
    finite_number,
    p_best,
    rank_stability,
    score,
    weight_to_flip,
)
from hfcompare.hub.catalog import load_catalog
from hfcompare.storage.sharing import Field, models_field
from ui import keys, prose, session
from ui.measure import pending_candidates_key, render_measure_buttons, render_measure_errors, render_references
from ui.presets import CUSTOM, apply_preset, preset_key, to_custom, undo_preset, weight_key
from ui.scales import checked_anchors, checked_limits, limits_key, render_must_haves, render_scales, scales_key
from ui.share import open_page, render_share, write_link
from ui.state import remember, restore, set_widget, value, widget_key
from ui.text import literal
from ui.widgets import CHART_WIDTH, build_figure, chart, chart_row, pinned_model

SC_INTRO = (
    "Rank the candidates on weighted criteria, the brief's decision framework made interactive. Values come "
    "from this session's comparisons (measured here) or from the catalog (published, with sources). Change a "
    "weight and the ranking follows."
)
SC_NO_COMPARISON = (
    "No comparison of this kind has run in this session yet, so only published catalog figures are available. "
    "Run one on the Embeddings or Generation page to add measured speed and quality."
)
SC_NO_COMPARISON_RATED = (
    "No generation comparison has run in this session yet: the values are the Arena's ratings from blind votes "
    "and published catalog figures. Run the models on the Generation page to add measured speed and pass rates."
)
SC_CANDIDATES_HELP = "Models of this session's comparisons (backend:model) and catalog models (Hub ids)."
SC_PRESET_HELP = "Sets the criteria and weights for a priority from the brief's decision framework."
SC_CRITERIA_HELP = "Add or remove criteria. Weights are normalized to sum to 100%."
SC_POLICY_HELP = (
    "A value nobody measured or published is never taken as 0 silently. Count it as worst (the default): a model "
    "cannot win on what nobody knows. Leave it out: that model is scored on the criteria it has, with their "
    "weights rescaled (kinder to models with gaps). Either way, a model is recommended only when values are known "
    f"for at least {MIN_KNOWN_WEIGHT:.0%} of the weight."
)
SC_MARGIN_HELP = "Two recommendable models whose scores are closer than this are called effectively tied."
SC_THRESHOLD_HELP = ("A model is recommended only when it ranks first in at least this share of the resamples of the "
                     f"measurements (P(best)); below it, the verdict is 'too close to call'. {P_BEST_THRESHOLD:.2f} by default.")
SC_RULES = (
    "Rules: a model is recommended only when values are known for at least {known} of the weight; unknown "
    "contributions show as 'unknown'. Scores less than {margin:.2f} apart are a tie. Baselines such as TF-IDF are "
    "references, not candidates, unless you add them."
)
SC_UNDO_HELP = "Put back the weights you had set before choosing this preset."
SC_SCORE_HELP = "Weighted sum of normalized values: 1 means best on every criterion. Unknown values count as the policy says."
SC_KNOWN_WEIGHT_HELP = ("Share of the total weight whose value is known for this model. Below "
                        f"{MIN_KNOWN_WEIGHT:.0%} it is not recommended.")
SC_STATUS_HELP = "recommended: the best model with enough known values; not recommended: too much of its weight is unknown."
SC_NORMALIZATION = (
    "Each criterion reads its raw values on a **stated scale**, the same whichever candidates you compare: "
    "the value at the **worst** anchor counts 0, at the **best** anchor 1, and in between in proportion, on "
    "**log10** for speed, latency, size, context and vector size (so 100M against 1B counts like 1B against 10B); "
    "beyond an anchor a value is held at 0 or 1. So a difference counts as much as it is large: a 0.001 nDCG lead "
    "adds 0.001 × the weight, never the whole weight, and adding or removing a candidate never reorders the others. "
    "Yes/no criteria count 1 or 0. An unknown value counts as 0 (default) or is left out, as the policy says. The "
    "score is the weighted sum; each criterion's contribution is its weight times its scaled value. Change the "
    "anchors under **Value scales and must-haves**."
)
SC_SPEED_RUN_HELP = (
    "Both runs timed the models, on different texts and at different moments: their speeds are not alike, so "
    "the ranking uses one run's speeds for every candidate."
)
SC_P_BEST_HELP = (
    "How often this model comes first when what its values rest on is resampled 1,000 times: the labeled "
    "queries (the same draw for every model evaluated on them, so differences are judged query by query) and the "
    "timed passes. Published figures are taken as they are. A recommendation needs 0.90. Empty when nothing was measured here (published figures only)."
)
SC_MUST_HAVES_CAPTION = "Must-haves: hard limits checked before any weight counts."
SC_FLIPS_CAPTION = (
    "Moving one weight while the others stay put: the nearest weight at which another model would win "
    "(searched from 0 to three times the sum of all weights)."
)
SC_SAMPLES_HELP = "How many random weight sets to try; more is steadier and slower."
SC_STABILITY_CAPTION = (
    "Every weight multiplied by a random factor between 0.8 and 1.2, {n} times: how often each model "
    "ends at each rank. A winner that stays first in most samples is a robust choice."
)
SC_RUN_HELP = ("Which run a measured value comes from: the run, the texts (or queries, prompts, votes) it was measured "
               "on with their fingerprint, the hardware, the timed passes and when. Values measured on different "
               "texts or hardware are not ranked as if alike.")

LINK_NOTE = " (from a share link)"
#: The P(best) a recommendation may be set to need: at least an even chance, below certainty.
THRESHOLD_RANGE = (0.5, 0.99)
TASKS = {"embeddings": "Embedding models", "generation": "Generation models"}
POLICIES = {"penalize": "Count it as the worst value (0), the default",
            "skip": "Leave it out for that model (its other weights count more)"}


#: The runs whose speeds the Scorecard can rank on; speeds of one run are never mixed with another's
#: (different texts, different load: not alike).
SPEED_RUNS = {"comparison": "the text comparison (Embeddings page)", "evaluation": "the retrieval evaluation"}


def _speed_run() -> str | None:
    """Which run's speeds to rank on: asked when both runs measured speeds, else the one that did."""
    emb, ev = session.text_comparison(), session.evaluation()
    runs = [run for run, found in (("comparison", emb), ("evaluation", ev)) if found]
    if len(runs) < 2:
        return runs[0] if runs else None
    restore(keys.SC_SPEED_RUN, "comparison")
    chosen = st.radio("Speeds from", runs, format_func=SPEED_RUNS.get, key=widget_key(keys.SC_SPEED_RUN),
                      horizontal=True, help=SC_SPEED_RUN_HELP)
    remember(keys.SC_SPEED_RUN)
    return chosen


def _without_speeds(measured: dict) -> dict:
    """Without the speeds, and the costs computed from them."""
    return {name: {k: v for k, v in values.items() if k not in ("ms_per_text", "cost_per_1000")}
            for name, values in measured.items()}


def _measured(speed_run: str | None = None) -> dict:
    """Measurements of the comparisons run in this session (and those a share link brought), by
    model reference; speeds only from `speed_run`, never a mix of runs."""
    from ui.cost import provider_prices, rate_in_use

    parts = [session.link_measurements(task).by_model for task in ("embeddings", "generation")]
    emb, ev, gen = session.text_comparison(), session.evaluation(), session.generation_run()
    rate = rate_in_use()   # the rate set on the Embeddings or Generation page (one for both), else the default
    if emb:
        found = measured_from_embeddings(emb.results, prices=provider_prices([r.ref for r in emb.results]), rate=rate)
        parts.append(found if speed_run in (None, "comparison") else _without_speeds(found))
    if ev:
        found = measured_from_evaluation(ev.results, len(ev.dataset.judged_queries), ev.dataset.fingerprint(),
                                         provider_prices([e.ref for e in ev.results]), rate)
        parts.append(found if speed_run in (None, "evaluation") else _without_speeds(found))
    if gen:
        parts.append(measured_from_generation(gen.results, gen.verdicts, provider_prices(gen.refs), rate))
    pairs = session.pairs_run()   # the Embeddings page's run on labeled pairs
    if pairs is not None:
        parts.append(measured_from_pairs(pairs.pairs, pairs.evaluations))
    parts.append(_arena_ratings())
    return merge_measured(*parts)


def _arena_ratings() -> dict:
    """The generation Arena's ratings (from the store's votes), for the quality criterion; none when
    the store cannot be read (its sidebar note says why)."""
    from ui.resources import store_if_available

    found, _ = store_if_available()
    try:
        votes = found.votes("generation") if found is not None else []
    except Exception:  # noqa: BLE001 - a store fault leaves the Arena out, it never breaks the Scorecard
        return {}
    return _rated(votes)


@st.cache_data(max_entries=8, show_spinner=False)
def _rated(votes: list[dict]) -> dict:
    """`measured_from_arena`, kept across reruns: its 200 bootstrap fits run once per set of votes."""
    return measured_from_arena(votes)


def _compared(task: str) -> list[str]:
    """The model references of this session's comparisons for `task` (and of a shared scorecard)."""
    refs: list[str] = list(session.link_measurements(task).by_model)
    if task == "embeddings":
        runs = [session.text_comparison(), session.evaluation()]
    else:
        runs = [session.generation_run()]
    refs += [str(r.ref) for run in runs if run for r in run.results if r.ok]
    pairs = st.session_state.get(keys.PAIRS_RESULTS) if task == "embeddings" else None
    refs += [str(e.ref) for e in pairs.evaluations if e.ok] if pairs is not None else []
    return list(dict.fromkeys(refs))


def render_candidates(task: str) -> list[str]:
    """The candidates multiselect: this session's models (baselines only when added on purpose)
    and catalog models."""
    compared = _compared(task)
    catalog_ids = [e.id for e in load_catalog().for_task(task)]
    options = list(dict.fromkeys(compared + catalog_ids))
    cand_key = keys.scoped(keys.SC_CANDIDATES, task)
    pending = st.session_state.pop(pending_candidates_key(task), None)
    if pending is not None:  # a "measure now" run renamed catalog candidates to the references that ran
        set_widget(cand_key, pending)
    real = [c for c in compared if not is_baseline(c)]
    restore(cand_key, real or catalog_ids[:4])
    dropped = [c for c in value(cand_key) if c not in options]
    if dropped:
        shown = literal(", ".join(repr(d[:60]) for d in dropped[:5]))
        st.warning(f"Not candidates here: {shown} (neither compared in this session nor in the catalog); left out.",
                   icon="🔗")
    st.session_state[widget_key(cand_key)] = [c for c in value(cand_key) if c in options]
    names = st.multiselect("Candidates", options, key=widget_key(cand_key), help=SC_CANDIDATES_HELP,
                           format_func=lambda c: f"{c} (reference baseline)" if is_baseline(c) else c)
    remember(cand_key)
    return names


def render_setup(task: str, measured: dict) -> tuple[list[str], dict[str, float], dict[str, str], str, float]:
    """Candidates, criteria with weights and sources, the missing-value policy and the tie margin."""
    specs = specs_for(task)
    names = render_candidates(task)
    box = preset_key(task)
    restore(box, "balanced")
    restore(keys.scoped(keys.SC_PRESET_SHOWN, task), value(box))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.selectbox("Decision preset", [*PRESETS, CUSTOM], key=widget_key(box), on_change=apply_preset, args=(task,),
                   format_func=lambda p: PRESETS[p]["label"] if p in PRESETS else "Custom (your weights)",
                   help=SC_PRESET_HELP)
    remember(box)
    remember(keys.scoped(keys.SC_PRESET_SHOWN, task))
    if st.session_state.get(keys.scoped(keys.SC_UNDO, task)) and value(box) != CUSTOM:
        right.button("Undo preset", on_click=undo_preset, args=(task,), help=SC_UNDO_HELP)
    crit_key = keys.scoped(keys.SC_CRITERIA, task)
    start = value(box)
    restore(crit_key, list(PRESETS[start if start in PRESETS else "balanced"][task]))
    chosen = st.multiselect("Criteria", list(specs), key=widget_key(crit_key),
                            format_func=lambda k: specs[k].criterion.label,
                            help=SC_CRITERIA_HELP, on_change=to_custom, args=(task,))
    remember(crit_key)
    weights: dict[str, float] = {}
    sources: dict[str, str] = {}
    if chosen:
        columns = st.columns(len(chosen))
        for column, key in zip(columns, chosen):
            spec = specs[key]
            box = weight_key(task, key)
            restore(box, float(PRESETS["balanced"][task].get(key, spec.criterion.weight)))
            weights[key] = column.number_input(spec.criterion.label, min_value=0.0, max_value=100.0, step=5.0,
                                               key=widget_key(box), help=spec.criterion.help, on_change=to_custom,
                                               args=(task,))
            remember(box)
            source_key = keys.scoped(keys.SC_SOURCE, task, key)
            if len(spec.sources) > 1:
                restore(source_key, best_source(task, key, names, measured))
                sources[key] = column.selectbox("from", spec.sources, key=widget_key(source_key),
                                                format_func=source_label,
                                                label_visibility="collapsed")
                remember(source_key)
            else:
                sources[key] = spec.sources[0]
                column.caption(source_label(spec.sources[0]))
        total = sum(weights.values())
        if total > 0:
            st.caption("Normalized weights: " + ", ".join(f"{specs[k].criterion.label} {w / total:.0%}"
                                                          for k, w in weights.items()))
    restore(keys.SC_POLICY, DEFAULT_POLICY)
    left, right, threshold_box = st.columns([3, 1, 1])
    policy = left.radio("When a value is unknown", list(POLICIES), format_func=POLICIES.get,
                        key=widget_key(keys.SC_POLICY),
                        help=SC_POLICY_HELP)
    remember(keys.SC_POLICY)
    restore(keys.SC_MARGIN, TIE_MARGIN)
    margin = right.number_input("Tie margin", min_value=0.0, max_value=0.5, step=0.01, format="%.2f",
                                key=widget_key(keys.SC_MARGIN), help=SC_MARGIN_HELP)
    remember(keys.SC_MARGIN)
    restore(keys.SC_THRESHOLD, P_BEST_THRESHOLD)
    threshold_box.number_input("P(best) needed", min_value=THRESHOLD_RANGE[0], max_value=THRESHOLD_RANGE[1],
                               step=0.05, format="%.2f", key=widget_key(keys.SC_THRESHOLD),
                               help=SC_THRESHOLD_HELP)
    remember(keys.SC_THRESHOLD)
    st.caption(SC_RULES.format(known=f"{MIN_KNOWN_WEIGHT:.0%}", margin=margin))
    return names, weights, sources, policy, float(margin)


@st.cache_data(max_entries=64, show_spinner=False)
def _rank_stability(candidates, criteria, policy: str, samples: int, limits: tuple = ()):
    """`rank_stability`, kept across reruns: a widget that changes neither candidates, weights nor
    samples (the tie margin, an expander, a download) does not sample the weights again."""
    return rank_stability(candidates, criteria, policy, samples=samples, limits=list(limits))


@st.cache_data(max_entries=64, show_spinner=False)
def _p_best(candidates, criteria, policy: str, limits: tuple = ()):
    """`p_best`, kept across reruns like `_rank_stability`."""
    return p_best(candidates, criteria, policy, limits=list(limits))


@st.cache_data(max_entries=64, show_spinner=False)
def _weight_to_flip(candidates, criteria, policy: str, limits: tuple = ()):
    """`weight_to_flip`, kept across reruns like `_rank_stability`."""
    return weight_to_flip(candidates, criteria, policy, limits=list(limits))


def render_results(task: str, names, weights, sources, policy, margin, measured, anchors, limits) -> None:
    from hfcompare.reporting import charts
    from hfcompare.reporting.report import build_report

    specs = specs_for(task)
    try:
        criteria = [criterion_for(task, k, w, sources[k], anchors.get(k)) for k, w in weights.items()]
    except ScoringError as exc:
        st.warning(literal(exc))
        return
    limit_sources = {lim.key: best_source(task, lim.key, names, measured) for lim in limits if lim.key not in sources}
    candidates = build_candidates(names, task, {**sources, **limit_sources}, measured)
    limit_labels = {k: (specs[k].criterion.label, specs[k].criterion.unit) for k in specs}
    try:
        scored = score(candidates, criteria, policy, limits=limits, limit_labels=limit_labels)
    except ScoringError as exc:
        st.warning(literal(exc))
        return
    labels = {c.key: c.label for c in criteria}
    order = scored.order()
    ranked_names = [scored.names[i] for i in order]

    st.subheader("Recommendation")
    render_measure_errors()
    restore(keys.SC_SAMPLES, 300)
    samples = int(value(keys.SC_SAMPLES))
    shares = _rank_stability(candidates, criteria, policy, samples, tuple(limits))
    preset = value(preset_key(task), "balanced")
    measures = {k: source_label(s).replace(" (catalog)", " from the catalog") for k, s in sources.items()}
    explanation = explain(preset_label(preset), scored, candidates, criteria, float(shares[order[0], 0]), margin,
                          HINTS[task], measures)
    chances = _p_best(candidates, criteria, policy, tuple(limits))
    decision = verdict(scored, candidates, criteria, chances, threshold=float(value(keys.SC_THRESHOLD, P_BEST_THRESHOLD)),
                       margin=margin, unsettled=unsettled_by(explanation))
    kind = decision.kind
    paragraph = decision.text + " " + explanation.text
    shown = literal(paragraph)  # model names come from users and links: shown as typed, never as Markdown
    if kind == "none":   # three verdicts, three styles: never a success beside "measure again"
        st.warning(shown, icon="❔")
        render_measure_buttons(task, names, scored)
    elif kind == "too_close":
        st.info(shown, icon="⚖️")
        render_measure_buttons(task, names, scored)
    else:
        st.success(shown, icon="✅")
    disagreement = quality_disagreement(names, sources.get("quality", ""), measured, ranked_names) \
        if task == "generation" and "quality" in sources else ""
    if disagreement:
        st.warning(literal(disagreement), icon="🔀")
    render_references(task, measured, names, _compared(task))

    st.subheader("Ranking")
    ranking = ranking_table(scored, criteria)
    resampled = any_resamplable(candidates)
    ranking.insert(3, "P(best)", [decision.p_best[name] if resampled else None for name in ranking["model"]])
    if kind != "recommend":   # the table agrees with the verdict: nobody is "recommended" unless it says so
        ranking["status"] = ["first, too close to call" if status == "recommended" else status
                             for status in ranking["status"]]
    points = [contribution_column(c) for c in criteria]
    st.dataframe(shown_table(ranking, points), hide_index=True, column_config=pinned_model({
        "score": st.column_config.ProgressColumn("score", help=SC_SCORE_HELP, min_value=0.0, max_value=1.0,
                                                 format="%.3f", width="small"),
        "known": st.column_config.ProgressColumn("known", help=SC_KNOWN_WEIGHT_HELP,
                                                        min_value=0.0, max_value=1.0, format="percent",
                                                        width="small"),
        "status": st.column_config.TextColumn("status", help=SC_STATUS_HELP),
        "P(best)": st.column_config.ProgressColumn("P(best)", help=SC_P_BEST_HELP, min_value=0.0,
                                                   max_value=1.0, format="%.2f", width="small"),
        **{contribution_column(c): st.column_config.TextColumn(
            contribution_column(c), width="small", help=f"Points {c.label.lower()} adds to the score (its weight "
            f"times the value on its scale, 0 at the worst anchor); 'unknown' when no value is known. Raw values are "
            f"under 'Where each value comes from'. {c.help}") for c in criteria},
    }))
    row = chart_row()
    contributions = {k: [float(np.nan_to_num(scored.contributions[k][i])) for i in order] for k in labels}
    bar = build_figure(lambda: charts.contributions_chart(ranked_names, contributions, labels))
    chart(bar, key="sc_contributions", where=row, width=CHART_WIDTH)
    normalized = {k: [scored.normalized[k][i] for i in order] for k in labels}
    radar = build_figure(lambda: charts.radar_chart(ranked_names, normalized, labels))
    chart(radar, key="sc_radar", where=row, width=CHART_WIDTH)

    sources_frame = sources_table(scored, candidates, criteria)
    with st.expander("Where each value comes from"):
        st.dataframe(sources_frame, hide_index=True, column_config={
            "normalized": st.column_config.NumberColumn("normalized", help="The value on the criterion's scale: "
                                                        "0 at its worst anchor, 1 at its best (see the scales).",
                                                        format="%.2f"),
            "run": st.column_config.TextColumn("run", help=SC_RUN_HELP, width="medium"),
            "source": st.column_config.TextColumn("source", width="large")})
        unknown = int((sources_frame["value"] == "unknown").sum())
        if unknown:
            st.caption(f"{unknown} values are unknown; policy: {POLICIES[policy].lower()}.")
    with st.expander("How values are normalized"):
        st.markdown(SC_NORMALIZATION)
        st.dataframe(normalization_table(criteria), hide_index=True)

    st.subheader("How robust is the winner?")
    flips = flips_table(_weight_to_flip(candidates, criteria, policy, tuple(limits)), criteria)
    st.caption(SC_FLIPS_CAPTION)
    st.dataframe(shown_table(shown_table(flips, ["winner changes at"], 1, "never"), ["change"], 1, "—"),
                 hide_index=True)
    st.slider("Weight samples", 100, 2000, step=100, key=widget_key(keys.SC_SAMPLES), help=SC_SAMPLES_HELP)
    remember(keys.SC_SAMPLES)
    stability = build_figure(lambda: charts.stability_chart([scored.names[i] for i in order], shares[order]))
    chart(stability, key="sc_stability")
    st.caption(SC_STABILITY_CAPTION.format(n=samples))

    inputs = {"task": task, "candidates": names, "policy": policy,
              "weights": {c.label: c.weight for c in criteria},
              "normalized weights": {labels[k]: round(w, 4) for k, w in scored.weights.items()},
              "sources": {labels[k]: source_label(s) for k, s in sources.items()},
              "value scales": {c.label: c.value_scale().describe(c.unit) for c in criteria},
              "must-haves": [{"criterion": lim.key, "at most": lim.at_most, "at least": lim.at_least}
                             for lim in limits]}
    export = {"inputs": inputs, "ranking": ranking.to_dict("records"), "cells": sources_frame.to_dict("records"),
              "sensitivity": flips.to_dict("records"), "recommendation": paragraph,
              "verdict": {"kind": kind, "models": list(decision.models), "p_best": decision.p_best},
              "quality signals": disagreement or "agree" if task == "generation" else None,
              "measured": {n: {m: v.to_json() for m, v in measured.get(n, {}).items()} for n in names},
              "claims": [{"kind": c.kind, "text": c.text, "numbers": c.numbers} for c in explanation.claims]}
    import pandas as pd

    # built when the button is pressed: the report inlines plotly.js (about 5 MB), too much for every rerun
    report = lambda: build_report(  # noqa: E731
        f"hfcompare scorecard: {TASKS[task].lower()}", paragraph,
        [(title, part) for title, part in [
            ("Ranking", ranking), ("Contributions", bar), ("Profile", radar),
            ("Inputs and weights", pd.DataFrame([{"setting": k, "value": json.dumps(v)} for k, v in inputs.items()])),
            ("Where each value comes from", sources_frame), ("Normalization", normalization_table(criteria)),
            ("Weight changes that change the winner", flips),
            (f"Rank stability ({samples} samples, ±20%)", stability)] if part is not None])
    a = b = c = st.container(horizontal=True)  # buttons keep their labels and wrap on a narrow screen
    a.download_button("Download scorecard (CSV)", shown_table(ranking, points).to_csv(index=False),
                      "scorecard.csv", "text/csv")
    b.download_button("Download scorecard (JSON)", json.dumps(export, indent=2, default=str), "scorecard.json",
                      "application/json")
    c.download_button("Download report (HTML)", report, "scorecard_report.html", "text/html",
                      help="One file with the tables, interactive charts, inputs, weights, sources, hardware and date.")


#: What this page's share link holds: every setting and the measured values (written by `render`).
LINK_FIELDS: dict[str, Field] = {
    "task": Field("choice", ("embeddings", "generation")),
    "candidates": models_field(40),
    "preset": Field("choice", (*PRESETS, CUSTOM)),
    "weights": Field("weights", max_items=20, max_chars=2_000),
    "sources": Field("json", max_chars=4_000),      # {criterion: source}
    "policy": Field("choice", ("skip", "penalize")),
    "samples": Field("int", low=100, high=2000),
    "margin": Field("float", low=0.0, high=0.5),    # the tie margin
    "threshold": Field("float", low=THRESHOLD_RANGE[0], high=THRESHOLD_RANGE[1]),   # P(best) a recommendation needs
    "scales": Field("json", max_chars=4_000),       # {criterion: {"worst", "best"}}
    "limits": Field("json", max_chars=2_000),       # the must-haves, {criterion or "multilingual": value}
    "measured": Field("json", max_chars=1_000_000),   # {model: {metric: Measurement.to_json()}}, samples included
}


def apply_link(link: dict) -> None:
    """Put a share link's scorecard (LINK_FIELDS) into the widgets; parts that do not fit are reported."""
    task = link.get("task") or value(keys.SC_TASK) or "embeddings"
    set_widget(keys.SC_TASK, task)
    specs = specs_for(task)
    if "candidates" in link:
        set_widget(keys.scoped(keys.SC_CANDIDATES, task), link["candidates"])
    if link.get("preset") in (*PRESETS, CUSTOM):
        set_widget(preset_key(task), link["preset"])
        set_widget(keys.scoped(keys.SC_PRESET_SHOWN, task), link["preset"])
    if "weights" in link and "preset" not in link:   # a link's own weights are not the preset's: say "Custom"
        set_widget(preset_key(task), CUSTOM)
        set_widget(keys.scoped(keys.SC_PRESET_SHOWN, task), CUSTOM)
    if "weights" in link:
        unknown = [k for k in link["weights"] if k not in specs]
        if unknown:
            shown = literal(", ".join(map(repr, unknown[:5])))
            st.warning(f"The link weighs criteria this page does not know ({shown}); they were left out.", icon="🔗")
        chosen = {k: w for k, w in link["weights"].items() if k in specs}
        set_widget(keys.scoped(keys.SC_CRITERIA, task), list(chosen))
        for key, weight in chosen.items():
            set_widget(weight_key(task, key), float(weight))
    refused = []   # link fields of the wrong type or out of range: named in one warning, defaults kept
    if isinstance(link.get("sources"), dict):
        for key, source in link["sources"].items():
            if key in specs and isinstance(source, str) and source in specs[key].sources:
                set_widget(keys.scoped(keys.SC_SOURCE, task, key), source)
            else:
                refused.append(f"sources ({str(key)[:40]})")
    elif "sources" in link:
        refused.append("sources")
    if link.get("policy") in POLICIES:
        set_widget(keys.SC_POLICY, link["policy"])
    elif "policy" in link:
        refused.append("policy")
    samples = link.get("samples")
    if isinstance(samples, int) and not isinstance(samples, bool) and 100 <= samples <= 2000:
        set_widget(keys.SC_SAMPLES, samples)
    elif "samples" in link:
        refused.append("samples")
    threshold = link.get("threshold")
    if finite_number(threshold) and THRESHOLD_RANGE[0] <= threshold <= THRESHOLD_RANGE[1]:
        set_widget(keys.SC_THRESHOLD, float(threshold))
    elif "threshold" in link:
        refused.append("threshold")
    margin = link.get("margin")
    if isinstance(margin, (int, float)) and not isinstance(margin, bool) and 0 <= margin <= 0.5:
        set_widget(keys.SC_MARGIN, float(margin))
    elif "margin" in link:
        refused.append("margin")
    for field, check, state_key in (("scales", lambda raw: checked_anchors(raw, task), scales_key(task)),
                                    ("limits", checked_limits, limits_key(task))):
        if field in link:
            found = check(link[field])
            st.session_state[state_key] = found
            for stale in [k for k in st.session_state if str(k).startswith(f"{state_key}_")]:
                del st.session_state[stale]   # the editors start again from the link's values
            if not isinstance(link[field], dict) or len(found) < len(link[field]):
                refused.append(field)
    measured = _valid_measured(link.get("measured"))
    given = link.get("measured")
    if "measured" in link and (not isinstance(given, dict) or sum(
            len(m) if isinstance(m, dict) else 1 for m in given.values()) > sum(len(m) for m in measured.values())):
        refused.append("measured")
    if refused:
        st.warning(f"Parts of the link could not be used ({literal(', '.join(refused[:6]))}): of the wrong type or "
                   "out of range; the page's defaults are used for them.", icon="🔗")
    if measured:
        session.keep_link_measurements(session.LinkMeasurements(task, measured))


def _valid_measured(raw) -> dict:
    """A shared scorecard's measurements, {model: {metric: Measurement.to_json()}}, checked (the
    legacy [value, description(, low, high)] lists too); each marked as coming from the link."""
    from hfcompare.decide.scorecard import MEASURED_LABELS

    out: dict = {}
    if not isinstance(raw, dict):
        return out
    for name, metrics in list(raw.items())[:40]:
        if not isinstance(name, str) or not isinstance(metrics, dict):
            continue
        for metric, given in metrics.items():
            found = Measurement.from_json(given) if metric in MEASURED_LABELS else None
            if found is not None:
                source = found.source if found.source.endswith(LINK_NOTE) else found.source + LINK_NOTE
                made = found.provenance or Provenance("shared scorecard", via="link")
                out.setdefault(name, {})[metric] = found._replace(source=source, provenance=made)
    return out


def render() -> None:
    """The Scorecard: candidates, criteria and weights in, a ranking and its reasons out."""
    share_slot, _ = open_page("scorecard", prose.SC_TITLE, SC_INTRO, apply_link, LINK_FIELDS)
    measured = _measured(_speed_run())
    restore(keys.SC_TASK, "generation" if _compared("generation") and not _compared("embeddings") else "embeddings")
    task = st.segmented_control("Task", list(TASKS), required=True, format_func=TASKS.get,
                                key=widget_key(keys.SC_TASK)) or "embeddings"
    remember(keys.SC_TASK)
    rated = task == "generation" and any("arena_rating" in values for values in measured.values())
    if not _compared(task):
        st.info(SC_NO_COMPARISON_RATED if rated else SC_NO_COMPARISON)
    names, weights, sources, policy, margin = render_setup(task, measured)
    with st.expander("Value scales and must-haves"):
        anchors = render_scales(task, weights, sources) if weights else {}
        st.caption(SC_MUST_HAVES_CAPTION)
        limits, limits_set = render_must_haves(task)
    if not names:
        st.info("Choose at least one candidate.")
    elif not weights:
        st.info("Choose at least one criterion.")
    else:
        render_results(task, names, weights, sources, policy, margin, measured, anchors, limits)
    with share_slot:
        render_share(write_link("scorecard", fields=LINK_FIELDS, state={"task": task, "candidates": names,
                                              "preset": value(preset_key(task), "balanced"),
                                              "weights": weights, "sources": sources, "policy": policy,
                                              "margin": margin, "scales": anchors, "limits": limits_set,
                                              "threshold": float(value(keys.SC_THRESHOLD, P_BEST_THRESHOLD)),
                                              "samples": int(value(keys.SC_SAMPLES, 300)),
                                              "measured": {n: {m: v.to_json() for m, v in measured.get(n, {}).items()}
                                                           for n in names if measured.get(n)}}))


if __name__ == "__main__":  # Streamlit runs a page file as __main__; tests import it
    render()
