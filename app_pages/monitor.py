"""Monitor page: every model call this app made, and production calls reported with
`hfcompare.monitoring.track`, as latency, throughput, error rates and satisfaction per model. Every
column says how it is counted (per call or pooled, median or mean); measurement calls (speed passes)
are left out unless asked for."""

from __future__ import annotations

import streamlit as st

from hfcompare.reporting.monitoring import (RANGES, calls_frame, is_measurement, over_time, production_summary,
                                           since, summary)
from hfcompare.storage.store import APP_SOURCE
from ui import keys, prose
from ui.resources import store
from ui.state import remember, restore, widget_key
from ui.widgets import CHART_WIDTH, chart, chart_row, pinned_model

MONITOR_TRAFFIC_HELP = ("This app's calls: the comparisons, evaluations and battles run here. Production: the calls "
                        "your product recorded with hfcompare.monitoring.track, by source.")
MONITOR_PRODUCTION_CAPTION = ("{n} calls your product recorded (hfcompare.monitoring.track). Latency percentiles count "
                              "successful calls only; satisfaction is the mean of the calls that reported one.")
MONITOR_SATISFACTION_HELP = ("Mean satisfaction (0 to 1) of the calls that reported one; 'rated' says how many did. "
                             "Few ratings make a shaky mean.")
MONITOR_INTRO = (
    "Every call this app made to a model (cache hits are not calls), and the calls your products report with "
    "hfcompare.monitoring.track: latency, throughput, errors and satisfaction per model, over time. Inputs, "
    "answers and keys are never logged."
)
MONITOR_CAPPED = (
    "Showing the newest {shown:,} of {total:,} calls in this range: the figures and charts describe those. "
    "Choose a shorter time range (or fewer models or sources) to see all of them."
)
MONITOR_SUMMARY_CAPTION = ("{n:,} calls. Latency, time to first token and speeds count successful calls only; "
                           "each column's header says how it is counted (hover it).")
MONITOR_MEASUREMENTS_LABEL = "Include measurement calls (speed passes)"
MONITOR_MEASUREMENTS_HELP = (
    "Measuring a model's speed calls it too: each embedding comparison times a few extra passes over a sample of "
    "the texts. Those calls measure the model rather than do work, so they are left out by default."
)
MONITOR_MEASUREMENTS_LEFT_OUT = (
    "{n:,} measurement calls (embedding speed passes) are left out: they time the model rather than do work. "
    "Switch on 'Include measurement calls' to count them."
)
MONITOR_MEASUREMENTS_SHOWN = "Includes {n:,} measurement calls (embedding speed passes)."
MONITOR_COLUMN_HELP = {
    "model": "The model called.",
    "backend": "Where it ran: a local engine, or the server backend that was called.",
    "task": "embeddings (one call embeds a batch of texts) or generation (one call streams one answer).",
    "calls": "Calls to the model (one batch of texts, or one answer), failed ones included. Cached results are "
             "not calls.",
    "errors": "Calls that failed, failed model loads included.",
    "error rate": "Share of calls that failed (errors ÷ calls).",
    "p50 latency s": "Median seconds per call, over successful calls (a generation: from the attempt that "
                     "succeeded to the last token, after the model was loaded).",
    "p95 latency s": "95th percentile of seconds per call, over successful calls: 1 call in 20 is slower.",
    "median ttft s": "Time to first token: median over successful generation calls (per call, from the attempt "
                     "that succeeded).",
    "median tokens/s": "Median over successful generation calls of each call's decoding speed: tokens after the "
                       "first ÷ seconds from the first token to the end of the stream. The Generation page's median "
                       "tokens/s, so the same calls give the same figure; the two differ when they count different "
                       "calls (the Generation page shows one run, cached answers included; the Monitor every call in "
                       "the time range). Calls without a decode window are left out (see tokens/s note).",
    "tokens/s note": "For how many generation calls tokens/s is known, and why not for the others: calls logged "
                     "before decode timing was recorded, or streams with no decode window (buffered, or under 3 "
                     "tokens).",
    "items/s": "Pooled throughput: texts embedded (or answers) of all successful calls ÷ their total seconds. Not a "
               "median: long calls weigh more.",
    "last error": "The error class of the most recent failed call.",
    "error classes": "Failed calls by error class (unavailable, load failed, timeout, rate limited, ...), "
                     "failed model loads included.",
}
MONITOR_PRODUCTION_COLUMN_HELP = {
    "model": "The model your product called.",
    "variant": "The A/B variant the call was made under ('—' when none was given).",
    "source": "The name your product tracked the call under.",
    "calls": "Calls tracked, failed ones included.",
    "error rate": "Share of calls that failed (failed ÷ calls).",
    "p50 latency s": "Median seconds per call, over successful calls.",
    "p95 latency s": "95th percentile of seconds per call, over successful calls: 1 call in 20 is slower.",
    "rated": "Calls that reported a satisfaction.",
}


