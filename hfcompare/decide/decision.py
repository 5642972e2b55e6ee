"""`hfcompare decide`: the Scorecard's verdict from measurements in files, for scripts and CI.

Inputs: a CSV with columns `model,criterion,value` (and optional `low,high`), the JSON that
`evaluate --json` prints (nDCG@10, with per-query values so models evaluated on the same queries are
compared query by query), or the `bench.json` that `bench --out` writes (speed with its range,
nDCG@10, pass rates, tokens/s, latency). Criteria a file leaves out come from the catalog, as on the
page. The ranking uses the page's value scales, must-haves, P(best) and three verdicts.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from hfcompare.decide.explain import TIE_MARGIN, Verdict, explain, unsettled_by, verdict
from hfcompare.decide.scoring import (
    DEFAULT_POLICY,
    P_BEST_THRESHOLD,
    Candidate,
    Cell,
    Criterion,
    Limit,
    Scored,
    p_best,
    score,
)


class DecisionError(ValueError):
    """Measurements or settings that cannot give a verdict; the message says what to change."""


#: The most models one decision ranks: P(best)'s resampling grows with the square of the count (1,000 took
#: 3.6 s and 20,000 took 257 s on 2 cores), and the Scorecard page takes 40.
MAX_CANDIDATES = 1_000
#: The largest measurement file read (the labeled data's limit).
MAX_INPUT_BYTES = 200 * 2**20


@dataclass
class Decision:
    scored: Scored
    p_best: np.ndarray
    verdict: Verdict
    criteria: list[Criterion]

    def as_json(self) -> dict[str, Any]:
        order = self.scored.order()
        return {
            "ranking": [{"model": self.scored.names[i], "score": round(float(self.scored.scores[i]), 6),
                         "p_best": round(float(self.p_best[i]), 4),
                         "excluded": self.scored.excluded.get(self.scored.names[i], []),
                         "unknown": self.scored.missing[self.scored.names[i]]} for i in order],
            "verdict": {"kind": self.verdict.kind, "models": list(self.verdict.models), "text": self.verdict.text},
            "weights": {c.key: round(self.scored.weights[c.key], 6) for c in self.criteria},
            "scales": {c.key: {"worst": c.value_scale().worst, "best": c.value_scale().best,
                               "log": c.value_scale().log} for c in self.criteria},
        }


def _number(raw: Any, where: str) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise DecisionError(f"{where}: {raw!r} is not a number.") from None
    if not math.isfinite(value):
        raise DecisionError(f"{where}: {raw!r} is not a finite number.")
    return value


def _from_csv(text: str, name: str) -> dict[str, dict[str, Cell]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"model", "criterion", "value"} <= set(rows[0]):
        raise DecisionError(f"{name}: a CSV needs the columns model,criterion,value (and optionally low,high).")
    out: dict[str, dict[str, Cell]] = {}
    for number, row in enumerate(rows, start=2):
        where = f"{name}, line {number}"
        model, criterion = (row.get("model") or "").strip(), (row.get("criterion") or "").strip()
        if not model or not criterion:
            raise DecisionError(f"{where}: a row needs a model and a criterion.")
        value = _number(row.get("value"), where)
        low, high = _number(row.get("low"), where), _number(row.get("high"), where)
        out.setdefault(model, {})[criterion] = Cell(value, f"{name}", low, high)
    return out


def _from_evaluate(data: dict, name: str) -> dict[str, dict[str, Cell]]:
    out = {}
    for model, metrics in data.items():
        if not isinstance(metrics, dict) or "ndcg@10" not in metrics:
            raise DecisionError(f"{name}: {model!r} has no ndcg@10; is this `evaluate --json` output?")
        per_query = metrics.get("ndcg@10_per_query") or []
        if not isinstance(per_query, list):
            raise DecisionError(f"{name}, {model}: ndcg@10_per_query must be a list of numbers, not {per_query!r:.80}.")
        per_query = tuple(_number(v, f"{name}, {model}, ndcg@10_per_query") for v in per_query)
        if None in per_query:
            raise DecisionError(f"{name}, {model}: ndcg@10_per_query has an empty value.")
        value = _number(metrics["ndcg@10"], f"{name}, {model}")
        out[model] = {"performance": Cell(value, f"{name}: nDCG@10", None, None, per_query,
                                          f"{metrics.get('queries', name)}:ndcg@10" if per_query else "")}
        speed = metrics.get("speed")
        if isinstance(speed, dict) and speed.get("ms_per_text") is not None:
            out[model]["speed"] = _speed_cell(speed.get("ms_per_text"), speed.get("passes_ms"), name, model,
                                              speed.get("texts_id"), speed.get("where"))
    return out


def _speed_cell(median, passes, name: str, model: str, texts_id=None, where=None, low=None, high=None) -> Cell:
    """A speed (median ms per text) with its timed passes, which P(best) resamples, and what it was
    timed on: speeds timed on other texts or hardware are not alike (Cell.basis)."""
    value = _number(median, f"{name}, {model}, speed")
    if passes is not None and not isinstance(passes, list):
        raise DecisionError(f"{name}, {model}: the speed passes must be a list of numbers, not {passes!r}.")
    times = tuple(_number(v, f"{name}, {model}, speed passes") for v in passes or () if v is not None)
    if times:
        low, high = min(times), max(times)
    basis = f"{texts_id or ''}|{where or ''}" if texts_id else ""
    return Cell(value, f"{name}: median ms per text" + (f" over {len(times)} timed passes" if times else ""),
                low, high, times, "", "median", basis)


def _rows(data: dict, key: str, name: str) -> list[dict]:
    """bench.json's rows under `key`: a list of objects, else DecisionError."""
    rows = data.get(key) or []
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise DecisionError(f"{name}: {key!r} must be a list of rows (objects) as `bench --out` writes them.")
    return rows


