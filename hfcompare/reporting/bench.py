"""`python -m hfcompare bench`: the brief's benchmark script, headless, for CI.

Embedding models embed a text file (speed, dimensions, the brief's quality score: the cosine
similarity of the first two texts, which should be alike) and, given labeled data, are evaluated
for retrieval; generation models answer a prompt file (latency, tokens/s, check pass rate).
Every model row carries its measured memory (memory_mb, peak_memory_mb, memory_from; kv_cache_mb for
generation) and its cost per 1,000 requests with the arithmetic (cost_per_1000, cost_how; see
hfcompare.reporting.costs). Results go to JSON, CSV and the HTML report; thresholds turn a slow, weak
or costly model into a failing exit code. With --max-cost-per-1000 set, a model whose cost is unknown
breaks it too: a limit that cannot be checked is not met.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from hfcompare.embeddings import tables as e
from hfcompare.generation import tables as g
from hfcompare.refs import ModelRef
from hfcompare.reporting import costs as c

EXIT_OK, EXIT_MODEL_FAILED, EXIT_BAD_INPUT, EXIT_THRESHOLD = 0, 1, 2, 3

#: the brief's quality score: the cosine similarity of the first two texts (which should be alike)
QUALITY = "quality"
LABELS = (e.TIMING_LABELS | g.SUMMARY_LABELS | g.RATE_LABELS | c.COST_LABELS
          | {QUALITY: "quality (cosine of texts 1 and 2)"})
#: columns the terminal leaves out: the range shows the first two, the Checks table the pass rate's interval,
#: the line above the tables the cost's rate and source
_NOT_IN_TERMINAL = ("where", "error", "reference", e.MS_PER_TEXT_LOW, e.MS_PER_TEXT_HIGH, g.PASS_RATE_LOW,
                    g.PASS_RATE_HIGH, "ms_per_text_passes", "texts_id", "measured_at", c.COST_HOW)


def _dollars(value) -> str:
    return "unknown" if value is None or pd.isna(value) else f"${value:.3g}"


def for_people(frame: pd.DataFrame, terminal: bool = False) -> pd.DataFrame:
    """`frame` with the headers people read (bench.json and the CSV files keep the metric keys). The
    cost is a number (unknown: empty, shown "unknown" by the report); in the terminal, dollars."""
    if c.COST_PER_1000 in frame:
        cost = pd.to_numeric(frame[c.COST_PER_1000], errors="coerce")
        frame = frame.assign(**{c.COST_PER_1000: cost.map(_dollars) if terminal else cost})
    if terminal:
        frame = frame.drop(columns=[col for col in _NOT_IN_TERMINAL if col in frame])
    return frame.rename(columns=LABELS)


@dataclass
class Thresholds:
    """Limits a CI run enforces; None means not checked."""

    max_ms_per_text: float | None = None
    min_quality: float | None = None
    min_ndcg: float | None = None
    min_pass_rate: float | None = None
    min_tokens_per_s: float | None = None
    max_latency_s: float | None = None
    #: USD per 1,000 requests; a model whose cost is unknown breaks it too (it cannot be shown to be within)
    max_cost_per_1000: float | None = None


@dataclass
class BenchResult:
    embeddings: pd.DataFrame = field(default_factory=pd.DataFrame)
    generation: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: pass rates per (generation model, check) with 95% Wilson intervals (generation.tables.check_rates_table)
    checks: pd.DataFrame = field(default_factory=pd.DataFrame)
    failures: list[str] = field(default_factory=list)
    breaches: list[str] = field(default_factory=list)
    #: the hourly rate the self-hosted costs use, and where it was set
    rate: c.RateInUse | None = None

    @property
    def exit_code(self) -> int:
        if self.failures:
            return EXIT_MODEL_FAILED
        return EXIT_THRESHOLD if self.breaches else EXIT_OK


def bench_embeddings(texts: list[str], refs: list[ModelRef], dataset=None, cache=None, progress=None,
                     settings: dict[str, Any] | None = None, rate=None,
                     prices: dict | None = None) -> tuple[pd.DataFrame, list[str]]:
    """One row per model: the timing table's columns (dimensions, texts, cold ms per text, the median of
    the timed passes, with its range from the fastest to the slowest pass, cache use, load and compute
    time, measured memory), the brief's quality, where it ran, retrieval metrics when `dataset` is
    given, and the cost per 1,000 texts with its arithmetic (`rate`: an HourlyRate for self-hosted
    models; `prices`: {str(ref): TokenPrice or None} for models on a priced server). Returns the table
    and the failures."""
    from hfcompare.backends.local.cpu import where_measured
    from hfcompare.embeddings.runs import embed_with_stats
    from hfcompare.embeddings.tables import timing_table
    from hfcompare.retrieval.evaluation import evaluate_model

    settings = settings or {}
    rows, failures = [], []
    for ref in refs:
        result = embed_with_stats(texts, ref, cache, progress, settings=settings.get(ref.backend))
        from hfcompare.backends.local.memory import measure

        figure = measure(str(ref)) if result.ok else None   # once per model version, in a fresh process
        # the Embeddings page's rule: median ms per text × the rate, or texts × a per-text price
        row = e.add_costs(timing_table([result], {ref: str(ref)}, {str(ref): figure}), [result], prices,
                          rate).iloc[0].to_dict()
        if not result.ok:
            failures.append(f"{ref} failed ({result.error_kind}): {result.error}")
            rows.append(row | {"error": result.error})
            continue
        speed = result.speed
        row |= {QUALITY: float(result.vectors[0] @ result.vectors[1]) if len(texts) > 1 else None,
                "where": speed.where if speed is not None and speed.where else where_measured()}
        if speed is not None:   # what `hfcompare decide` resamples, and which texts and when
            row |= {"ms_per_text_passes": [round(v, 6) for v in speed.pass_ms], "texts_id": speed.texts_id,
                    "measured_at": speed.measured_at}
        if dataset is not None:
            evaluation = evaluate_model(dataset, ref, cache, None, settings.get(ref.backend), keep_vectors=False)
            if evaluation.ok:
                row.update({name: evaluation.metrics[name] for name in ("ndcg@10", "mrr@10", "recall@10")})
            else:
                failures.append(f"{ref} failed its retrieval evaluation ({evaluation.error_kind}): {evaluation.error}")
        rows.append(row)
    return pd.DataFrame(rows), failures


def bench_generation(prompts: list[str], checks, refs: list[ModelRef], system: str = "", cache=None,
                     on_done=None, settings: dict[str, Any] | None = None,
                     max_tokens: int = 128, similarity=None, rate=None,
                     prices: dict | None = None) -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    """One row per model (answers, errors, median latency, time to first token, tokens/s, pass rate with
    its interval, measured memory, cost per 1,000 prompts with its arithmetic), the failures, and the
    pass rate of each check per model. `similarity(answer, reference)` scores reference checks; without
    it, reference checks are skipped. Raises ReferenceModelFailed when the model that scores them fails.
    `prices` ({str(ref): TokenPrice or None}) prices models on a server by their measured tokens; the
    others cost their measured seconds × `rate` (hfcompare.generation.tables.add_costs)."""
    from hfcompare.backends import GenerationParams
    from hfcompare.generation.judging import ReferenceModelFailed, judge
    from hfcompare.generation.runs import compare_generations
    from hfcompare.generation.tables import add_costs, check_rates_table, generation_summary, generation_table

    params = GenerationParams(max_tokens=max_tokens, temperature=0.0, top_p=1.0, seed=None)
    results = compare_generations(prompts, refs, params, system, settings, cache, on_done=on_done)
    judgement = judge(results, checks, similarity)
    if judgement.skipped_references:
        raise ReferenceModelFailed(judgement.skipped_references)
    verdicts = judgement.verdicts
    names = {ref: str(ref) for ref in refs}
    from hfcompare.backends.local.memory import columns, measure

    memory = {str(ref): columns(ref, measure(str(ref), "generation")) for ref in refs}
    table = generation_table(results, verdicts, names)
    summary = add_costs(generation_summary(table, memory), table, prices or {}, rate)
    failures = [f"{r.ref} failed on prompt {r.prompt_index + 1} ({r.error_kind}): {r.error}"
                for r in results if not r.ok]
    return summary, failures, check_rates_table(results, verdicts, names)


def check_thresholds(result: BenchResult, limits: Thresholds) -> list[str]:
    """Every threshold a model breaks, as a sentence."""
    breaches = []

    def check(frame: pd.DataFrame, column: str, limit: float | None, higher_is_better: bool, label: str) -> None:
        if limit is None or frame.empty or column not in frame:
            return
        for row in frame.to_dict("records"):
            value = row.get(column)
            if value is None or pd.isna(value):
                continue
            if (value < limit) if higher_is_better else (value > limit):
                breaches.append(f"{row['model']}: {label} {value:.4g} {'<' if higher_is_better else '>'} {limit:g}")

    check(result.embeddings, e.COLD_MS_PER_TEXT, limits.max_ms_per_text, False, "ms per text")
    check(result.embeddings, QUALITY, limits.min_quality, True, "quality")
    check(result.embeddings, "ndcg@10", limits.min_ndcg, True, "ndcg@10")
    check(result.generation, g.PASS_RATE, limits.min_pass_rate, True, "pass rate")
    check(result.generation, g.MEDIAN_TOKENS_PER_S, limits.min_tokens_per_s, True, "tokens/s")
    check(result.generation, g.MEDIAN_LATENCY_S, limits.max_latency_s, False, "median latency s")
    for frame in (result.embeddings, result.generation):
        breaches += cost_breaches(frame, limits.max_cost_per_1000)
    return breaches


def cost_breaches(frame: pd.DataFrame, limit: float | None) -> list[str]:
    """Models over `limit` USD per 1,000 requests, and models whose cost is unknown: with a cost limit
    set, "unknown" cannot be shown to be within it, so it is a breach with its reason (a model that
    failed outright is left to its failure, exit 1)."""
    if limit is None or frame.empty or c.COST_PER_1000 not in frame:
        return []
    found = []
    for row in frame.to_dict("records"):
        if (isinstance(row.get("error"), str) and row["error"]) or row.get(g.ANSWERS) == 0:
            continue
        value = row.get(c.COST_PER_1000)
        if value is None or pd.isna(value):
            reason = str(row.get(c.COST_HOW) or "unknown").split(" · ")[0].removeprefix("unknown: ")
            found.append(f"{row['model']}: cost unknown ({reason}), so --max-cost-per-1000 {limit:g} cannot be "
                         "checked, and a limit that cannot be checked is not met")
        elif value > limit:
            arithmetic = str(row.get(c.COST_HOW) or "").split(" · ")[0]
            found.append(f"{row['model']}: $ per 1,000 requests {value:.4g} > {limit:g} ({arithmetic})")
    return found


def payload(result: BenchResult, thresholds: Thresholds, inputs: dict[str, Any]) -> dict[str, Any]:
    """What bench.json (and `bench --json`) holds: inputs, thresholds set, one record per model (metric
    keys; unknown values are null), the cost's rate and rule, failures, breaches and the exit code."""
    return {"inputs": inputs, "thresholds": {k: v for k, v in vars(thresholds).items() if v is not None},
            "cost": {"rule": c.RULE, "hourly_rate": result.rate.to_json() if result.rate else None},
            "embeddings": _records(result.embeddings), "generation": _records(result.generation),
            "checks": _records(result.checks), "failures": result.failures,
            "threshold_breaches": result.breaches, "exit_code": result.exit_code}


