"""The Discover page's data: catalog entries merged with live Hub metadata, filtered and sorted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from hfcompare.hub.catalog import CatalogEntry
from hfcompare.hub.metadata import HubModel, community_badges

#: Which published score each task plots against size, and its label.
SCORE_FIELD = {"embeddings": "mteb_average", "generation": "leaderboard_average"}

COLUMNS = ["id", "parameters", "dimensions", "max_seq_length", "context_length", "languages", "multilingual",
           "license", "open_weights", "fine_tunable", "mteb_average", "mteb_retrieval", "leaderboard_average",
           "downloads", "likes", "badges", "in_catalog", "sources"]


@dataclass
class Filters:
    """What the user narrowed the list to; empty lists mean no restriction."""

    query: str = ""
    size_range_m: tuple[float, float] | None = None   # parameters, in millions; None keeps every size
    languages: list[str] = field(default_factory=list)
    licenses: list[str] = field(default_factory=list)
    open_weights_only: bool = False
    runs_here_only: bool = False                      # keep the rows whose "runs_now" is True
    fits_only: bool = False                           # drop the rows whose "over_budget" is True
    memory_budget_mb: float | None = None             # what "over_budget" was judged against (hfcompare.hub.fit)


def candidate_rows(entries: list[CatalogEntry], live: dict[str, HubModel] | None = None,
                   extra: list[HubModel] | None = None) -> pd.DataFrame:
    """One row per model: catalog figures, overlaid with live Hub counts where known.

    `extra` are Hub search results that are not in the catalog; their figures are unknown except
    what the Hub itself reports (parameters from safetensors, license from the card).
    """
    live = live or {}
    rows: list[dict[str, Any]] = []
    known = {e.id.lower() for e in entries}
    for entry in entries:
        hub = live.get(entry.id)
        row = {name: entry.value(name) for name in COLUMNS if name in entry.figures}
        row.update(id=entry.id, in_catalog=True,
                   sources=len({f.source.id for f in entry.figures.values()}))
        if hub:
            row.update(downloads=hub.downloads, likes=hub.likes)
        rows.append(row)
    for hub in extra or []:
        if hub.id.lower() in known:
            continue
        rows.append({"id": hub.id, "parameters": hub.parameters, "license": hub.license,
                     "downloads": hub.downloads, "likes": hub.likes, "in_catalog": False, "sources": 0})
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["badges"] = [", ".join(community_badges(_int(r.likes), _int(r.downloads))) or None
                       for r in frame.itertuples()]
    return frame


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def apply_filters(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The rows that pass every filter, in their original order."""
    keep = pd.Series(True, index=frame.index)
    if filters.query.strip():
        keep &= frame["id"].str.contains(filters.query.strip(), case=False, regex=False)
    if filters.size_range_m is not None:
        low, high = filters.size_range_m
        millions = frame["parameters"].astype("Float64") / 1e6
        keep &= millions.between(low, high).fillna(False).astype(bool)
    if filters.languages:
        wanted = set(filters.languages)
        keep &= frame["languages"].map(lambda langs: isinstance(langs, list) and bool(wanted & set(langs)))
    if filters.licenses:
        keep &= frame["license"].isin(filters.licenses)
    if filters.open_weights_only:
        keep &= frame["open_weights"].map(lambda v: v is True)
    if filters.runs_here_only and "runs_now" in frame:
        keep &= frame["runs_now"].map(lambda v: v is True)
    if filters.fits_only and "over_budget" in frame:   # unknown memory is never over: it stays
        keep &= frame["over_budget"].map(lambda v: v is not True)
    return frame[keep.astype(bool)]


def option_values(frame: pd.DataFrame, column: str) -> list[str]:
    """The distinct values of a column (flattening lists), sorted, for a filter's options."""
    values: set[str] = set()
    for item in frame[column].dropna():
        values.update(item if isinstance(item, list) else [item])
    return sorted(values)


def size_bounds_m(frame: pd.DataFrame) -> tuple[float, float] | None:
    """The smallest and largest known parameter counts, in millions (None when none is known)."""
    known = frame["parameters"].dropna()
    if known.empty:
        return None
    return float(known.min()) / 1e6, float(known.max()) / 1e6
