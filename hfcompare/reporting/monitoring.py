"""The Monitor page's numbers: per-model latency percentiles, throughput and error rates from the
call log, overall and per time bucket.

Each figure says what it counts: latency percentiles are per call over successful calls; tokens/s is
the median over successful calls of each call's decode rate (tokens after the first ÷ time after the
first token, the Generation page's definition, so the two pages agree on the same calls); items/s is
pooled (all items ÷ all seconds of successful calls). Measurement calls (speed passes) are tagged
and `without_measurements` leaves them out."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from hfcompare.storage.calllog import MEASUREMENT_PURPOSES, WORK

#: Time ranges the page offers, in seconds (None = everything).
RANGES = {"last hour": 3600, "last 24 hours": 86_400, "last 7 days": 7 * 86_400, "everything": None}


#: The most calls the Monitor reads for one view; beyond it, the newest. 1,000,000 calls took 9.7 s to
#: read from SQLite and 1.6 s more to frame on 2 cores (2026-11-29); 100,000 keep a view near a second.
MAX_CALLS_SHOWN = 100_000

#: At most this many points per line on the over-time charts.
MAX_BUCKETS = 40


def since(range_name: str, now: float | None = None) -> float | None:
    seconds = RANGES[range_name]
    return None if seconds is None else (now or time.time()) - seconds


#: What a call's tags add to the frame, one column each (None when a call did not record it): see
#: storage.calllog.record_call.
TIMING_TAGS = ("ttft_s", "decode_tokens", "decode_s", "threads")


def calls_frame(calls: list[dict]) -> pd.DataFrame:
    """The calls as a frame, their tags spread into columns: "purpose" (work or a measurement such as
    a speed pass; "work" for calls logged before purposes were), the TIMING_TAGS, and "tagged"
    (False for a call logged before tags were: it has no decode timing)."""
    frame = pd.DataFrame(calls, columns=["ts", "backend", "model", "task", "latency_s", "items", "tokens", "ok",
                                         "error_kind", "source", "variant", "satisfaction", "tags"])
    tags = [t if isinstance(t, dict) else {} for t in frame.pop("tags")]
    frame["source"] = frame["source"].fillna("hfcompare")
    frame["satisfaction"] = pd.to_numeric(frame["satisfaction"], errors="coerce")
    frame["time"] = pd.to_datetime(frame["ts"], unit="s", utc=True)
    frame["ok"] = frame["ok"].astype(bool)
    frame["purpose"] = [str(t.get("purpose") or WORK) for t in tags]
    frame["tagged"] = ["purpose" in t for t in tags]
    for name in TIMING_TAGS:
        frame[name] = pd.to_numeric(pd.Series([t.get(name) for t in tags], index=frame.index, dtype=object),
                                    errors="coerce")
    return frame


def is_measurement(frame: pd.DataFrame) -> pd.Series:
    """True for the calls that measured a model (speed passes) rather than did work for someone."""
    return frame["purpose"].isin(MEASUREMENT_PURPOSES)


def without_measurements(frame: pd.DataFrame) -> pd.DataFrame:
    """The calls that did work: speed passes and other measurement calls left out (the Monitor's
    default view, since they are not traffic)."""
    return frame[~is_measurement(frame)]


def decode_rates(frame: pd.DataFrame) -> pd.Series:
    """Each call's tokens/s (tokens after the first ÷ seconds after the first token), rounded to 0.1
    as the Generation page rounds each answer's; NaN where the call has no decode window (a
    buffered stream, too few tokens, not a generation, or logged before decode timing was)."""
    seconds = frame["decode_s"].where(frame["decode_s"] > 0)
    return (frame["decode_tokens"] / seconds).round(1)


def _median(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(np.median(values)) if len(values) else None


def rate_note(ok: pd.DataFrame) -> str:
    """For how many successful generation calls tokens/s is known, and why not for the others: ""
    when it is known for all of them (or none is a generation)."""
    generated = ok[ok["task"] == "generation"]
    known = decode_rates(generated).notna()
    if generated.empty or known.all():
        return ""
    older = int((~known & ~generated["tagged"]).sum())
    windowless = int((~known & generated["tagged"]).sum())
    reasons = [text for count, text in ((older, f"{older} logged before decode timing was recorded"),
                                        (windowless, f"{windowless} without a decode window (buffered stream or "
                                                     f"under 3 tokens)")) if count]
    return f"known for {int(known.sum())} of {len(generated)} calls: " + ", ".join(reasons)


def error_classes(kinds: pd.Series) -> str:
    """Failed calls by error class, most frequent first: "unavailable ×2, timeout ×1"."""
    counts = kinds.fillna("unknown").value_counts()
    return ", ".join(f"{kind} ×{count}" for kind, count in counts.items())


def production_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """Production traffic, one row per (source, model, variant): calls, error rate, p50/p95 latency,
    mean satisfaction (of the calls that reported one) and how many reported it."""
    rows = []
    frame = frame.assign(variant=frame["variant"].fillna("—"))
    for (source, model, variant), group in frame.groupby(["source", "model", "variant"], sort=True):
        ok = group.loc[group["ok"], "latency_s"]
        rated = group["satisfaction"].dropna()
        rows.append({"model": model, "variant": variant, "source": source, "calls": len(group),
                     "error rate": float((~group["ok"]).mean()),
                     "p50 latency s": float(np.percentile(ok, 50)) if len(ok) else None,
                     "p95 latency s": float(np.percentile(ok, 95)) if len(ok) else None,
                     "satisfaction": float(rated.mean()) if len(rated) else None, "rated": len(rated)})
    return pd.DataFrame(rows, columns=["model", "variant", "source", "calls", "error rate", "p50 latency s",
                                       "p95 latency s", "satisfaction", "rated"])


#: The per-model table's columns, in order (their definitions: ui/prose.MONITOR_COLUMN_HELP).
SUMMARY_COLUMNS = ["model", "backend", "task", "calls", "errors", "error rate", "p50 latency s", "p95 latency s",
                   "median ttft s", "median tokens/s", "tokens/s note", "items/s", "last error", "error classes"]


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (backend, model, task): calls, error rate, the failed calls by error class (failed
    loads included: a model that never loaded still has a row), and over successful calls: p50/p95
    latency per call, median time to first token, median tokens/s per call (see `decode_rates`;
    "tokens/s note" says for how many calls it is known) and pooled items/s (items ÷ seconds)."""
    rows = []
    for (backend, model, task), group in frame.groupby(["backend", "model", "task"], sort=True):
        ok = group[group["ok"]]
        busy = ok["latency_s"].sum()
        rows.append({
            "model": model, "backend": backend, "task": task, "calls": len(group),
            "errors": int((~group["ok"]).sum()), "error rate": float((~group["ok"]).mean()),
            "p50 latency s": float(np.percentile(ok["latency_s"], 50)) if len(ok) else None,
            "p95 latency s": float(np.percentile(ok["latency_s"], 95)) if len(ok) else None,
            "median ttft s": _median(ok["ttft_s"].round(3)),
            "median tokens/s": _median(decode_rates(ok)),
            "tokens/s note": rate_note(ok),
            "items/s": float(ok["items"].fillna(0).sum() / busy) if busy > 0 else None,
            "last error": group.loc[~group["ok"], "error_kind"].iloc[-1] if (~group["ok"]).any() else "",
            "error classes": error_classes(group.loc[~group["ok"], "error_kind"]),
        })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def bucket_for(frame: pd.DataFrame) -> str:
    """A time bucket that gives a readable number of points for the span of `frame`."""
    if frame.empty:
        return "1min"
    span = frame["ts"].max() - frame["ts"].min()
    for name, seconds in (("1min", 60), ("5min", 300), ("15min", 900), ("1h", 3600), ("6h", 21_600)):
        if span / seconds <= MAX_BUCKETS:
            return name
    return "1D"


