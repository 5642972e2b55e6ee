"""The bundled model catalog: published facts about candidate models, each with its source.

The data lives in `hfcompare/data/catalog.json`. Every figure names the document it was read
from (title, URL, publication date when known, the date it was checked) and, where possible, the
sentence that states it. A figure nobody could verify is absent, and shows as unknown.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CATALOG_PATH = Path(__file__).parents[1] / "data" / "catalog.json"
TASKS = ("embeddings", "generation")

#: Field name -> (label, help). The order is the order of table columns.
FIELDS: dict[str, tuple[str, str]] = {
    "parameters": ("Parameters", "How many learned weights the model has. More usually means better quality, "
                   "more memory and slower answers."),
    "dimensions": ("Dimensions", "Length of each embedding vector. Longer vectors can hold more nuance but "
                   "take more storage and make search slower."),
    "max_seq_length": ("Max tokens", "The longest input, in tokens (about ¾ of a word each), the model reads; "
                       "text beyond it is cut off."),
    "context_length": ("Context", "How many tokens (prompt and answer together) the model can attend to at once."),
    "languages": ("Languages", "Languages the model card says the model was trained for."),
    "multilingual": ("Multilingual", "Whether the model is meant for more than one language."),
    "license": ("License", "The license of the weights, as the model card states it."),
    "open_weights": ("Open weights", "Whether the weights can be downloaded and run on your own machines "
                     "(some require accepting terms first)."),
    "fine_tunable": ("Fine-tunable", "Whether you may and can train the model further on your own data."),
    "mteb_average": ("MTEB avg", "Average score over the MTEB benchmark version named in its source "
                     "(higher is better; only comparable within one version)."),
    "mteb_retrieval": ("MTEB retrieval", "Average over MTEB's retrieval tasks (nDCG@10), the part closest to "
                       "search and RAG."),
    "leaderboard_average": ("Leaderboard avg", "Average score on the leaderboard named in its source "
                            "(higher is better; only comparable within one leaderboard version)."),
    "query_prompt": ("Query prompt", "Text the model's authors put before each search query (such as "
                     "'query: '); empty when they say none is needed. Retrieval evaluation applies it."),
    "document_prompt": ("Document prompt", "Text the model's authors put before each document or passage "
                        "(such as 'passage: '); empty when they say none is needed."),
}

#: Sanity ranges: a figure outside them is a data-entry error, not a surprising model.
RANGES: dict[str, tuple[float, float]] = {
    "parameters": (1e6, 2e12),
    "dimensions": (32, 16_384),
    "max_seq_length": (64, 10_000_000),
    "context_length": (256, 10_000_000),
    "mteb_average": (0, 100),
    "mteb_retrieval": (0, 100),
    "leaderboard_average": (0, 100),
}
BOOL_FIELDS = ("multilingual", "open_weights", "fine_tunable")
#: Benchmark figures must also say which benchmark and version they come from.
BENCHMARK_FIELDS = ("mteb_average", "mteb_retrieval", "leaderboard_average")
#: Text put before a query or a document; "" is a known value (the source says none is needed).
PROMPT_FIELDS = ("query_prompt", "document_prompt")
MAX_PROMPT_CHARS = 300
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: How one row is picked when a leaderboard source lists the same model more than once (every row
#: is kept in the figure's `rows`, so both show): the chat models here are used through their chat
#: template, so a row evaluated with it comes first; among such rows, the latest submission.
LEADERBOARD_ROW_RULE = ("the row evaluated with the model's chat template ('Chat Template' True) is taken; "
                        "among several, the one with the latest 'Submission Date'")


def pick_leaderboard_row(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The row LEADERBOARD_ROW_RULE picks out of a model's rows (each with chat_template, submitted)."""
    return max(rows, key=_row_rank)


def _row_rank(row: dict[str, Any]) -> tuple[bool, str]:
    return bool(row.get("chat_template")), str(row.get("submitted") or "")


