"""Generation result tables as pandas DataFrames (pure functions, no widgets): one row per answer,
a summary per model, and check pass rates with their intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd


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
                "model": (names or {}).get(r.ref, str(r.ref)),
                "prompt #": r.prompt_index + 1,
                "prompt": r.prompt,
                "answer": r.text if r.ok else "",
                "latency s": None if t is None else round(t.latency_s, 3),
                "ttft s": None if t is None or t.ttft_s is None else round(t.ttft_s, 3),
                "output tokens": None if t is None else t.output_tokens,
                "prompt tokens": None if t is None else t.prompt_tokens,
                "tokens/s": None if t is None or t.tokens_per_s is None else round(t.tokens_per_s, 1),
                "tokens/s note": "" if t is None else t.speed_note,
                "attempts": None if t is None else t.attempts,
                "retry wait s": None if t is None else round(t.retry_wait_s, 3),
                "checks": None if verdict is None else verdict.passed,
                "check details": "" if verdict is None else "; ".join(f"{o.name}: {o.detail}" for o in verdict.outcomes),
                "cached": r.cached,
                "where": r.where,
                "error": r.error or "",
            }
        )
    return pd.DataFrame(rows)


def _speed_note(ok: pd.DataFrame) -> str:
    """Which answers have no decode speed, and why: "" when every answer has one."""
    notes = ok.loc[ok["tokens/s"].isna(), "tokens/s note"] if "tokens/s note" in ok else pd.Series(dtype=str)
    if notes.empty:
        return ""
    reasons = ", ".join(f"{reason} ({count})" for reason, count in notes.replace("", "unknown").value_counts().items())
    return f"unknown for {len(notes)} of {len(ok)} answers: {reasons}"


def generation_summary(table: pd.DataFrame) -> pd.DataFrame:
    """One row per model: answers, errors, median latency and time to first token, tokens/s (with why
    it is unknown for some answers), pass rate with its 95% Wilson interval, and retry waits.

    Latency and time to first token run from the attempt that succeeded; "retry waits s" adds up
    the time spent before it (failed attempts and back-off). "tokens/s note" says for how many
    answers the decode speed is unknown (a buffered stream has no decode window to time)."""
    from hfcompare.generation.checks import wilson_interval

    rows = []
    for model, group in table.groupby("model", sort=False):
        ok = group[group["error"] == ""]
        checked = ok["checks"].dropna().astype(bool)
        interval = wilson_interval(int(checked.sum()), len(checked))
        waits = ok["retry wait s"].dropna() if "retry wait s" in ok else pd.Series(dtype=float)
        rows.append(
            {
                "model": model,
                "answers": len(ok),
                "errors": int((group["error"] != "").sum()),
                "median latency s": _median(ok["latency s"].dropna().tolist()),
                "median ttft s": _median(ok["ttft s"].dropna().tolist()),
                "median tokens/s": _median(ok["tokens/s"].dropna().tolist()),
                "tokens/s note": _speed_note(ok),
                "pass rate": float(checked.mean()) if len(checked) else None,
                "checked": len(checked),
                "pass rate low": None if interval is None else interval[0],
                "pass rate high": None if interval is None else interval[1],
                "retry waits s": round(float(waits.sum()), 3),
                "where": ok["where"].iloc[0] if len(ok) else "",
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
            rows.append({"model": (names or {}).get(ref, str(ref)), "check": rate.name, "passed": rate.passed,
                         "checked": rate.checked, "pass rate": rate.rate, "low": low, "high": high,
                         "too few": rate.too_few})
    return pd.DataFrame(rows, columns=["model", "check", "passed", "checked", "pass rate", "low", "high", "too few"])


def check_rates_view(rates: pd.DataFrame, rules: dict[str, str] | None = None) -> pd.DataFrame:
    """`check_rates_table` for reading: one row per check with what it requires, one column per model,
    cells such as "2 of 5 · 40% (12–77%)"."""
    if rates.empty:
        return pd.DataFrame(columns=["check", "passes when"])
    cell = rates.apply(lambda r: f"{r['passed']} of {r['checked']} · {r['pass rate']:.0%} "
                                 f"({r['low']:.0%}–{r['high']:.0%})", axis=1)
    view = rates.assign(cell=cell).pivot(index="check", columns="model", values="cell")
    order = list(dict.fromkeys(rates["check"]))
    view = view.reindex(index=order, columns=list(dict.fromkeys(rates["model"]))).fillna("not checked")
    view.insert(0, "passes when", [(rules or {}).get(name, "") for name in order])
    view.columns.name = None
    return view.reset_index()
