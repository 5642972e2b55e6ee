"""The weighted scorecard, as pure functions: criteria, value scales, must-haves, weights, ranking,
sensitivity.

Value scales (shown on the Scorecard page, editable there and carried by its links): each criterion
maps a raw value to 0..1 on a `ValueScale` stated in the criterion's own unit, the same whichever
candidates are compared: `worst` maps to 0, `best` to 1, linearly or (speed, size, memory, context)
on log10 in between, and values beyond an anchor are held at it. Bounded metrics use their own range
(nDCG@10 0..1, an MTEB average 0..100); speed and size run between anchors a person understands (1 ms
per text is as fast as it needs to be, the time budget per text is worthless). So a difference counts
in proportion to its size (a 0.001 nDCG lead is worth 0.001 x the weight), and adding or removing a
candidate never reorders the others. Yes/no criteria (binary) are 0 or 1.

Must-haves (`Limit`) come before weights: a candidate outside a hard limit is excluded, with the
reason, and never recommended.

A missing value is never zero by accident. With the default policy "penalize" it counts as the
worst (0): a model nobody measured cannot win on what nobody knows. With "skip" the criterion is
left out for that model and its other weights are rescaled to sum to 1. Either way a candidate is
recommended only when values are known for at least `MIN_KNOWN_WEIGHT` (75%) of the total weight;
the others are ranked after it, and their unknown contributions stay unknown (NaN), never 0.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field, replace

import numpy as np

MISSING_POLICIES = ("penalize", "skip")
DEFAULT_POLICY = "penalize"
#: A candidate is recommended only when values are known for at least this share of the total weight.
MIN_KNOWN_WEIGHT = 0.75


def finite_number(value: object) -> bool:
    """A finite real number: numpy scalars included, booleans and NaN not (for links, files, cells)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) \
        and math.isfinite(float(value))


def any_resamplable(candidates: list[Candidate]) -> bool:
    """Whether any value of these candidates rests on samples P(best) can redraw."""
    return any(cell.resamplable for c in candidates for cell in c.cells.values())