@dataclass(frozen=True)
class Source:
    """Where a figure was read: a document, its address and dates."""

    id: str
    title: str
    url: str
    published: str | None
    checked: str

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url, "published": self.published, "checked": self.checked}


@dataclass(frozen=True)
class Figure:
    """One published value with its source; `benchmark` names the benchmark and its version."""

    value: Any
    source: Source
    quote: str | None = None
    benchmark: str | None = None
    basis: str | None = None   # how the figure follows from the source, when it is not stated outright
    #: every row the source gives for this model when it gives more than one (value picked by
    #: LEADERBOARD_ROW_RULE): value, chat_template, submitted, quote, and what else tells them apart
    rows: tuple[dict[str, Any], ...] = field(default=(), hash=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "source": self.source.as_dict()}
        if self.benchmark:
            out["benchmark"] = self.benchmark
        for key in ("quote", "basis"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.rows:
            out["rows"] = [dict(row) for row in self.rows]
        return out


@dataclass(frozen=True)
class CatalogEntry:
    """A model in the catalog: its Hub id, task, and the figures known about it."""

    id: str
    task: str
    figures: dict[str, Figure] = field(default_factory=dict)
    notes: str | None = None

    def value(self, name: str) -> Any:
        """The value of figure `name`, or None when unknown."""
        figure = self.figures.get(name)
        return figure.value if figure else None

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape: id, task, and each known figure with its value and source."""
        return {"id": self.id, "task": self.task, **{k: f.as_dict() for k, f in self.figures.items()}}


@dataclass(frozen=True)
class Catalog:
    snapshot_date: str
    entries: tuple[CatalogEntry, ...]

    def by_id(self, model_id: str) -> CatalogEntry | None:
        """The entry for `model_id` (case-insensitive), or None."""
        wanted = model_id.lower()
        return next((e for e in self.entries if e.id.lower() == wanted), None)

    def for_task(self, task: str | None) -> list[CatalogEntry]:
        return [e for e in self.entries if task in (None, e.task)]


class CatalogError(ValueError):
    """The catalog data file breaks its schema; the message lists every problem."""


def validate_catalog(raw: dict[str, Any]) -> list[str]:
    """Every problem in a raw catalog document (empty when it is sound)."""
    problems: list[str] = []
    sources = raw.get("sources")
    if not isinstance(sources, dict) or not sources:
        return ["the catalog has no 'sources' table"]
    for sid, src in sources.items():
        for key in ("title", "url", "checked"):
            if not isinstance(src.get(key), str) or not src.get(key):
                problems.append(f"source {sid}: '{key}' is missing")
        if isinstance(src.get("url"), str) and not src["url"].startswith("https://"):
            problems.append(f"source {sid}: the url must be an https address")
    if not isinstance(raw.get("snapshot_date"), str):
        problems.append("the catalog has no 'snapshot_date'")
    seen: set[str] = set()
    for position, model in enumerate(raw.get("models") or []):
        mid = model.get("id") or f"model #{position + 1}"
        if mid in seen:
            problems.append(f"{mid}: listed twice")
        seen.add(mid)
        if model.get("task") not in TASKS:
            problems.append(f"{mid}: task must be one of {', '.join(TASKS)}")
        for name, fig in (model.get("fields") or {}).items():
            problems.extend(f"{mid}.{name}: {p}" for p in _figure_problems(name, fig, sources))
    if not seen:
        problems.append("the catalog lists no models")
    return problems


def _figure_problems(name: str, fig: Any, sources: dict[str, Any]) -> list[str]:
    if name not in FIELDS:
        return [f"unknown field (known: {', '.join(FIELDS)})"]
    if not isinstance(fig, dict) or "value" not in fig:
        return ["a figure needs a value and a source"]
    problems = []
    if fig.get("source") not in sources:
        problems.append(f"source {fig.get('source')!r} is not in the sources table")
    value = fig["value"]
    if name in RANGES:
        low, high = RANGES[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            problems.append(f"{value!r} is not a number")
        elif not low <= value <= high:
            problems.append(f"{value} is outside the sane range {low:g}..{high:g}")
    elif name in BOOL_FIELDS and not isinstance(value, bool):
        problems.append(f"{value!r} is not true or false")
    elif name == "languages" and not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
        problems.append("languages must be a non-empty list of language codes")
    elif name == "license" and not (isinstance(value, str) and value):
        problems.append("license must be a name")
    elif name in PROMPT_FIELDS and not (isinstance(value, str) and len(value) <= MAX_PROMPT_CHARS
                                        and all(ch.isprintable() for ch in value)):
        problems.append(f"a prompt must be one line of text (at most {MAX_PROMPT_CHARS} characters; empty for none)")
    if name in PROMPT_FIELDS and not fig.get("quote"):
        problems.append("a prompt must quote the source that states it")
    if name in BENCHMARK_FIELDS and not fig.get("benchmark"):
        problems.append("a benchmark figure must name its benchmark and version")
    if "rows" in fig:
        problems.extend(_rows_problems(name, fig))
    return problems


def _rows_problems(name: str, fig: dict[str, Any]) -> list[str]:
    """A figure that keeps several rows of its source: each well formed, and the value the rule's pick."""
    rows = fig["rows"]
    if name != "leaderboard_average":
        return ["only a leaderboard figure keeps several rows"]
    if not isinstance(rows, list) or len(rows) < 2 or not all(isinstance(r, dict) for r in rows):
        return ["rows must list at least two rows of the source"]
    problems = []
    low, high = RANGES[name]
    for i, row in enumerate(rows, 1):
        value = row.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            problems.append(f"row {i}: {value!r} is not a score in {low:g}..{high:g}")
        if not isinstance(row.get("chat_template"), bool):
            problems.append(f"row {i}: chat_template must be true or false")
        if not isinstance(row.get("submitted"), str) or not ISO_DAY.match(row["submitted"]):
            problems.append(f"row {i}: submitted must be a YYYY-MM-DD date")
        if not isinstance(row.get("quote"), str) or not row["quote"]:
            problems.append(f"row {i}: a row needs its quote")
    if problems:
        return problems
    ranks = [_row_rank(row) for row in rows]
    if ranks.count(max(ranks)) > 1:
        return ["the rule cannot tell the top rows apart (same chat template use and submission date)"]
    if fig.get("value") != pick_leaderboard_row(rows)["value"]:
        problems.append(f"the value must be the row the rule picks ({LEADERBOARD_ROW_RULE}): "
                        f"{pick_leaderboard_row(rows)['value']}")
    if not fig.get("basis"):
        problems.append("a figure picked out of several rows must say how (basis)")
    return problems


def parse_catalog(raw: dict[str, Any]) -> Catalog:
    """A Catalog from a raw document; raises CatalogError listing every problem."""
    problems = validate_catalog(raw)
    if problems:
        raise CatalogError("The model catalog is broken:\n- " + "\n- ".join(problems))
    sources = {sid: Source(sid, s["title"], s["url"], s.get("published"), s["checked"])
               for sid, s in raw["sources"].items()}
    entries = tuple(
        CatalogEntry(
            id=m["id"],
            task=m["task"],
            figures={name: Figure(f["value"], sources[f["source"]], f.get("quote"), f.get("benchmark"), f.get("basis"),
                                  tuple(f.get("rows") or ()))
                     for name, f in (m.get("fields") or {}).items()},
            notes=m.get("notes"),
        )
        for m in raw["models"]
    )
    return Catalog(snapshot_date=raw["snapshot_date"], entries=entries)


def raw_catalog() -> dict[str, Any]:
    """The bundled catalog document as stored."""
    return json.loads(CATALOG_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The bundled catalog, validated once per process."""
    return parse_catalog(raw_catalog())


def catalog_json(task: str | None = None) -> list[dict[str, Any]]:
    """The catalog (optionally one task) as the CLI prints it."""
    return [entry.as_dict() for entry in load_catalog().for_task(task)]
