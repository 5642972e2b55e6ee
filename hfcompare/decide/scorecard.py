"""Scorecard inputs: which criteria each task offers, where each value can come from (this
comparison's measurements or the catalog), the brief's default weights, and decision presets."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from hfcompare.decide.explain import shown
from hfcompare.decide.scoring import BINARY, Candidate, Cell, Criterion, Scored, ValueScale, finite_number
from hfcompare.hub.catalog import FIELDS, load_catalog


@dataclass(frozen=True)
class Provenance:
    """Where a measured value comes from, as data: the run, the texts (or queries, prompts, votes) it
    was measured on (count and fingerprint), the hardware, the timed passes, when, and how it reached
    this page ("here": this session's run; "earlier": remembered from an earlier run; "link": a share link)."""

    run: str
    texts: int = 0
    texts_id: str = ""
    hardware: str = ""
    passes: int = 0
    measured_at: str = ""
    via: str = "here"
    unit: str = "texts"   # what `texts` counts: texts, queries, prompts or votes

    @property
    def basis(self) -> str:
        """What values measured alike share: the same texts, and for timings the same hardware ("" when
        not stated). A quality score does not depend on the machine; a speed does."""
        if not self.texts_id:
            return ""
        return f"{self.texts_id}|{self.hardware}" if self.passes else self.texts_id

    def describe(self) -> str:
        """e.g. "text comparison · 20 texts #a1b2c3 · CPU, 2 cores · 5 passes · 2026-12-06 21:40 UTC"."""
        parts = [self.run]
        if self.texts:
            parts.append(f"{self.texts:,} {self.unit}" + (f" #{self.texts_id[:6]}" if self.texts_id else ""))
        parts += [p for p in (self.hardware, f"{self.passes} passes" if self.passes else "",
                              self.measured_at[:16].replace("T", " ") + " UTC" if self.measured_at else "") if p]
        if self.via != "here":
            parts.append("from a share link" if self.via == "link" else "remembered from an earlier run")
        return " · ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v not in ("", 0)}

    @classmethod
    def from_json(cls, raw: Any, via: str | None = None) -> Provenance | None:
        """A provenance read from a link or a file, checked field by field; None when it is not one."""
        if not isinstance(raw, dict) or not isinstance(raw.get("run"), str):
            return None
        text = {k: str(raw[k])[:120] for k in ("run", "texts_id", "hardware", "measured_at", "via", "unit")
                if isinstance(raw.get(k), str)}
        counts = {k: int(raw[k]) for k in ("texts", "passes")
                  if isinstance(raw.get(k), int) and not isinstance(raw.get(k), bool) and 0 <= raw[k] < 10**9}
        found = cls(**text, **counts)
        return found if via is None else replace(found, via=via)


class Measurement(NamedTuple):
    """A value measured in this session: how and where, and its range when it was repeated."""

    value: float
    source: str
    low: float | None = None
    high: float | None = None
    samples: tuple[float, ...] = ()   # per-query scores or per-pass times (see scoring.Cell)
    paired_on: str = ""
    statistic: str = "mean"
    provenance: Provenance | None = None

    def to_json(self) -> dict[str, Any]:
        """The measurement as a link or file carries it: numbers, samples and provenance as data."""
        out: dict[str, Any] = {"value": self.value, "source": self.source, "statistic": self.statistic}
        if self.low is not None and self.high is not None:
            out |= {"low": self.low, "high": self.high}
        if self.samples:
            out["samples"] = [float(v) for v in self.samples]   # exact: the colleague resamples the same numbers
        if self.paired_on:
            out["paired_on"] = self.paired_on
        if self.provenance is not None:
            out["provenance"] = self.provenance.to_json()
        return out

    @classmethod
    def from_json(cls, raw: Any, via: str = "link") -> Measurement | None:
        """A measurement read from a share link, checked; None when it is not one. The legacy
        [value, description(, low, high)] lists are read too."""
        if isinstance(raw, list) and len(raw) in (2, 4):
            raw = {"value": raw[0], "source": raw[1], **({"low": raw[2], "high": raw[3]} if len(raw) == 4 else {})}
        if not isinstance(raw, dict) or not finite_number(raw.get("value")) or not isinstance(raw.get("source"), str):
            return None
        value = float(raw["value"])
        low, high = raw.get("low"), raw.get("high")
        if not (finite_number(low) and finite_number(high) and low <= value <= high):
            low = high = None
        samples = raw.get("samples") or ()
        if not isinstance(samples, list) or len(samples) > MAX_LINK_SAMPLES or not all(map(finite_number, samples)):
            samples = ()
        statistic = raw.get("statistic") if raw.get("statistic") in ("mean", "median", "draw") else "mean"
        paired_on = str(raw.get("paired_on") or "")[:200] if samples else ""
        return cls(value, raw["source"][:MAX_LINK_SOURCE], None if low is None else float(low), None if high is None else float(high),
                   tuple(float(v) for v in samples), paired_on, statistic, Provenance.from_json(raw.get("provenance"), via))


#: Samples a shared measurement may carry (per-query scores of a large evaluation, say).
MAX_LINK_SAMPLES = 10_000
#: Characters of a shared measurement's description kept: a cost's carries its arithmetic and its
#: price's source with the quoted words (a quote read live is cut to 300 characters).
MAX_LINK_SOURCE = 1_000


#: A candidate's measured values: metric key -> Measurement.
Measured = dict[str, Measurement]

MEASURED_LABELS = {
    "ndcg@10": "nDCG@10 in this evaluation",
    "pairs_roc_auc": "ROC AUC on your labeled pairs",
    "pairs_spearman": "Spearman correlation with your labeled pairs",
    "ms_per_text": "median ms per text over timed passes, measured here",
    "pass_rate": "check pass rate on your prompts (Generation page)",
    "arena_rating": "Arena rating from blind votes (Bradley-Terry)",
    "tokens_per_s": "median tokens/s, measured here",
    "latency_s": "median latency, measured here",
    "memory_mb": "resident memory (MB) a fresh process gained by loading it, measured here",
    "cost_per_1000": "$ per 1,000 requests: measured time × the hourly rate, or texts or tokens × a published price",
}


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion a task offers, the sources its values can come from (first is preferred), whether
    the brief's default scorecard includes it, and the value scale of each source (a source not
    listed uses the criterion's own scale)."""

    criterion: Criterion
    sources: tuple[str, ...]
    default: bool = False
    scales: tuple[tuple[str, ValueScale], ...] = ()

    def scale_for(self, source: str) -> ValueScale:
        return dict(self.scales).get(source) or self.criterion.value_scale()


def _c(key, label, weight, higher=True, log=False, help_text="", unit="", binary=False, scale=None):
    return Criterion(key, label, weight, higher, log, help_text, unit, binary, scale or (BINARY if binary else None))


#: The anchors of each scale: what counts as worst (0) and best (1), in the criterion's unit. Bounded
#: metrics use their own range. Speed, size, context and vector size use log10 between anchors a person
#: can weigh: a time budget (1 s per text, 60 s per answer, 1 token/s is unusable; 1 ms per text, 0.5 s
#: per answer and 200 tokens/s are as good as it gets), the memory a model takes (10 M parameters is
#: tiny; 10 B for an embedding model, 100 B for a generation model, more than one machine holds).
FRACTION = ValueScale(0.0, 1.0)
PERCENT = ValueScale(0.0, 100.0)
#: Arena ratings (Bradley-Terry on the Elo scale, 1000 = the average of the rated models): 300 points
#: below the average (it loses 85% of its votes against it) is worst, 300 above is best.
ARENA_SCALE = ValueScale(700.0, 1300.0)
#: A criterion named for what its source measures: a check pass rate is not called "quality".
SOURCE_NAMES = {"measured:pass_rate": "Check pass rate", "measured:arena_rating": "Arena rating",
                "catalog:leaderboard_average": "Published quality", "measured:pairs_roc_auc": "Pair ROC AUC",
                "measured:pairs_spearman": "Pair Spearman"}
#: A source measured in another unit than its criterion's.
SOURCE_UNITS = {"measured:memory_mb": "MB"}
#: Measured memory in MB: 10 MB is tiny, 100 GB more than one machine holds (log10 between them).
MEMORY_SCALE = ValueScale(100_000.0, 10.0, log=True)
#: ROC AUC on labeled pairs: 0.5 is chance (worst), 1 separates every similar pair from every other.
CHANCE_TO_PERFECT = ValueScale(0.5, 1.0)


@dataclass(frozen=True)
class CostScale(ValueScale):
    """A log10 scale for a cost, where lower is better: a cost of exactly $0 (a free price, or an hourly
    rate of 0 for hardware you already pay for) is as good as the best anchor, not unknown."""

    def value(self, raw: float | None) -> float | None:
        if raw is not None and math.isfinite(raw) and raw == 0 and not self.higher_is_better:
            return 1.0
        return super().value(raw)


#: Cost in USD per 1,000 requests, log10 between anchors (each tenfold saving counts the same). An answer
#: is a generation request: $10 per 1,000 (a cent an answer, a large model on a paid API) is dear, $0.001
#: (a small model on a cheap CPU) as cheap as it gets. A text is an embedding request, thousands of times
#: cheaper: $1 per 1,000 (a tenth of a cent a text) is dear, $0.00001 as cheap as it gets (MiniLM on a
#: $0.067/h CPU instance costs about $0.0004, a provider at $0.02 per 1M tokens about $0.000001 a text).
COST_SCALE = CostScale(10.0, 0.001, log=True)
EMBEDDING_COST_SCALE = CostScale(1.0, 0.00001, log=True)


def _dollars(value: float) -> str:
    return "$" + f"{value:.6f}".rstrip("0").rstrip(".")


def _cost_help(scale: ValueScale, request: str) -> str:
    return (f"USD per 1,000 requests (a request = one {request}) like the ones you ran; lower is better. A "
            "self-hosted model: its measured time × the hourly rate (default: a sourced, dated instance price). A "
            "model on Inference Providers: its tokens or texts × the published price. "
            f"0 at {_dollars(scale.worst)}, 1 at {_dollars(scale.best)} (and at $0), on log10. Unknown when no "
            "price or rate is known, never 0; the sources table shows the arithmetic and whether a price is stale.")


SPECS: dict[str, list[CriterionSpec]] = {
    "embeddings": [
        CriterionSpec(_c("performance", "Performance", 40, help_text="Quality on your data: measured nDCG@10 on "
                         "labeled queries, ROC AUC or Spearman on labeled pairs, or a published MTEB average.",
                         scale=FRACTION),
                      ("measured:ndcg@10", "measured:pairs_roc_auc", "measured:pairs_spearman",
                       "catalog:mteb_retrieval", "catalog:mteb_average"), True,
                      (("catalog:mteb_retrieval", PERCENT), ("catalog:mteb_average", PERCENT),
                       ("measured:pairs_roc_auc", CHANCE_TO_PERFECT))),
        CriterionSpec(_c("speed", "Speed", 30, higher=False, log=True,
                         help_text="Milliseconds per text, measured on this machine (lower is better).", unit="ms/text",
                         scale=ValueScale(1000.0, 1.0, log=True)),
                      ("measured:ms_per_text",), True),
        CriterionSpec(_c("size", "Size", 20, higher=False, log=True,
                         help_text="Memory measured on this machine (MB), or parameters from the catalog (lower is "
                         "better: cheaper to host, less memory).", unit="parameters",
                         scale=ValueScale(1e10, 1e7, log=True)),
                      ("measured:memory_mb", "catalog:parameters"), True, (("measured:memory_mb", MEMORY_SCALE),)),
        CriterionSpec(_c("multilingual", "Multilingual", 10, help_text="1 if the model is meant for many "
                         "languages, else 0.", binary=True), ("catalog:multilingual",), True),
        CriterionSpec(_c("context", "Max tokens", 10, log=True, help_text="Longest input read (higher is better).",
                         unit="tokens", scale=ValueScale(128.0, 8192.0, log=True)),
                      ("catalog:max_seq_length",)),
        CriterionSpec(_c("open_weights", "Open weights", 10, help_text="1 if the weights can be downloaded.", binary=True),
                      ("catalog:open_weights",)),
        CriterionSpec(_c("cost", "Cost", 10, higher=False, log=True, unit="$/1,000 texts",
                         help_text=_cost_help(EMBEDDING_COST_SCALE, "text"), scale=EMBEDDING_COST_SCALE),
                      ("measured:cost_per_1000",)),
        CriterionSpec(_c("dimensions", "Vector size", 10, higher=False, log=True,
                         help_text="Embedding dimensions (lower is better: less storage, faster search).", unit="dimensions",
                         scale=ValueScale(4096.0, 128.0, log=True)),
                      ("catalog:dimensions",)),
    ],
    "generation": [
        CriterionSpec(_c("quality", "Quality", 40, help_text="Which answers are better: the share of your checks "
                         "passed, the Arena's rating from blind votes, or a published leaderboard average. The label "
                         "names the one chosen.", scale=FRACTION),
                      ("measured:pass_rate", "measured:arena_rating", "catalog:leaderboard_average"), True,
                      (("catalog:leaderboard_average", PERCENT), ("measured:arena_rating", ARENA_SCALE))),
        CriterionSpec(_c("speed", "Speed", 30, log=True, help_text="Median tokens per second, measured on this "
                         "machine (higher is better).", unit="tokens/s", scale=ValueScale(1.0, 200.0, log=True)),
                      ("measured:tokens_per_s",), True),
        CriterionSpec(_c("context", "Context length", 20, log=True, help_text="Tokens the model can attend to.",
                         unit="tokens", scale=ValueScale(2048.0, 131072.0, log=True)),
                      ("catalog:context_length",), True),
        CriterionSpec(_c("fine_tuning", "Fine-tuning", 10, help_text="1 if you may and can fine-tune it, else 0.", binary=True),
                      ("catalog:fine_tunable",), True),
        CriterionSpec(_c("latency", "Latency", 10, higher=False, log=True,
                         help_text="Median seconds per answer, measured here (lower is better).", unit="s",
                         scale=ValueScale(60.0, 0.5, log=True)),
                      ("measured:latency_s",)),
        CriterionSpec(_c("size", "Size", 10, higher=False, log=True, help_text="Memory measured on this machine "
                         "(MB), or parameters from the catalog (lower is better).",
                         unit="parameters", scale=ValueScale(1e11, 1e8, log=True)),
                      ("measured:memory_mb", "catalog:parameters"), False, (("measured:memory_mb", MEMORY_SCALE),)),
        CriterionSpec(_c("multilingual", "Multilingual", 10, help_text="1 if meant for many languages.", binary=True),
                      ("catalog:multilingual",)),
        CriterionSpec(_c("cost", "Cost", 10, higher=False, log=True, unit="$/1,000 answers",
                         help_text=_cost_help(COST_SCALE, "prompt answered"), scale=COST_SCALE),
                      ("measured:cost_per_1000",)),
        CriterionSpec(_c("open_weights", "Open weights", 10, help_text="1 if the weights can be downloaded.", binary=True),
                      ("catalog:open_weights",)),
    ],
}

#: The brief's decision framework: weights per preset (criteria not named get 0) and what it favours.
PRESETS: dict[str, dict[str, Any]] = {
    "balanced": {"label": "The brief's defaults",
                 "embeddings": {"performance": 40, "speed": 30, "size": 20, "multilingual": 10},
                 "generation": {"quality": 40, "speed": 30, "context": 20, "fine_tuning": 10}},
    "speed": {"label": "Prioritize speed",
              "embeddings": {"performance": 25, "speed": 50, "size": 15, "multilingual": 10},
              "generation": {"quality": 25, "speed": 40, "latency": 20, "context": 10, "fine_tuning": 5}},
    "quality": {"label": "Prioritize quality",
                "embeddings": {"performance": 65, "speed": 15, "size": 10, "multilingual": 10},
                "generation": {"quality": 65, "speed": 15, "context": 10, "fine_tuning": 10}},
    "multilingual": {"label": "Prioritize multilingual",
                     "embeddings": {"performance": 30, "speed": 15, "size": 10, "multilingual": 45},
                     "generation": {"quality": 30, "speed": 15, "context": 10, "multilingual": 45}},
    "open_source": {"label": "Prioritize open source",
                    "embeddings": {"performance": 30, "speed": 15, "size": 15, "open_weights": 40},
                    "generation": {"quality": 30, "speed": 10, "fine_tuning": 20, "open_weights": 40}},
    "large_context": {"label": "Prioritize large context",
                      "embeddings": {"performance": 30, "speed": 10, "context": 50, "size": 10},
                      "generation": {"quality": 25, "speed": 15, "context": 50, "fine_tuning": 10}},
}


def specs_for(task: str) -> dict[str, CriterionSpec]:
    return {spec.criterion.key: spec for spec in SPECS[task]}


def source_label(source: str) -> str:
    """What a value source is, in words."""
    kind, key = source.split(":", 1)
    if kind == "measured":
        return MEASURED_LABELS[key]
    return f"{FIELDS[key][0]} (catalog)"


def catalog_id(name: str) -> str:
    """The Hub id inside a candidate name (`backend:org/model` or a bare `org/model`)."""
    head, _, rest = name.partition(":")
    return rest if rest and "/" not in head else name


def cell_for(name: str, source: str, measured: dict[str, Measured]) -> Cell:
    """One candidate's value from one source, with a description of where it came from."""
    kind, key = source.split(":", 1)
    if kind == "measured":
        found = measured.get(name, {}).get(key)
        if not found:
            return Cell(None, f"not measured ({MEASURED_LABELS[key]})")
        found = Measurement(*found)
        made = found.provenance
        return Cell(found.value, found.source, found.low, found.high, tuple(found.samples), found.paired_on,
                    found.statistic, made.basis if made else "", made.describe() if made else "")
    entry = load_catalog().by_id(catalog_id(name))
    figure = entry.figures.get(key) if entry else None
    if figure is None:
        return Cell(None, f"unknown: the catalog has no {FIELDS[key][0].lower()} for this model")
    parent = variant_parent(name)
    if parent:   # a quantized or exported copy: the published figure is its parent's, not its own
        return Cell(None, f"unknown: {name} is a copy of {parent}; the catalog's {FIELDS[key][0].lower()} "
                          f"({shown_figure(figure.value)}) is of that parent, not of this copy")
    value = figure.value
    if isinstance(value, bool):
        value = 1.0 if value else 0.0
    detail = f", {figure.benchmark}" if figure.benchmark else ""
    return Cell(float(value), f"catalog{detail}: {figure.source.title} ({figure.source.url}), checked {figure.source.checked}")


def variant_parent(name: str) -> str:
    """The model `name` is a quantized or exported copy of (its backend says so), or ""."""
    from hfcompare.backends import UnknownBackendError, get_backend

    backend, _, model = name.partition(":")
    if not model or "/" in backend:
        return ""
    try:
        listed = get_backend(backend).available_models()
    except (UnknownBackendError, Exception):  # noqa: BLE001 - a backend that cannot list says nothing here
        return ""
    return next((m.variant_of for m in listed if m.ref == name and m.variant_of), "")


def shown_figure(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def build_candidates(names: list[str], task: str, chosen_sources: dict[str, str],
                     measured: dict[str, Measured]) -> list[Candidate]:
    """Candidates with a cell per criterion, each from the source chosen for that criterion."""
    return [Candidate(name, {key: cell_for(name, source, measured) for key, source in chosen_sources.items()})
            for name in names]


def best_source(task: str, key: str, names: list[str], measured: dict[str, Measured]) -> str:
    """The first source of a criterion that knows a value for at least one candidate (else the first)."""
    sources = specs_for(task)[key].sources
    for source in sources:
        if any(cell_for(name, source, measured).known for name in names):
            return source
    return sources[0]


#: How a missing value of each measurable criterion gets measured, per task.
HINTS: dict[str, dict[str, str]] = {
    "embeddings": {
        "performance": "run the evaluation (Embeddings page, Evaluate retrieval or Labeled pairs) to measure "
                       "performance on your labeled queries or pairs",
        "speed": "run a comparison of these models to measure speed",
        "cost": "run a comparison of these models and set an hourly rate to cost them (a model on a server "
                "without a published price stays unknown)",
    },
    "generation": {
        "quality": "run the Generation page with checks on your prompts to measure the pass rate, or vote in the "
                   "Arena",
        "speed": "run these models on the Generation page to measure tokens per second",
        "latency": "run these models on the Generation page to measure latency",
        "cost": "run these models on the Generation page and set an hourly rate to cost them (a model on a "
                "server without a published price stays unknown)",
    },
}


def is_baseline(name: str) -> bool:
    """True for reference rows such as TF-IDF (`lexical:tfidf`): shown beside candidates, never
    recommended unless the user adds them on purpose."""
    from hfcompare.backends import UnknownBackendError, get_backend

    backend, _, model = name.partition(":")
    if not model or "/" in backend:
        return False
    try:
        return bool(getattr(get_backend(backend), "baseline", False))
    except UnknownBackendError:
        return False


def preset_label(preset: str) -> str:
    return PRESETS[preset]["label"] if preset in PRESETS else "Your weights"


def speed_measurement(speed, run: str) -> Measurement:
    """A SpeedStats as a Scorecard value: the median, its range, its passes, and which run it comes from."""
    made = Provenance(run, speed.n_texts, speed.texts_id, speed.where, speed.passes, speed.measured_at,
                      "here" if speed.this_run else "earlier")
    return Measurement(speed.median_ms, f"measured: median {speed.median_ms:.2f} ms/text over {speed.passes} "
                                        f"timed passes of {speed.n_texts} texts (range {speed.range_text})",
                       speed.low_ms, speed.high_ms, tuple(speed.pass_ms), "", "median", made)


def memory_measurement(ref, task: str = "embeddings") -> Measurement | None:
    """The model's memory measured on this machine earlier (hfcompare.backends.local.memory), without
    measuring now; None when it was not measured (or runs on a server)."""
    from hfcompare.backends.local.memory import remembered

    figure = remembered(str(ref), task)
    if figure is None:
        return None
    made = Provenance("memory measurement", hardware=figure.where, measured_at=figure.measured_at)
    return Measurement(figure.value_mb, figure.describe(), provenance=made)


def cost_measurement(cost, made: Provenance) -> Measurement | None:
    """A known Cost as a Scorecard value, its arithmetic and price source (stale or not) as its source;
    None for an unknown cost (the Scorecard's rules for missing values apply, never a 0)."""
    from hfcompare.cost import described, usd

    if not cost.known:
        return None
    text = f"measured: {usd(cost.usd_per_1000)} per 1,000 requests = {described(cost)}"
    return Measurement(cost.usd_per_1000, text[:MAX_LINK_SOURCE], provenance=made)   # a link brings it back whole


def measured_from_embeddings(results, run: str = "text comparison", prices: dict | None = None,
                             rate=None) -> dict[str, Measured]:
    """Speeds from a compare-texts run (EmbeddingResults), each model's measured memory, and its cost per
    1,000 texts (hfcompare.embeddings.tables.result_cost: `prices` maps references of models on a
    server with a price list to a TokenPrice or None; the others cost their time × `rate`, an HourlyRate)."""
    from hfcompare.embeddings.tables import result_cost

    prices = prices or {}
    out: dict[str, Measured] = {}
    for r in results:
        speed = getattr(r, "speed", None)
        if r.ok and speed is not None:
            out.setdefault(str(r.ref), {})["ms_per_text"] = speed_measurement(speed, run)
        found = memory_measurement(r.ref) if r.ok else None
        if found is not None:
            out.setdefault(str(r.ref), {})["memory_mb"] = found
        priced = str(r.ref) in prices
        made = Provenance(run, speed.n_texts if speed and not priced else r.n_texts,
                          speed.texts_id if speed and not priced else "",
                          "" if priced else (speed.where if speed else ""),
                          measured_at=speed.measured_at if speed else "",
                          via="here" if priced or speed is None or speed.this_run else "earlier")
        cost = cost_measurement(result_cost(r, prices.get(str(r.ref)), priced, rate), made)
        if cost is not None:
            out.setdefault(str(r.ref), {})["cost_per_1000"] = cost
    return out


def measured_from_evaluation(evaluations, n_queries: int, queries_id: str = "evaluation", prices: dict | None = None,
                             rate=None) -> dict[str, Measured]:
    """nDCG@10 (and speeds and costs, see measured_from_embeddings) from an evaluation run
    (ModelEvaluations); `queries_id` names the labeled queries, so models evaluated on the same ones are
    compared query by query."""
    out = measured_from_embeddings([e.embedding for e in evaluations if e.ok and e.embedding is not None],
                                   "retrieval evaluation", prices, rate)
    from hfcompare.backends.local.cpu import where_measured
    from hfcompare.retrieval.significance import bootstrap_ci

    for e in evaluations:
        if e.ok:
            per_query = tuple(float(v) for v in e.values("ndcg@10"))
            low, high = bootstrap_ci(per_query)
            speed = getattr(e.embedding, "speed", None)
            made = Provenance("retrieval evaluation", n_queries, queries_id, speed.where if speed else where_measured(),
                              measured_at=speed.measured_at if speed else "", unit="queries")
            out.setdefault(str(e.ref), {})["ndcg@10"] = Measurement(
                e.metrics["ndcg@10"], f"measured: nDCG@10 over {n_queries} labeled queries (95% "
                                      f"interval {low:.3f}–{high:.3f})", low, high, per_query,
                f"{queries_id}:ndcg@10", "mean", made)
    return out


def measured_from_pairs(pairs, evaluations) -> dict[str, Measured]:
    """The primary figure of a run on labeled pairs (ROC AUC for similar / not-similar labels, else
    Spearman) with its bootstrap interval and replicates: the same resamples of the pairs for every
    model, so P(best) draws them paired (a replicate a resample left undefined counts as the estimate)."""
    import math

    from hfcompare.backends.local.cpu import where_measured
    from hfcompare.retrieval.pairs import fingerprint

    metric = pairs.primary
    pairs_id = fingerprint(pairs)
    shown = {"roc_auc": "ROC AUC", "spearman": "Spearman"}[metric]
    out: dict[str, Measured] = {}
    for e in evaluations:
        value = e.scores.get(metric, math.nan) if e.ok else math.nan
        if not math.isfinite(value):
            continue
        low, high = e.intervals.get(metric, (None, None))
        replicates = tuple(float(v) if math.isfinite(v) else value for v in e.replicates.get(metric, ()))
        made = Provenance("labeled pairs", len(pairs), pairs_id, where_measured(), unit="pairs")
        interval = f" (95% interval {low:.3f}–{high:.3f})" if low is not None else ""
        out[str(e.ref)] = {f"pairs_{metric}": Measurement(
            value, f"measured: {shown} over {len(pairs)} labeled pairs{interval}", low, high, replicates,
            f"pairs:{pairs_id}:{metric}", "draw", made)}
    return out


def measured_from_arena(votes: list[dict]) -> dict[str, Measured]:
    """Arena ratings of the generation models with enough votes: the Bradley-Terry rating, its 95%
    bootstrap interval, and the bootstrap replicates (paired round by round across models, which
    P(best) draws from). A repeated battle counts once (arena.independent_votes). Models in different
    comparison groups never met, directly or through others: their ratings are on different bases."""
    import hashlib
    import json

    from hfcompare.decide.arena import Battle, independent_votes, ratings

    counted = independent_votes(votes)
    battles = [Battle(v["model_a"], v["model_b"], v["winner"]) for v in counted]
    votes_id = hashlib.sha256(json.dumps([[b.model_a, b.model_b, b.winner] for b in battles]).encode()).hexdigest()[:12]
    out: dict[str, Measured] = {}
    for model, r in ratings(battles).items():
        made = Provenance("arena", len(battles), f"{votes_id}/{r.group}", unit="votes")
        out[model] = {"arena_rating": Measurement(
            r.rating, f"measured: Arena rating {r.rating:.0f} (95% interval {_points(r.low)} to {_points(r.high)}) "
                      f"from {r.votes} of {len(battles)} blind votes", r.low, r.high, r.samples,
            f"arena:{votes_id}/{r.group}", "draw", made)}
    return out


def _points(value: float) -> str:
    return "∞" if value == float("inf") else "−∞" if value == float("-inf") else f"{value:.0f}"


def measured_from_generation(results, verdicts, prices: dict | None = None, rate=None) -> dict[str, Measured]:
    """Pass rate, median tokens/s, median latency and cost per 1,000 prompts from a generation run (cost:
    hfcompare.generation.tables.add_costs; `prices` maps references of models on Inference Providers to
    a TokenPrice or None, the others cost their measured seconds × `rate`, an HourlyRate)."""
    import hashlib
    import json

    from hfcompare.generation import tables as g

    prompts = list(dict.fromkeys(r.prompt for r in results))
    prompts_id = hashlib.sha256(json.dumps(prompts, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]
    refs = list(dict.fromkeys(r.ref for r in results))
    table = g.generation_table(results, verdicts, {ref: str(ref) for ref in refs})
    summary = g.add_costs(g.generation_summary(table), table, prices or {}, rate)
    from hfcompare.cost import Cost
    out: dict[str, Measured] = {}
    for row in summary.to_dict("records"):
        where = row.get(g.WHERE) or "this machine"
        found: Measured = {}
        rate = row.get(g.PASS_RATE)
        answers = int(row.get(g.ANSWERS) or 0)
        checked = Provenance("generation run", len(prompts), prompts_id, unit="prompts")
        timed = Provenance("generation run", len(prompts), prompts_id, where, answers, unit="prompts")
        if rate is not None:
            low, high, n = row.get(g.PASS_RATE_LOW), row.get(g.PASS_RATE_HIGH), row.get(g.CHECKED) or row[g.ANSWERS]
            found["pass_rate"] = Measurement(rate, f"measured: {rate:.0%} of {n} "
                                             f"answers passed their checks (95% interval {low:.0%}–{high:.0%}"
                                             f"{'; fewer than 20 prompts' if n < 20 else ''})", low, high,
                                             provenance=checked)
        speed, latency = row.get(g.MEDIAN_TOKENS_PER_S), row.get(g.MEDIAN_LATENCY_S)
        if speed is not None:
            found["tokens_per_s"] = Measurement(speed, f"measured: median {speed:.1f} tokens/s", provenance=timed)
        if latency is not None:
            found["latency_s"] = Measurement(latency, f"measured: median {latency:.2f} s per answer", provenance=timed)
        cost = Cost(row[g.COST_PER_1000], row[g.COST_HOW])   # the arithmetic column carries the source
        made = Provenance("generation run", len(prompts), prompts_id, where, unit="prompts")
        if cost.known:
            found["cost_per_1000"] = cost_measurement(cost, made)
        memory = memory_measurement(row[g.MODEL], "generation")
        if memory is not None:
            found["memory_mb"] = memory
        if found:
            out[row[g.MODEL]] = found
    return out


def quality_disagreement(names: list[str], chosen: str, measured: dict[str, Measured], top: list[str]) -> str:
    """A sentence when the generation quality signals order the first two candidates (`top`) differently:
    the source chosen (`chosen`) against every other source that knows both; "" when they agree."""
    if len(top) < 2:
        return ""
    a, b = top[:2]
    said = []
    for source in specs_for("generation")["quality"].sources:
        first, second = cell_for(a, source, measured), cell_for(b, source, measured)
        if first.known and second.known and first.value != second.value:
            (leader, high), low = ((a, first.value), second.value) if first.value > second.value \
                else ((b, second.value), first.value)
            said.append((source, leader, f"{SOURCE_NAMES[source].lower()} puts {leader} first "
                                         f"({_shown_quality(source, high)} against {_shown_quality(source, low)})"))
    leaders = {leader for _, leader, _ in said}
    if len(leaders) < 2 or not any(source == chosen for source, _, _ in said):
        return ""
    ordered = sorted(said, key=lambda item: item[0] != chosen)
    return ("The quality signals disagree: " + "; ".join(text for _, _, text in ordered)
            + ". The ranking uses the first; choose another source under the criterion to rank on it.")


def _shown_quality(source: str, value: float) -> str:
    return f"{value:.0%}" if source == "measured:pass_rate" else f"{value:.0f}" if "arena" in source else f"{value:g}"


def merge_measured(*parts: dict[str, Measured]) -> dict[str, Measured]:
    """Measurements from several runs; later runs win for the same metric."""
    out: dict[str, Measured] = {}
    for part in parts:
        for name, values in part.items():
            out.setdefault(name, {}).update(values)
    return out


def contribution_column(criterion: Criterion) -> str:
    """The ranking table's column for a criterion: its points in the score, not its raw value."""
    return f"{criterion.label} pts"


def status(scored: Scored, i: int) -> str:
    """Where a candidate stands: recommended, tied, ranked, or left out for lack of known values."""
    failed = scored.excluded.get(scored.names[i])
    if failed:
        return "excluded: " + "; ".join(failed)
    if not scored.eligible[i]:
        return f"not recommended: {scored.known_weight[i]:.0%} of the weight known"
    return "recommended" if scored.names[i] == scored.recommended else "candidate"


def ranking_table(scored: Scored, criteria: list[Criterion]):
    """Ranked rows: rank, model, weighted score, share of weight known, status, and each criterion's
    contribution (NaN where the value is unknown)."""
    import pandas as pd

    rows = []
    for i in scored.order():
        row = {"rank": int(scored.ranks[i]), "model": scored.names[i], "score": float(scored.scores[i]),
               "known": float(scored.known_weight[i]), "status": status(scored, i)}
        row.update({contribution_column(c): float(scored.contributions[c.key][i]) for c in criteria})
        rows.append(row)
    return pd.DataFrame(rows)


def shown_table(frame, columns: list[str], digits: int = 3, missing: str = "unknown"):
    """A copy of `frame` for display: numbers in `columns` as text, and NaN/None as `missing`."""
    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = [(missing if v is None or v != v else f"{v:.{digits}f}") for v in out[column]]
    return out


def sources_table(scored: Scored, candidates: list[Candidate], criteria: list[Criterion]):
    """Every cell: the raw value, its normalized value (1 = best), and where it came from."""
    import pandas as pd

    rows = []
    for i, candidate in enumerate(candidates):
        for c in criteria:
            cell = candidate.cells.get(c.key)
            value = candidate.value(c.key)
            rows.append({"model": candidate.name, "criterion": c.label,
                         "value": "unknown" if value is None else shown(c, value),
                         "range": f"{cell.low:.4g}–{cell.high:.4g}" if cell is not None and cell.has_range else "",
                         "normalized": scored.normalized[c.key][i],
                         "run": cell.run if cell else "",
                         "source": cell.source if cell else "unknown"})
    return pd.DataFrame(rows)


def flips_table(flips, criteria: list[Criterion]):
    """How far each weight must move (others fixed) to change the winner."""
    import pandas as pd

    labels = {c.key: c.label for c in criteria}
    return pd.DataFrame([{
        "criterion": labels[f.criterion], "weight now": f.current,
        "winner changes at": f.flips_at, "change": f.change,
        "new winner": f.new_winner or "none within range",
    } for f in flips])


def criterion_for(task: str, key: str, weight: float, source: str, anchors: dict | None = None) -> Criterion:
    """The criterion `key` with its weight and the scale of `source`, or the anchors a person set
    (`anchors`: {"worst": w, "best": b}, on the same log or linear reading)."""
    from dataclasses import replace

    spec = specs_for(task)[key]
    scale = spec.scale_for(source)
    if anchors:
        scale = replace(scale, worst=float(anchors.get("worst", scale.worst)), best=float(anchors.get("best", scale.best)))
    return replace(spec.criterion, weight=weight, scale=scale, label=SOURCE_NAMES.get(source, spec.criterion.label),
                   unit=SOURCE_UNITS.get(source, spec.criterion.unit),
                   higher_is_better=scale.higher_is_better, log_scale=scale.log)


def normalization_table(criteria: list[Criterion]):
    """How each criterion is scaled: its anchors in its own unit and its reading, for the page to show."""
    import pandas as pd

    rows = []
    for c in criteria:
        scale = c.value_scale()
        rows.append({"criterion": c.label, "better": "higher" if scale.higher_is_better else "lower",
                     "0 (worst) at": scale.worst, "1 (best) at": scale.best,
                     "reading": "yes / no" if c.binary else ("log10" if scale.log else "linear"),
                     "unit": c.unit or "-", "meaning": c.help})
    return pd.DataFrame(rows)
