"""Generation result tables as pandas DataFrames (pure functions, no widgets): one row per answer,
a summary per model, and check pass rates with their intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hfcompare.cost import COST_HOW, COST_LABELS, COST_PER_1000  # noqa: F401  (the cost columns)

# Metric keys: the names code looks a number up by (tables' columns, bench.json). The headers
# people read are in ANSWER_LABELS, SUMMARY_LABELS and RATE_LABELS; a page, the CLI or a report
# shows a table with `frame.rename(columns=...)`.
MODEL = "model"
LATENCY_S = "latency_s"
TTFT_S = "ttft_s"
TOKENS_PER_S = "tokens_per_s"
TOKENS_PER_S_NOTE = "tokens_per_s_note"
RETRY_WAIT_S = "retry_wait_s"
LOAD_S = "load_s"
THREADS = "threads"
ERROR = "error"
MEDIAN_LATENCY_S = "median_latency_s"
MEDIAN_TTFT_S = "median_ttft_s"
MEDIAN_TOKENS_PER_S = "median_tokens_per_s"
PASS_RATE = "pass_rate"
PASS_RATE_LOW = "pass_rate_low"
PASS_RATE_HIGH = "pass_rate_high"
CHECKED = "checked"
ANSWERS = "answers"
ERRORS = "errors"
RETRY_WAITS_S = "retry_waits_s"
WHERE = "where"

ANSWER_LABELS = {"prompt_number": "prompt #", LOAD_S: "load s", LATENCY_S: "latency s", TTFT_S: "ttft s",
                 "output_tokens": "output tokens", "prompt_tokens": "prompt tokens", TOKENS_PER_S: "tokens/s",
                 TOKENS_PER_S_NOTE: "tokens/s note", RETRY_WAIT_S: "retry wait s", "check_details": "check details"}
SUMMARY_LABELS = {MEDIAN_LATENCY_S: "median latency s", MEDIAN_TTFT_S: "median ttft s",
                  MEDIAN_TOKENS_PER_S: "median tokens/s", TOKENS_PER_S_NOTE: "tokens/s note", PASS_RATE: "pass rate",
                  PASS_RATE_LOW: "pass rate low", PASS_RATE_HIGH: "pass rate high", RETRY_WAITS_S: "retry waits s",
                  LOAD_S: "load s", "memory_mb": "memory MB", "peak_memory_mb": "peak MB",
                  "kv_cache_mb": "KV cache MB", "memory_from": "memory from"}
RATE_LABELS = {PASS_RATE: "pass rate", "too_few": "too few"}


def _median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return float(np.median(values)) if values else None


def generation_table(results: list, verdicts: dict, names: dict | None = None) -> pd.DataFrame:
    """One row per (model, prompt): the answer, its timings and its checks."""
    rows = []
    for r in results:
        t = r.timings
        verdict = verdicts.get((r.ref, r.prompt_index))
        rows.append(
            {
                MODEL: (names or {}).get(r.ref, str(r.ref)),
                "prompt_number": r.prompt_index + 1,
                "prompt": r.prompt,
                "answer": r.text if r.ok else "",
                LOAD_S: None if r.load_s is None else round(r.load_s, 3),
                LATENCY_S: None if t is None else round(t.latency_s, 3),
                TTFT_S: None if t is None or t.ttft_s is None else round(t.ttft_s, 3),
                "output_tokens": None if t is None else t.output_tokens,
                "prompt_tokens": None if t is None else t.prompt_tokens,
                TOKENS_PER_S: None if t is None or t.tokens_per_s is None else round(t.tokens_per_s, 1),
                TOKENS_PER_S_NOTE: "" if t is None else t.speed_note,
                THREADS: None if t is None else t.threads,
                "attempts": None if t is None else t.attempts,
                RETRY_WAIT_S: None if t is None else round(t.retry_wait_s, 3),
                "checks": None if verdict is None else verdict.passed,
                "check_details": "" if verdict is None else "; ".join(f"{o.name}: {o.detail}" for o in verdict.outcomes),
                "cached": r.cached,
                WHERE: r.where,
                ERROR: r.error or "",
            }
        )
    return pd.DataFrame(rows)


def _speed_note(ok: pd.DataFrame) -> str:
    """Which answers have no decode speed, and why: "" when every answer has one."""
    notes = ok.loc[ok[TOKENS_PER_S].isna(), TOKENS_PER_S_NOTE] if TOKENS_PER_S_NOTE in ok else pd.Series(dtype=str)
    if notes.empty:
        return ""
    reasons = ", ".join(f"{reason} ({count})" for reason, count in notes.replace("", "unknown").value_counts().items())
    return f"unknown for {len(notes)} of {len(ok)} answers: {reasons}"


def generation_summary(table: pd.DataFrame, memory: dict | None = None) -> pd.DataFrame:
    """One row per model: answers, errors, median latency and time to first token, tokens/s (with why
    it is unknown for some answers), pass rate with its 95% Wilson interval, and retry waits.

    Latency and time to first token run from the attempt that succeeded, after the model was loaded
    ("load s" adds up the loading this run did, 0 when the model was ready); "retry waits s" adds up
    the time spent before it (failed attempts and back-off). "tokens/s note" says for how many
    answers the decode speed is unknown (a buffered stream has no decode window to time).

    `memory` maps a model's name to its memory columns (hfcompare.backends.local.memory.columns); with
    it, each row carries them beside speed."""
    from hfcompare.generation.checks import wilson_interval

    rows = []
    for model, group in table.groupby(MODEL, sort=False):
        ok = group[group[ERROR] == ""]
        checked = ok["checks"].dropna().astype(bool)
        interval = wilson_interval(int(checked.sum()), len(checked))
        waits = ok[RETRY_WAIT_S].dropna() if RETRY_WAIT_S in ok else pd.Series(dtype=float)
        loads = ok[LOAD_S].dropna() if LOAD_S in ok else pd.Series(dtype=float)
        rows.append(
            {
                MODEL: model,
                ANSWERS: len(ok),
                ERRORS: int((group[ERROR] != "").sum()),
                MEDIAN_LATENCY_S: _median(ok[LATENCY_S].dropna().tolist()),
                MEDIAN_TTFT_S: _median(ok[TTFT_S].dropna().tolist()),
                MEDIAN_TOKENS_PER_S: _median(ok[TOKENS_PER_S].dropna().tolist()),
                TOKENS_PER_S_NOTE: _speed_note(ok),
                PASS_RATE: float(checked.mean()) if len(checked) else None,
                CHECKED: len(checked),
                PASS_RATE_LOW: None if interval is None else interval[0],
                PASS_RATE_HIGH: None if interval is None else interval[1],
                RETRY_WAITS_S: round(float(waits.sum()), 3),
                LOAD_S: round(float(loads.sum()), 3) if len(loads) else None,
                WHERE: ok[WHERE].iloc[0] if len(ok) else "",
                **((memory or {}).get(model) or {}),
            }
        )
    return pd.DataFrame(rows)


def check_rates_table(results: list, verdicts: dict, names: dict | None = None) -> pd.DataFrame:
    """One row per (model, check): passed, checked, pass rate and its 95% Wilson interval, and whether
    it rests on too few prompts. "all checks" (an answer passes when it passes every check of its
    prompt) comes first, then each check that ran."""
    from hfcompare.generation.checks import check_rates

    rows = []
    for ref in dict.fromkeys(r.ref for r in results):
        model_verdicts = [verdicts[(r.ref, r.prompt_index)] for r in results
                          if r.ref == ref and r.ok and (r.ref, r.prompt_index) in verdicts]
        for rate in check_rates(model_verdicts):
            if not rate.checked:
                continue
            low, high = rate.interval
            rows.append({MODEL: (names or {}).get(ref, str(ref)), "check": rate.name, "passed": rate.passed,
                         CHECKED: rate.checked, PASS_RATE: rate.rate, "low": low, "high": high,
                         "too_few": rate.too_few})
    return pd.DataFrame(rows, columns=[MODEL, "check", "passed", CHECKED, PASS_RATE, "low", "high", "too_few"])


def check_rates_view(rates: pd.DataFrame, rules: dict[str, str] | None = None) -> pd.DataFrame:
    """`check_rates_table` for reading: one row per check with what it requires, one column per model,
    cells such as "2 of 5 · 40% (12–77%)"."""
    if rates.empty:
        return pd.DataFrame(columns=["check", "passes when"])
    cell = rates.apply(lambda r: f"{r['passed']} of {r[CHECKED]} · {r[PASS_RATE]:.0%} "
                                 f"({r['low']:.0%}–{r['high']:.0%})", axis=1)
    view = rates.assign(cell=cell).pivot(index="check", columns=MODEL, values="cell")
    order = list(dict.fromkeys(rates["check"]))
    view = view.reindex(index=order, columns=list(dict.fromkeys(rates[MODEL]))).fillna("not checked")
    view.insert(0, "passes when", [(rules or {}).get(name, "") for name in order])
    view.columns.name = None
    return view.reset_index()


def how_timed(results: list) -> str:
    """How the speeds of `results` were measured, in a sentence or two: local models one at a time
    (with the threads they used), models on servers concurrently, loading apart."""
    answered = [r for r in results if r.ok and r.timings is not None and not r.cached]
    local = [r for r in answered if r.timings.threads]
    remote = [r for r in answered if not r.timings.threads and "server" in r.where]
    parts = []
    if local:
        counts = sorted({r.timings.threads for r in local})
        threads = f"{counts[0]}" if len(counts) == 1 else f"{counts[0]} to {counts[-1]}"
        plural = "" if counts == [1] else "s"
        many = len({r.ref for r in local}) > 1
        parts.append(("Local models answered one at a time on " if many else "The local model answered on ")
                     + f"{local[0].where.split(' on ', 1)[-1]} with {threads} thread{plural}, as many as other "
                     "processes left cores free" + (", so no local model was timed while another ran." if many else "."))
    if remote:
        parts.append("Models on servers answered concurrently, on the server's hardware." if len({r.ref for r in remote}) > 1
                     else "The model on a server answered on the server's hardware.")
    if any(r.cached for r in results if r.ok):
        parts.append("Cached answers show the timings of the run that made them.")
    if local or remote:
        parts.append("Loading a model is timed apart (load s), never in time to first token.")
    return " ".join(parts)


def add_costs(summary: pd.DataFrame, table: pd.DataFrame, prices: dict | None = None, rate=None) -> pd.DataFrame:
    """`summary` with the cost per 1,000 of these prompts and its arithmetic, per model.

    A model in `prices` (model -> TokenPrice or None) is priced by its measured tokens (prompt and
    output tokens × the price per 1M); any other model is self-hosted: its measured seconds × `rate`
    (an HourlyRate). No price or rate: the cost is unknown (None), never 0."""
    from hfcompare.cost import time_cost, token_cost, with_costs

    costs = []
    for model in summary[MODEL]:
        ok = table[(table[MODEL] == model) & (table[ERROR] == "")]
        n = len(ok)
        if prices is not None and model in prices:
            inp = ok["prompt_tokens"]
            out = ok["output_tokens"]
            known = n and inp.notna().all() and out.notna().all()
            costs.append(token_cost(prices[model], n, float(inp.sum()) if known else None,
                                    float(out.sum()) if known else None))
        else:
            seconds = ok[LATENCY_S].dropna()
            costs.append(time_cost(rate, n, float(seconds.sum()) if n and len(seconds) == n else None))
    return with_costs(summary, costs)