@dataclass(frozen=True)
class ValueScale:
    """Raw values -> 0..1, whichever candidates are compared: `worst` gives 0 and `best` gives 1
    (either may be the larger: lower is better when best < worst), linear or on log10 in between;
    values beyond an anchor are held at 0 or 1."""

    worst: float
    best: float
    log: bool = False

    def __post_init__(self) -> None:
        for name in ("worst", "best"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
                raise ScoringError(f"A scale's {name} anchor must be a finite number, not {value!r}.")
        if self.worst == self.best:
            raise ScoringError(f"A scale needs two different anchors (both are {self.worst:g}).")
        if self.log and (self.worst <= 0 or self.best <= 0):
            raise ScoringError("A log scale needs anchors above 0.")

    @property
    def higher_is_better(self) -> bool:
        return self.best > self.worst

    def _t(self, raw: float) -> float:
        return math.log10(raw) if self.log else raw

    def value(self, raw: float | None) -> float | None:
        """0..1 for a raw value (None for an unknown one, or a non-positive one on a log scale)."""
        if raw is None or not math.isfinite(raw) or (self.log and raw <= 0):
            return None
        share = (self._t(raw) - self._t(self.worst)) / (self._t(self.best) - self._t(self.worst))
        return min(1.0, max(0.0, share))

    def slope(self, raw: float) -> float:
        """How much 0..1 value one raw unit is worth at `raw` (inside the anchors; 0 beyond them)."""
        low, high = sorted((self.worst, self.best))
        if not low < raw < high:
            return 0.0
        span = self._t(self.best) - self._t(self.worst)
        return abs((1 / (raw * math.log(10)) if self.log else 1.0) / span)

    def describe(self, unit: str = "") -> str:
        """In words: '0 at 1,000 ms/text, 1 at 1 ms/text, on log10'."""
        unit = f" {unit}" if unit else ""
        return f"0 at {self.worst:,.6g}{unit}, 1 at {self.best:,.6g}{unit}{', on log10' if self.log else ''}"


#: The scale of a yes (1) / no (0) criterion.
BINARY = ValueScale(0.0, 1.0)


@dataclass(frozen=True)
class Criterion:
    """One thing candidates are judged on, and the scale its raw values are read on."""

    key: str
    label: str
    weight: float
    higher_is_better: bool = True
    log_scale: bool = False
    help: str = ""
    unit: str = ""
    binary: bool = False   # a yes (1) / no (0) criterion
    scale: ValueScale | None = None

    def value_scale(self) -> ValueScale:
        """The criterion's scale; a yes/no criterion without one reads 1 as best (or worst)."""
        if self.scale is not None:
            return self.scale
        if self.binary:
            return BINARY if self.higher_is_better else ValueScale(1.0, 0.0)
        raise ScoringError(f"{self.label} has no value scale: give it the raw values that count as worst and "
                           "best.")


@dataclass(frozen=True)
class Limit:
    """A must-have: a candidate whose value on `key` is above `at_most` or below `at_least` is
    excluded, whatever its score; one whose value is unknown is excluded too (nobody can say it meets
    the limit)."""

    key: str
    at_most: float | None = None
    at_least: float | None = None

    def breach(self, value: float | None, label: str, unit: str = "") -> str | None:
        """Why `value` fails the limit, or None when it meets it."""
        unit = f" {unit}" if unit else ""
        if value is None:
            return f"{label} is unknown, so the must-have cannot be checked"
        if self.at_most is not None and value > self.at_most:
            return f"{label} {figure(value)}{unit} is over the limit of {figure(self.at_most)}{unit}"
        if self.at_least is not None and value < self.at_least:
            if self.at_least == 1 and value in (0, 1):
                return f"{label}: no (a must-have)"
            return f"{label} {figure(value)}{unit} is under the limit of {figure(self.at_least)}{unit}"
        return None


def figure(value: float) -> str:
    """A number as a person reads it: 335M, 1.2B, 12.5, 1,000."""
    for size, suffix in ((1e9, "B"), (1e6, "M")):
        if abs(value) >= size:
            return f"{value / size:,.3g}{suffix}"
    return f"{value:,.4g}"


@dataclass(frozen=True)
class Cell:
    """One candidate's raw value on one criterion, and where it came from. A measured value may
    carry the range it was measured in (`low`..`high`, such as the fastest and slowest pass)."""

    value: float | None
    source: str = ""
    low: float | None = None
    high: float | None = None
    #: what the value summarizes, for resampling: per-query scores (their mean) or per-pass times
    #: (their median); `paired_on` names the set of queries, so cells measured on the same queries
    #: are resampled together (a paired bootstrap)
    samples: tuple[float, ...] = ()
    paired_on: str = ""
    statistic: str = "mean"   # "mean" of per-query scores, "median" of passes, or "draw": bootstrap replicates
    #: what a measured value was measured on (its texts' fingerprint and the hardware): values of one
    #: criterion on different bases are not alike and are never ranked as if they were ("" = not stated)
    basis: str = ""
    run: str = ""   # which run it came from, in words (Provenance.describe)

    @property
    def known(self) -> bool:
        """A finite real number (numpy scalars included; booleans are not numbers here)."""
        return finite_number(self.value)

    @property
    def resamplable(self) -> bool:
        """Whether the value carries the samples it summarizes (per-query scores, timed passes)."""
        return self.known and len(self.samples) >= 2

    def paired_with(self, other: Cell) -> bool:
        """Whether both values were measured on the same queries (compared query by query)."""
        return bool(self.paired_on) and self.paired_on == other.paired_on and \
            len(self.samples) == len(other.samples) >= 2

    def paired_test_applies(self, other: Cell) -> bool:
        """Whether a paired test over per-query scores compares the two (not for bootstrap replicates)."""
        return self.statistic == "mean" and self.paired_with(other)

    @property
    def has_range(self) -> bool:
        return self.known and self.low is not None and self.high is not None


@dataclass
class Candidate:
    name: str
    cells: dict[str, Cell] = field(default_factory=dict)

    def value(self, key: str) -> float | None:
        cell = self.cells.get(key)
        return float(cell.value) if cell is not None and cell.known else None

    def cell(self, key: str) -> Cell:
        return self.cells.get(key) or Cell(None, "unknown")


class ScoringError(ValueError):
    """Weights or criteria that cannot produce a ranking; the message says why."""


def normalize_weights(weights: dict[str, float]) -> dict[str, float]:
    """Weights scaled to sum to 1. Negative, NaN or infinite weights are refused; all zero is refused."""
    for key, weight in weights.items():
        if not isinstance(weight, (int, float)) or isinstance(weight, bool) or not math.isfinite(weight):
            raise ScoringError(f"The weight of {key} must be a number, not {weight!r}.")
        if weight < 0:
            raise ScoringError(f"The weight of {key} is negative ({weight}); weights must be 0 or more.")
    total = sum(weights.values())
    if total <= 0:
        raise ScoringError("Every weight is 0; give at least one criterion a weight.")
    return {key: weight / total for key, weight in weights.items()}


def normalize_values(values: list[float | None], scale: ValueScale) -> list[float | None]:
    """Each raw value on `scale` (0..1, 1 = best); None stays None. The result for one candidate
    does not depend on the others."""
    return [None if v is None else scale.value(float(v)) for v in values]


@dataclass
class Scored:
    """The ranking: per candidate its score, rank, normalized values and contributions.

    Candidates with values for at least `MIN_KNOWN_WEIGHT` of the weight are *eligible*: ranked
    first, and the best of them is the recommendation. The others are ranked after them.
    """

    names: list[str]
    scores: np.ndarray                  # weighted score, 0..1 (unknowns count as the policy says)
    ranks: np.ndarray                   # 1 = best; eligible candidates first; ties share the better rank
    normalized: dict[str, list[float | None]]
    contributions: dict[str, np.ndarray]  # weight x normalized value; NaN where the value is unknown
    weights: dict[str, float]           # normalized
    missing: dict[str, list[str]]       # candidate -> criteria without a value
    known_weight: np.ndarray            # share of the total weight whose value is known, 0..1
    policy: str = DEFAULT_POLICY
    excluded: dict[str, list[str]] = field(default_factory=dict)   # candidate -> must-haves it fails

    @property
    def eligible(self) -> np.ndarray:
        enough = self.known_weight >= MIN_KNOWN_WEIGHT - 1e-9
        return enough & np.array([not self.excluded.get(name) for name in self.names], dtype=bool)

    @property
    def winner(self) -> str:
        """The first candidate in the ranking (the recommendation when it is eligible)."""
        return self.names[self.order()[0]]

    @property
    def recommended(self) -> str | None:
        """The best eligible candidate, or None when no candidate has enough known values."""
        first = self.order()[0]
        return self.names[first] if self.eligible[first] else None

    def order(self) -> list[int]:
        """Candidate positions, best first: eligible candidates by score, then the others. Equal scores
        are broken by name, the one tie-break every view (ranking, explanation, flips) uses."""
        rounded = np.round(self.scores, 12)  # the same rounding as the ranks: float noise is a tie
        return sorted(range(len(self.names)), key=lambda i: (not self.eligible[i], -rounded[i], self.names[i]))

    def known_score(self, i: int) -> float:
        """The score from known values alone (unknowns at 0), the same under either policy."""
        return float(sum(self.weights[k] * v for k, values in self.normalized.items()
                         if (v := values[i]) is not None))

    def best_case(self, i: int) -> float:
        """The score if every unknown value of candidate `i` were the best (1)."""
        return self.known_score(i) + float(sum(self.weights[k] for k in self.missing[self.names[i]]))


def _ranks(scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """1 = best; eligible candidates rank before the others; equal scores share the better rank."""
    rounded = np.round(scores, 12)
    return np.array([1 + int(np.sum((eligible & ~e) | ((eligible == e) & (rounded > s))))
                     for s, e in zip(rounded, eligible)])


def exclusions(candidates: list[Candidate], limits: list[Limit], labels: dict[str, tuple[str, str]]) -> \
        dict[str, list[str]]:
    """Candidate -> the must-haves it fails, in words (`labels`: key -> (label, unit))."""
    out: dict[str, list[str]] = {}
    for candidate in candidates:
        for limit in limits:
            label, unit = labels.get(limit.key, (limit.key, ""))
            reason = limit.breach(candidate.value(limit.key), label, unit)
            if reason:
                out.setdefault(candidate.name, []).append(reason)
    return out


def score(candidates: list[Candidate], criteria: list[Criterion], missing: str = DEFAULT_POLICY,
          weights: dict[str, float] | None = None, limits: list[Limit] | None = None,
          limit_labels: dict[str, tuple[str, str]] | None = None) -> Scored:
    """Rank `candidates` on `criteria` (weights from the criteria unless `weights` overrides them);
    a candidate failing one of `limits` is excluded (ranked last, never recommended)."""
    if missing not in MISSING_POLICIES:
        raise ScoringError(f"The missing-value policy must be one of {', '.join(MISSING_POLICIES)}.")
    if not candidates:
        raise ScoringError("There is no candidate to rank.")
    if not criteria:
        raise ScoringError("There is no criterion to rank on; add one.")
    w = normalize_weights(weights if weights is not None else {c.key: c.weight for c in criteria})
    normalized = {c.key: normalize_values([m.value(c.key) for m in candidates], c.value_scale()) for c in criteria}
    n = len(candidates)
    contributions = {c.key: np.full(n, np.nan) for c in criteria}
    scores = np.zeros(n)
    known_weight = np.zeros(n)
    missing_by = {m.name: [] for m in candidates}
    for i, candidate in enumerate(candidates):
        present = {c.key: normalized[c.key][i] for c in criteria}
        missing_by[candidate.name] = [k for k, v in present.items() if v is None]
        known_weight[i] = sum(w[k] for k, v in present.items() if v is not None)
        # "skip" renormalizes over the known weight; dividing (not multiplying by its inverse) stays
        # finite for a subnormal weight
        share = 1.0 if missing != "skip" else known_weight[i] if known_weight[i] > 0 else np.inf
        for key, value in present.items():
            if value is not None:
                contributions[key][i] = w[key] * value / share
        scores[i] = float(np.nansum([contributions[k][i] for k in present])) if present else 0.0
    labels = {c.key: (c.label, c.unit) for c in criteria} | (limit_labels or {})
    excluded = exclusions(candidates, limits or [], labels)
    eligible = (known_weight >= MIN_KNOWN_WEIGHT - 1e-9) & np.array([m.name not in excluded for m in candidates])
    return Scored([m.name for m in candidates], scores, _ranks(scores, eligible), normalized, contributions, w,
                  missing_by, known_weight, missing, excluded)


def with_weight(criteria: list[Criterion], key: str, weight: float) -> list[Criterion]:
    """The same criteria with one weight changed."""
    return [replace(c, weight=weight) if c.key == key else c for c in criteria]


@dataclass
class WeightFlip:
    """How far one weight must move (others fixed) before another candidate wins."""

    criterion: str
    current: float
    flips_at: float | None       # the nearest weight at which the winner changes, None if none in range
    new_winner: str | None

    @property
    def change(self) -> float | None:
        return None if self.flips_at is None else self.flips_at - self.current


def weight_to_flip(candidates: list[Candidate], criteria: list[Criterion], missing: str = DEFAULT_POLICY,
                   upper: float | None = None, steps: int = 400, limits: list[Limit] | None = None) -> list[WeightFlip]:
    """For each criterion, the nearest weight (searched from 0 to `upper`, default three times the
    sum of all weights, then refined by bisection) at which the winner changes."""
    base = score(candidates, criteria, missing, limits=limits)
    total = sum(c.weight for c in criteria)
    upper = upper if upper is not None else 3 * max(total, 1.0)
    out = []
    for c in criteria:
        grid = np.linspace(0.0, upper, steps + 1)
        best: tuple[float, str] | None = None
        for direction in (1, -1):
            points = grid[grid > c.weight] if direction > 0 else grid[grid < c.weight][::-1]
            previous = c.weight
            for value in points:
                try:
                    winner = score(candidates, with_weight(criteria, c.key, float(value)), missing,
                                   limits=limits).winner
                except ScoringError:
                    break
                if winner != base.winner:
                    flip = _bisect(candidates, criteria, missing, c.key, previous, float(value), base.winner, limits)
                    if best is None or abs(flip - c.weight) < abs(best[0] - c.weight):
                        best = (flip, winner)
                    break
                previous = float(value)
        out.append(WeightFlip(c.key, c.weight, best[0] if best else None, best[1] if best else None))
    return out


def _bisect(candidates, criteria, missing, key, same: float, other: float, winner: str, limits=None,
            rounds: int = 30) -> float:
    for _ in range(rounds):
        middle = (same + other) / 2
        if score(candidates, with_weight(criteria, key, middle), missing, limits=limits).winner == winner:
            same = middle
        else:
            other = middle
    return other


def rank_stability(candidates: list[Candidate], criteria: list[Criterion], missing: str = DEFAULT_POLICY,
                   spread: float = 0.2, samples: int = 500, seed: int = 0,
                   limits: list[Limit] | None = None) -> np.ndarray:
    """How often each candidate lands at each rank when every weight is multiplied by a random
    factor in [1 - spread, 1 + spread]: an (n candidates, n ranks) array of shares summing to 1 per row."""
    rng = np.random.default_rng(seed)
    n = len(candidates)
    counts = np.zeros((n, n))
    base = np.array([c.weight for c in criteria], dtype=float)
    for _ in range(samples):
        factors = rng.uniform(1 - spread, 1 + spread, size=len(criteria))
        weights = {c.key: float(w) for c, w in zip(criteria, base * factors)}
        result = score(candidates, criteria, missing, weights, limits=limits)
        for position, i in enumerate(result.order()):
            counts[i, position] += 1
    return counts / samples


#: A recommendation needs the winner to come first in at least this share of resamples.
P_BEST_THRESHOLD = 0.9
#: Resamples behind P(best).
P_BEST_ROUNDS = 1000


def _resampled(candidates: list[Candidate], rng: np.random.Generator) -> list[Candidate]:
    """The candidates with every resamplable cell redrawn: cells measured on the same queries (the
    same `paired_on` and length) share one bootstrap draw of query indices, so their difference is
    resampled query by query; other cells with samples (timed passes) are redrawn on their own."""
    shared: dict[tuple[str, int], np.ndarray] = {}
    out = []
    for candidate in candidates:
        cells = {}
        for key, cell in candidate.cells.items():
            if not cell.resamplable:
                cells[key] = cell
                continue
            n = len(cell.samples)
            if cell.statistic == "draw":   # bootstrap replicates already: one round, the same for paired cells
                index = shared.setdefault((cell.paired_on or f"{candidate.name}|{key}", n, "draw"), rng.integers(0, n))
                cells[key] = replace(cell, value=float(cell.samples[int(index)]))
                continue
            if cell.paired_on:
                index = shared.setdefault((cell.paired_on, n), rng.integers(0, n, n))
            else:
                index = rng.integers(0, n, n)
            drawn = np.asarray(cell.samples, dtype=float)[index]
            value = float(np.median(drawn) if cell.statistic == "median" else np.mean(drawn))
            cells[key] = replace(cell, value=value)
        out.append(Candidate(candidate.name, cells))
    return out


def p_best(candidates: list[Candidate], criteria: list[Criterion], missing: str = DEFAULT_POLICY,
           limits: list[Limit] | None = None, rounds: int = P_BEST_ROUNDS, seed: int = 0) -> np.ndarray:
    """Each candidate's probability of ranking first, P(best): the share of `rounds` resamples of
    what its values rest on (a paired bootstrap over the queries shared by the candidates' quality
    measurements, the timed passes of each speed) in which it is the recommended one. Values without
    samples (published figures) stay as they are; a candidate that cannot be recommended (excluded,
    or too little known) has 0."""
    rng = np.random.default_rng(seed)
    wins = np.zeros(len(candidates))
    resamplable = any_resamplable(candidates)
    for _ in range(rounds if resamplable else 1):
        result = score(_resampled(candidates, rng) if resamplable else candidates, criteria, missing, limits=limits)
        first = result.order()[0]
        if result.eligible[first]:
            wins[first] += 1
    return wins / (rounds if resamplable else 1)


def not_alike(candidates: list[Candidate], criteria: list[Criterion]) -> dict[str, list[str]]:
    """The weighted criteria whose measured values were measured on different texts or hardware,
    with the candidates on each basis: {criterion key: ["X, Y on <basis>", ...]}. Ranking them as
    alike would credit a model for easier texts or a quieter machine."""
    out: dict[str, list[str]] = {}
    for c in criteria:
        if c.weight <= 0:
            continue
        groups: dict[str, list[str]] = {}
        for candidate in candidates:
            cell = candidate.cells.get(c.key)
            if cell is not None and cell.known and cell.basis:
                groups.setdefault(cell.basis, []).append(candidate.name)
        if len(groups) > 1:
            out[c.key] = [", ".join(names) for names in groups.values()]
    return out


def queries_to_separate(a: Cell, b: Cell, z: float = 1.96) -> int | None:
    """Roughly how many labeled queries (in all) a paired comparison of `a` and `b` needs for its 95%
    interval to exclude 0, from the spread of their per-query differences: (z·sd / mean)². None when
    they were not measured on the same queries, or do not differ on average."""
    if not a.paired_test_applies(b):
        return None
    diff = np.asarray(a.samples, dtype=float) - np.asarray(b.samples, dtype=float)
    mean, sd = float(diff.mean()), float(diff.std(ddof=1))
    if mean == 0 or not math.isfinite(sd):
        return None
    return max(len(diff), int(math.ceil((z * sd / abs(mean)) ** 2)))