def _from_bench(data: dict, name: str) -> dict[str, dict[str, Cell]]:
    out: dict[str, dict[str, Cell]] = {}
    for row in _rows(data, "embeddings", name):
        model = str(row.get("model"))
        cells = out.setdefault(model, {})
        if row.get("cold_ms_per_text") is not None:
            cells["speed"] = _speed_cell(row["cold_ms_per_text"], row.get("ms_per_text_passes"), name,
                                         model, row.get("texts_id"), row.get("where"),
                                         _number(row.get("ms_per_text_low"), f"{name}, {model}"),
                                         _number(row.get("ms_per_text_high"), f"{name}, {model}"))
        if row.get("ndcg@10") is not None:
            cells["performance"] = Cell(_number(row["ndcg@10"], f"{name}, {model}, ndcg@10"), f"{name}: nDCG@10")
    for row in _rows(data, "generation", name):
        model = str(row.get("model"))
        cells = out.setdefault(model, {})
        for key, column in (("quality", "pass_rate"), ("speed", "median_tokens_per_s"),
                            ("latency", "median_latency_s")):
            if row.get(column) is not None:
                where = f"{name}, {model}, {column}"
                low, high = ((_number(row.get("pass_rate_low"), where), _number(row.get("pass_rate_high"), where))
                             if key == "quality" else (None, None))
                cells[key] = Cell(_number(row[column], where), f"{name}: {column}", low, high)
    return out


