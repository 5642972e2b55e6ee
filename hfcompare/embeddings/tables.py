"""Result tables as pandas DataFrames (pure functions, no widgets)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from hfcompare.cost import COST_HOW, COST_LABELS, COST_PER_1000  # noqa: F401  (the cost columns)
from hfcompare.embeddings.runs import EmbeddingResult
from hfcompare.embeddings.similarity import top_k
from hfcompare.embeddings.speed import SpeedStats

# Metric keys: the names code looks a number up by (the timing table's columns, bench.json). The
# headers people read are in TIMING_LABELS; pages and reports show `frame.rename(columns=TIMING_LABELS)`.
MODEL = "model"
COLD_MS_PER_TEXT = "cold_ms_per_text"
MS_PER_TEXT_RANGE = "ms_per_text_range"
MS_PER_TEXT_LOW = "ms_per_text_low"
MS_PER_TEXT_HIGH = "ms_per_text_high"
PASSES = "passes"
SPEED_FROM = "speed_from"
MEMORY_MB, PEAK_MB, KV_CACHE_MB, MEMORY_FROM = "memory_mb", "peak_memory_mb", "kv_cache_mb", "memory_from"

TIMING_LABELS = {"cache_hits": "cache hits", COLD_MS_PER_TEXT: "cold ms/text", MS_PER_TEXT_RANGE: "ms/text range",
                 SPEED_FROM: "speed from", MS_PER_TEXT_LOW: "ms/text low", MS_PER_TEXT_HIGH: "ms/text high",
                 "load_s": "load s", "compute_s": "compute s", MEMORY_MB: "memory MB", PEAK_MB: "peak MB",
                 MEMORY_FROM: "memory from"} | COST_LABELS


def memory_columns(ref, figures: dict | None) -> dict:
    """The memory columns of a model's row (see hfcompare.backends.local.memory.columns); `figures` maps
    refs to MemoryFigure or None."""
    from hfcompare.backends.local.memory import columns

    found = columns(ref, (figures or {}).get(str(ref)))
    found.pop(KV_CACHE_MB)   # llama.cpp only
    return found


def speed_source(speed: SpeedStats | None) -> str:
    """"this run", "an earlier run (2025-05-01 12:34 UTC)", or "" when there is no speed."""
    if speed is None:
        return ""
    if speed.this_run:
        return "this run"
    try:
        when = datetime.fromisoformat(speed.measured_at).astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError):
        return "an earlier run"
    return f"an earlier run ({when})"


def timing_table(results: list[EmbeddingResult], names: dict | None = None, memory: dict | None = None) -> pd.DataFrame:
    """One row per model: status, dimensions, cache use, speed and measured memory (`names` maps refs to
    short names; `memory` refs to MemoryFigures, see memory_columns).

    COLD_MS_PER_TEXT is the median of the timed passes; MS_PER_TEXT_RANGE the fastest to the slowest
    pass as text; MS_PER_TEXT_LOW and MS_PER_TEXT_HIGH the same range as numbers (for the chart's error
    bars and exports; the page hides them)."""
    rows = []
    for r in results:
        speed = r.speed
        rows.append(
            {
                MODEL: (names or {}).get(r.ref, str(r.ref)),
                "reference": str(r.ref),
                "status": "ok" if r.ok else f"failed ({r.error_kind})",
                "dimensions": r.dimensions,
                "texts": r.n_texts,
                "cache_hits": r.cache_hits,
                "computed": r.computed,
                COLD_MS_PER_TEXT: None if speed is None else round(speed.median_ms, 3),
                MS_PER_TEXT_RANGE: "" if speed is None else speed.range_text,
                PASSES: "" if speed is None else speed.passes_text,
                SPEED_FROM: speed_source(speed),
                MS_PER_TEXT_LOW: None if speed is None else round(speed.low_ms, 3),
                MS_PER_TEXT_HIGH: None if speed is None else round(speed.high_ms, 3),
                **memory_columns(r.ref, memory),
                "load_s": round(r.load_s, 3),
                "compute_s": round(r.compute_s, 3),
                "note": r.error if r.error else r.note,
            }
        )
    return pd.DataFrame(rows)


def result_cost(result: EmbeddingResult, price=None, priced: bool = False, rate=None):
    """The cost per 1,000 requests (a request = one text) of one model's run, as a Cost.

    A model on a server with a published price (`priced`; `price` a TokenPrice or None when none is
    published) costs its texts × the price per 1M texts; a price per token is unknown here, because
    embedding runs do not count tokens. Any other model is self-hosted: the milliseconds per text the
    table shows (the median of the timed passes, from this run or the last recorded one) × `rate`
    (an HourlyRate); when there is no such speed, the computing pass's seconds over the texts it
    computed. A run served wholly from the cache with no recorded timing is unknown, never 0."""
    from hfcompare.cost import ms_cost, time_cost, token_cost, unknown

    if not result.ok:
        return unknown("the model failed")
    if priced:
        if price is not None and price.per != "texts":
            return unknown(f"the price is per {price.per} and embedding runs do not count them")
        return token_cost(price, result.n_texts, result.n_texts)
    speed = result.speed
    if speed is not None:
        basis = f"median of {speed.passes} timed passes over {speed.n_texts} texts, {speed_source(speed)}"
        return ms_cost(rate, round(speed.median_ms, 3), basis)
    if result.computed and result.compute_s > 0:
        found = time_cost(rate, result.computed, round(result.compute_s, 3))
        return replace(found, arithmetic=f"computing pass: {found.arithmetic}") if found.known else found
    return unknown("served from the cache, and no timing of this model was recorded")


def add_costs(timing: pd.DataFrame, results: list[EmbeddingResult], prices: dict | None = None,
              rate=None) -> pd.DataFrame:
    """`timing` (timing_table of `results`, same order) with the cost per 1,000 texts and its arithmetic.
    `prices` maps the table's model names of models on a server with a price list to a TokenPrice (or
    None: no published price, unknown); every other model is self-hosted and costs its time × `rate`."""
    from hfcompare.cost import with_costs

    prices = prices or {}
    costs = [result_cost(r, prices.get(name), name in prices, rate) for r, name in zip(results, timing[MODEL])]
    return with_costs(timing, costs)


# Texts appear in tables and figures as their line number and a short preview, never in full: a table
# or a heatmap repeats a text once per row, cell or pair, and 500 texts of 4,000 characters repeated per
# pair would be gigabytes. The texts themselves are on screen once, in the box they were typed in.
PREVIEW_CHARS = 80


def preview(text: str, limit: int = PREVIEW_CHARS) -> str:
    """`text` on one line (runs of whitespace as one space), cut to at most `limit` characters with
    "…" marking the cut; shorter texts come back whole."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def text_label(index: int, text: str) -> str:
    """A text as tables and hovers name it: its line number (1-based, as on the heatmap axes) and a
    preview, e.g. "12: How do I create an invoice?"."""
    return f"{index + 1}: {preview(text)}"