def render() -> None:
    """The Monitor: this app's calls or production traffic, per model and over time."""
    from hfcompare import monitoring

    st.title(prose.MONITOR_TITLE)
    st.caption(MONITOR_INTRO)
    monitoring.flush(5.0)   # this app's latest calls are written in the background
    sources = store().call_sources()
    production = [s for s in sources if s != APP_SOURCE]
    traffic = "app"
    if production:
        st.session_state.setdefault(keys.MON_TRAFFIC, "app")
        traffic = st.segmented_control("Traffic", ["app", "production"], required=True, key=keys.MON_TRAFFIC,
                                       format_func={"app": "This app's calls", "production": "Production"}.get,
                                       help=MONITOR_TRAFFIC_HELP) or "app"
    if traffic == "production":
        render_production(production)
        return
    known_models = store().call_values("model", [APP_SOURCE])
    if not known_models:
        st.info(prose.MONITOR_EMPTY)
        return

    left, middle, right = st.columns([1, 2, 2])
    start = _time_range(left)
    models = middle.multiselect("Models", known_models, key=keys.MON_MODELS, placeholder="all models")
    backends = right.multiselect("Backends", store().call_values("backend", [APP_SOURCE]), key=keys.MON_BACKENDS,
                                 placeholder="all backends")
    restore(keys.MON_MEASUREMENTS, False)
    measurements = st.toggle(MONITOR_MEASUREMENTS_LABEL, key=widget_key(keys.MON_MEASUREMENTS),
                             help=MONITOR_MEASUREMENTS_HELP)
    remember(keys.MON_MEASUREMENTS)
    frame = _newest_calls(start, models or None, backends or None, [APP_SOURCE])
    measured = is_measurement(frame)
    if not measurements:
        frame = frame[~measured]
    if frame.empty:
        st.info("No call matches these filters.")
        if measured.any():
            st.caption(MONITOR_MEASUREMENTS_LEFT_OUT.format(n=int(measured.sum())))
        return

    st.subheader("Per model")
    left_out = (MONITOR_MEASUREMENTS_SHOWN if measurements else MONITOR_MEASUREMENTS_LEFT_OUT)
    st.caption(MONITOR_SUMMARY_CAPTION.format(n=len(frame))
               + (" " + left_out.format(n=int(measured.sum())) if measured.any() else ""))
    st.dataframe(summary(frame), hide_index=True, column_config=pinned_model({
        name: st.column_config.Column(name, help=text) for name, text in MONITOR_COLUMN_HELP.items()
    } | ERROR_RATE))

    render_over_time(frame, "mon", [("p50", "p50 latency s", "p50 latency per call (s)"),
                                    ("p95", "p95 latency s", "p95 latency per call (s)"),
                                    ("tokens", "median tokens/s", "Median tokens/s per generation call"),
                                    ("throughput", "items/s", "Throughput, pooled (texts or answers per second)"),
                                    ("errors", "error rate", "Error rate"), ("calls", "calls", "Calls")],
                     prose.MONITOR_OVER_TIME_CAPTION)
    st.download_button("Download the call log (CSV)", frame.drop(columns=["time"]).to_csv(index=False), "calls.csv",
                       "text/csv")