def cost_and_memory_note(result: BenchResult) -> str:
    """How the cost and memory columns were made, for the report."""
    from hfcompare.backends.local.memory import MEASURED_HOW

    rate = result.rate.describe() if result.rate else "hourly rate: none"
    memory = MEASURED_HOW.format(sample="running a fixed sample")
    return (f"{c.RULE} {rate[0].upper() + rate[1:]}. The 'cost arithmetic' column shows each sum. Memory: {memory}; "
            "models on servers are not measured here, and unknown stays unknown.")


def write_outputs(result: BenchResult, out: Path, thresholds: Thresholds, inputs: dict[str, Any]) -> list[Path]:
    """bench.json, bench_embeddings.csv / bench_generation.csv and bench_report.html in `out`."""
    from hfcompare.reporting.report import build_report

    out.mkdir(parents=True, exist_ok=True)
    written = []
    (out / "bench.json").write_text(json.dumps(payload(result, thresholds, inputs), indent=2), encoding="utf-8")
    written.append(out / "bench.json")
    sections: list[tuple[str, Any]] = [("Inputs", pd.DataFrame([{"setting": k, "value": json.dumps(v)}
                                                                  for k, v in inputs.items()]))]
    for name, frame in (("embeddings", result.embeddings), ("generation", result.generation)):
        if not frame.empty:
            path = out / f"bench_{name}.csv"
            frame.to_csv(path, index=False)
            written.append(path)
            sections.append((f"{name.capitalize()} models", for_people(frame)))
            chart = _chart(name, frame)
            if chart is not None:
                sections.append((f"{name.capitalize()}: speed", chart))
    if not result.checks.empty:
        sections.append(("Generation: pass rate per check (95% Wilson interval)", for_people(result.checks)))
    if not (result.embeddings.empty and result.generation.empty):
        sections.append(("Cost and memory: how they were measured", cost_and_memory_note(result)))
    verdict = ("All models ran and met every threshold." if result.exit_code == EXIT_OK else
               "; ".join(result.failures + result.breaches))
    sections.append(("Verdict", verdict))
    report = build_report("hfcompare benchmark", verdict, sections)
    (out / "bench_report.html").write_text(report, encoding="utf-8")
    written.append(out / "bench_report.html")
    return written


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (pandas turns NaN into null). pandas keeps 15 decimals, which leaves a
    cost of $0.000005937 with few digits: the cost goes out as the float it is, so its sum checks."""
    if frame.empty:
        return []
    records = json.loads(frame.to_json(orient="records", double_precision=15))
    if c.COST_PER_1000 in frame:
        for record, value in zip(records, frame[c.COST_PER_1000]):
            record[c.COST_PER_1000] = None if value is None or pd.isna(value) else float(value)
    return records


def _chart(kind: str, frame: pd.DataFrame):
    import plotly.express as px

    column = e.COLD_MS_PER_TEXT if kind == "embeddings" else g.MEDIAN_TOKENS_PER_S
    if column not in frame or frame[column].dropna().empty:
        return None
    data = frame.dropna(subset=[column])
    if kind == "embeddings" and {e.MS_PER_TEXT_LOW, e.MS_PER_TEXT_HIGH} <= set(data):
        low, high = data[e.MS_PER_TEXT_LOW].fillna(data[column]), data[e.MS_PER_TEXT_HIGH].fillna(data[column])
        return px.bar(data, x=column, y="model", orientation="h", labels=LABELS,
                      error_x=(high - data[column]).clip(lower=0), error_x_minus=(data[column] - low).clip(lower=0),
                      title="ms per text, median of the timed passes; whiskers: fastest to slowest pass "
                            "(lower is better)")
    return px.bar(data, x=column, y="model", orientation="h", labels=LABELS,
                  title=f"{LABELS[column]} ({'lower' if kind == 'embeddings' else 'higher'} is better)")