def _cell(texts: list[str], index: int, score: float) -> str:
    return f"{text_label(index, texts[index])}  ({score:.2f})"


def top1_table(texts: list[str], matrices: dict[str, np.ndarray]) -> pd.DataFrame:
    """Each text's nearest other text under every model, and whether the models agree. Texts show as
    their line number ("#") and a preview."""
    frame = pd.DataFrame({"#": np.arange(1, len(texts) + 1), "text": [preview(t) for t in texts]})
    choices = []
    for name, sim in matrices.items():
        idx, scores = top_k(sim, 1)
        frame[name] = [_cell(texts, int(i[0]), float(s[0])) if len(i) else "" for i, s in zip(idx, scores)]
        choices.append(idx[:, 0] if idx.shape[1] else np.full(len(texts), -1))
    if len(choices) > 1:
        stacked = np.stack(choices, axis=1)
        frame["models agree"] = (stacked == stacked[:, :1]).all(axis=1)
    return frame


def neighbours_table(texts: list[str], matrices: dict[str, np.ndarray], text_index: int, k: int = 5) -> pd.DataFrame:
    """The k nearest texts to one text, a column per model, rank as rows (texts by line number and preview)."""
    frame = pd.DataFrame({"rank": list(range(1, min(k, len(texts) - 1) + 1))})
    for name, sim in matrices.items():
        idx, scores = top_k(sim, k)
        row_idx, row_scores = idx[text_index], scores[text_index]
        frame[name] = [_cell(texts, int(i), float(s)) for i, s in zip(row_idx, row_scores)]
    return frame


def pairs_table(texts: list[str], matrices: dict[str, np.ndarray]) -> pd.DataFrame:
    """Every pair of texts with each model's cosine similarity, for download: the two texts' line
    numbers ("A", "B") and previews (whole when short), then a column per model."""
    rows, cols = np.triu_indices(len(texts), k=1)
    shown = np.array([preview(t) for t in texts], dtype=object)
    frame = pd.DataFrame({"A": rows + 1, "B": cols + 1, "text A": shown[rows], "text B": shown[cols]})
    for name, sim in matrices.items():
        frame[name] = np.round(sim[rows, cols].astype(float), 6)
    return frame