def over_time(frame: pd.DataFrame, bucket: str | None = None) -> pd.DataFrame:
    """Per model and time bucket: calls, error rate, and over the bucket's successful calls: p50 and
    p95 latency per call, median tokens/s per call (`decode_rates`), pooled throughput (items ÷
    seconds of model time)."""
    if frame.empty:
        return pd.DataFrame(columns=["time", "model", "calls", "error rate", "p50 latency s", "p95 latency s",
                                     "median tokens/s", "items/s", "satisfaction"])
    bucket = bucket or bucket_for(frame)
    second = frame["backend"] if "variant" not in frame else frame["variant"].fillna(frame["backend"])
    frame = frame.assign(time=frame["time"].dt.floor(bucket), label=frame["model"] + " · " + second)
    rows = []
    for (when, label), group in frame.groupby(["time", "label"], sort=True):
        ok = group.loc[group["ok"], "latency_s"]
        busy = ok.sum()
        rows.append({"time": when, "model": label, "calls": len(group), "error rate": float((~group["ok"]).mean()),
                     "p50 latency s": float(np.percentile(ok, 50)) if len(ok) else None,
                     "p95 latency s": float(np.percentile(ok, 95)) if len(ok) else None,
                     "median tokens/s": _median(decode_rates(group[group["ok"]])) if "decode_s" in group else None,
                     "items/s": float(group.loc[group["ok"], "items"].fillna(0).sum() / busy) if busy > 0 else None,
                     "satisfaction": float(group["satisfaction"].mean()) if "satisfaction" in group
                     and group["satisfaction"].notna().any() else None})
    return pd.DataFrame(rows)