def render_over_time(frame, prefix: str, lines: list[tuple[str, str, str]], caption: str) -> None:
    """The over-time charts, one per (key, column, title) that has a value, wrapping on narrow screens,
    under `caption` (how each line is counted per time bucket)."""
    from hfcompare.reporting import charts  # plotly only once there is something to draw

    buckets = over_time(frame)
    st.subheader("Over time")
    st.caption(caption)
    row = chart_row()
    for key, column, title in lines:
        if buckets[column].notna().any():
            chart(lambda c=column, t=title: charts.over_time_chart(buckets, c, t, percent=c == "error rate"),
                  key=keys.scoped(prefix, key), where=row, width=CHART_WIDTH)


def _newest_calls(start: float | None, models: list[str] | None, backends: list[str] | None,
                  sources: list[str]):
    """The calls matching the filters as a frame: the newest `figures.MAX_CALLS_SHOWN` of them, with
    a note saying how many there are when that is fewer than all."""
    from hfcompare.reporting import monitoring as figures

    most = figures.MAX_CALLS_SHOWN
    rows = store().calls(start, models, backends, sources, newest=most)
    if len(rows) == most:
        total = store().count_calls(start, models, backends, sources)
        if total > most:
            st.warning(MONITOR_CAPPED.format(shown=most, total=total), icon="✂️")
    return calls_frame(rows)


def _time_range(column) -> float | None:
    """The Time box (kept across page visits); returns the start of the chosen range."""
    restore(keys.MON_RANGE, "everything")
    range_name = column.selectbox("Time", list(RANGES), key=widget_key(keys.MON_RANGE))
    remember(keys.MON_RANGE)
    return since(range_name)


ERROR_RATE = {"error rate": st.column_config.ProgressColumn("error rate", help=MONITOR_COLUMN_HELP["error rate"],
                                                            min_value=0.0, max_value=1.0, format="percent")}


def render_production(sources: list[str]) -> None:
    """Calls your product recorded with `hfcompare.monitoring.track`: per source, model and variant,
    with satisfaction, and over time."""

    left, right = st.columns([1, 3])
    start = _time_range(left)
    chosen = right.multiselect("Sources", sources, key=keys.MON_SOURCES, placeholder="all sources")
    frame = _newest_calls(start, None, None, chosen or sources)
    if frame.empty:
        st.info("No call matches these filters.")
        return
    st.subheader("Per model and variant")
    st.caption(MONITOR_PRODUCTION_CAPTION.format(n=len(frame)))
    st.dataframe(production_summary(frame), hide_index=True, column_config=pinned_model({
        name: st.column_config.Column(name, help=text) for name, text in MONITOR_PRODUCTION_COLUMN_HELP.items()
    } | {
        "satisfaction": st.column_config.ProgressColumn("satisfaction", help=MONITOR_SATISFACTION_HELP,
                                                        min_value=0.0, max_value=1.0, format="%.2f")} | ERROR_RATE))
    render_over_time(frame, "prod", [("p50", "p50 latency s", "p50 latency per call (s)"),
                                     ("p95", "p95 latency s", "p95 latency per call (s)"),
                                     ("errors", "error rate", "Error rate"),
                                     ("satisfied", "satisfaction", "Satisfaction (0 to 1)"),
                                     ("calls", "calls", "Calls")],
                     prose.MONITOR_PRODUCTION_OVER_TIME_CAPTION)
    st.download_button("Download production calls (CSV)", frame.drop(columns=["time"]).to_csv(index=False),
                       "production_calls.csv", "text/csv")


if __name__ == "__main__":  # Streamlit runs a page file as __main__; tests import it
    render()
