"""The Monitor page's numbers: per-model latency percentiles, throughput and error rates from the
call log, overall and per time bucket."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

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


def calls_frame(calls: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(calls, columns=["ts", "backend", "model", "task", "latency_s", "items", "tokens", "ok",
                                         "error_kind", "source", "variant", "satisfaction"])
    frame["source"] = frame["source"].fillna("hfcompare")
    frame["satisfaction"] = pd.to_numeric(frame["satisfaction"], errors="coerce")
    frame["time"] = pd.to_datetime(frame["ts"], unit="s", utc=True)
    frame["ok"] = frame["ok"].astype(bool)
    return frame


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


def summary(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (backend, model, task): calls, error rate, p50/p95 latency, throughput, and the
    failed calls by error class (failed loads included: a model that never loaded still has a row)."""
    rows = []
    for (backend, model, task), group in frame.groupby(["backend", "model", "task"], sort=True):
        ok = group[group["ok"]]
        busy = ok["latency_s"].sum()
        rows.append({
            "model": model, "backend": backend, "task": task, "calls": len(group),
            "errors": int((~group["ok"]).sum()), "error rate": float((~group["ok"]).mean()),
            "p50 latency s": float(np.percentile(ok["latency_s"], 50)) if len(ok) else None,
            "p95 latency s": float(np.percentile(ok["latency_s"], 95)) if len(ok) else None,
            "items/s": float(ok["items"].fillna(0).sum() / busy) if busy > 0 else None,
            "tokens/s": float(ok["tokens"].sum() / busy) if busy > 0 and ok["tokens"].notna().any() else None,
            "last error": group.loc[~group["ok"], "error_kind"].iloc[-1] if (~group["ok"]).any() else "",
            "error classes": error_classes(group.loc[~group["ok"], "error_kind"]),
        })
    return pd.DataFrame(rows, columns=["model", "backend", "task", "calls", "errors", "error rate", "p50 latency s",
                                       "p95 latency s", "items/s", "tokens/s", "last error", "error classes"])


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
    """Per model and time bucket: calls, error rate, p50 and p95 latency, throughput (items per
    second of model time)."""
    if frame.empty:
        return pd.DataFrame(columns=["time", "model", "calls", "error rate", "p50 latency s", "p95 latency s",
                                     "items/s", "satisfaction"])
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
                     "items/s": float(group.loc[group["ok"], "items"].fillna(0).sum() / busy) if busy > 0 else None,
                     "satisfaction": float(group["satisfaction"].mean()) if "satisfaction" in group
                     and group["satisfaction"].notna().any() else None})
    return pd.DataFrame(rows)