def read_measurements(path: str | Path) -> dict[str, dict[str, Cell]]:
    """Model -> criterion -> Cell from one file (CSV, `evaluate --json`, or `bench.json`)."""
    import stat

    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):   # a named pipe could wait forever, /dev/zero never ends
            raise DecisionError(f"{path}: not a regular file; name a CSV or JSON file.")
        if info.st_size > MAX_INPUT_BYTES:
            raise DecisionError(f"{path}: {info.st_size:,} bytes; the limit is {MAX_INPUT_BYTES:,}.")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DecisionError(f"{path}: cannot be read ({getattr(exc, 'strerror', None) or exc}).") from None
    if path.suffix.lower() != ".json":
        try:
            return _from_csv(text, path.name)
        except csv.Error as exc:   # a field over the csv module's limit, a NUL
            raise DecisionError(f"{path.name}: not a readable CSV ({exc}).") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise DecisionError(f"{path}: not valid JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise DecisionError(f"{path}: expected the JSON of `evaluate --json` or `bench --out`.")
    return _from_bench(data, path.name) if "embeddings" in data or "generation" in data \
        else _from_evaluate(data, path.name)


def _reference(name: str) -> str:
    """A model as the app names it (`local:org/model` for a bare id), so files written by different
    commands name one model alike."""
    from hfcompare.refs import ModelRef, SpecError

    try:
        return str(ModelRef.parse(name))
    except SpecError:
        return name


def merge(parts: list[dict[str, dict[str, Cell]]]) -> dict[str, dict[str, Cell]]:
    """Later files win for the same model and criterion."""
    out: dict[str, dict[str, Cell]] = {}
    for part in parts:
        for model, cells in part.items():
            out.setdefault(_reference(model), {}).update(cells)
    return out


def decide(task: str, measured: dict[str, dict[str, Cell]], weights: dict[str, float],
           limits: list[Limit] | None = None, anchors: dict[str, dict[str, float]] | None = None,
           threshold: float = P_BEST_THRESHOLD, margin: float = TIE_MARGIN, policy: str = DEFAULT_POLICY,
           catalog: bool = True) -> Decision:
    """Rank the models in `measured` on `weights` (criteria of `task`), with the page's scales (or
    `anchors`), must-haves, P(best) and verdict; values a file lacks come from the catalog."""
    from hfcompare.decide.scorecard import cell_for, criterion_for, specs_for

    specs = specs_for(task)
    unknown = [k for k in [*weights, *(lim.key for lim in limits or [])] if k not in specs]
    if unknown:
        raise DecisionError(f"Unknown criteria for {task}: {', '.join(sorted(set(unknown)))}; the criteria are "
                            f"{', '.join(specs)}.")
    if not measured:
        raise DecisionError("No measurements: give at least one --input file with values.")
    if len(measured) > MAX_CANDIDATES:
        raise DecisionError(f"The files name {len(measured):,} models; one decision ranks at most {MAX_CANDIDATES:,}. "
                            "Rank a shortlist.")
    keys = list(dict.fromkeys([*weights, *(lim.key for lim in limits or [])]))
    sources = {}
    for key in keys:
        in_files = any(cells.get(key) is not None and cells[key].known for cells in measured.values())
        rescaled = dict(specs[key].scales)   # catalog sources on another scale (published averages, 0-100)
        sources[key] = [s for s in specs[key].sources if s.startswith("catalog:") and not (in_files and s in rescaled)]
    candidates = []
    for model, cells in measured.items():
        row = {}
        for key in keys:
            cell = cells.get(key)
            if (cell is None or not cell.known) and catalog:
                for source in sources[key]:   # a value of another scale never fills a gap beside file values
                    found = cell_for(model, source, {})
                    if found.known:
                        cell = replace(found, source=f"{source}|{found.source}")
                        break
            row[key] = cell if cell is not None else Cell(None, "unknown")
        candidates.append(Candidate(model, row))
    criteria = [criterion_for(task, key, weight, _source_for(specs[key], candidates, key), (anchors or {}).get(key))
                for key, weight in weights.items()]
    labels = {k: (specs[k].criterion.label, specs[k].criterion.unit) for k in specs}
    scored = score(candidates, criteria, policy, limits=limits, limit_labels=labels)
    chances = p_best(candidates, criteria, policy, limits=limits)
    # the page's explanation decides too whether the order is settled (a tie, unknowns, noise): the same verdict
    explanation = explain("Your weights", scored, candidates, criteria, None, margin)
    return Decision(scored, chances, verdict(scored, candidates, criteria, chances, threshold, margin,
                                             unsettled=unsettled_by(explanation)), criteria)


def _source_for(spec, candidates: list[Candidate], key: str) -> str:
    """The source whose scale reads these values: the catalog source a value came from (a published
    average reads on 0-100), else the criterion's first source."""
    for candidate in candidates:
        source = candidate.cells[key].source.split("|", 1)[0]
        if source in spec.sources:
            return source
    return spec.sources[0]
