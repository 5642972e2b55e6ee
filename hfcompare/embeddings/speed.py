"""Embedding speed as a measurement with its spread: the median of several timed passes over a
fixed sample of texts, after an untimed warm-up, with the fastest and slowest pass."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable

from hfcompare.backends.local.cpu import now_iso

#: The clock timed passes read; tests replace it with a scripted one (never wall time).
clock: Callable[[], float] = time.perf_counter


@dataclass(frozen=True)
class SpeedStats:
    """Milliseconds per text over `passes` timed passes of `n_texts` texts each."""

    median_ms: float
    low_ms: float  # the fastest pass
    high_ms: float  # the slowest pass
    passes: int
    n_texts: int  # texts per pass
    where: str  # e.g. "CPU, 2 cores"
    measured_at: str  # ISO-8601 UTC, seconds
    this_run: bool  # measured in this call (False: remembered from an earlier run)
    pass_ms: tuple[float, ...] = ()  # ms per text of each timed pass (for resampling the median)
    texts_id: str = ""  # the timed texts' fingerprint (texts_fingerprint): same id, same texts

    @classmethod
    def from_pass_seconds(cls, seconds: list[float], n_texts: int, where: str, measured_at: str | None = None,
                          this_run: bool = True, texts_id: str = "") -> SpeedStats:
        """Stats from the duration of each pass (seconds for `n_texts` texts)."""
        if not seconds or n_texts < 1:
            raise ValueError("speed needs at least one pass over at least one text")
        ms = [1000.0 * s / n_texts for s in seconds]
        return cls(float(statistics.median(ms)), float(min(ms)), float(max(ms)), len(ms), int(n_texts), where,
                   measured_at or now_iso(), this_run, tuple(float(v) for v in ms), texts_id)

    @property
    def range_text(self) -> str:
        """Fastest to slowest pass in ms/text, e.g. "6.80–7.52" (two significant digits below 0.1 ms)."""
        spec = ".2f" if self.high_ms >= 0.1 else ".2g"
        return f"{self.low_ms:{spec}}–{self.high_ms:{spec}}"

    @property
    def passes_text(self) -> str:
        """e.g. "5 × 20 texts"."""
        return f"{self.passes} × {self.n_texts} text{'s' if self.n_texts != 1 else ''}"

    def overlaps(self, other: SpeedStats) -> bool:
        """Whether the two ranges (closed intervals, low to high) share any value."""
        return self.low_ms <= other.high_ms and other.low_ms <= self.high_ms

    def remembered(self) -> SpeedStats:
        """The same stats, marked as coming from an earlier run."""
        return SpeedStats(self.median_ms, self.low_ms, self.high_ms, self.passes, self.n_texts, self.where,
                          self.measured_at, False, self.pass_ms, self.texts_id)

    def to_record(self) -> dict[str, Any]:
        """A plain dict for the cache (this_run is not stored: a stored record is always from earlier)."""
        return {"ms_per_text": self.median_ms, "low_ms": self.low_ms, "high_ms": self.high_ms,
                "passes": self.passes, "n_texts": self.n_texts, "where": self.where, "measured_at": self.measured_at,
                "pass_ms": list(self.pass_ms), "texts_id": self.texts_id}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> SpeedStats:
        """Stats from a cache record; an old record (one cold pass, epoch time) loads as a single pass."""
        median = float(record["ms_per_text"])
        when = record.get("measured_at")
        if isinstance(when, (int, float)):
            when = datetime.fromtimestamp(when, timezone.utc).isoformat(timespec="seconds")
        return cls(median, float(record.get("low_ms", median)), float(record.get("high_ms", median)),
                   int(record.get("passes", 1)), int(record.get("n_texts", 0)), str(record.get("where", "")),
                   str(when or ""), False, tuple(float(v) for v in record.get("pass_ms") or ()),
                   str(record.get("texts_id") or ""))


def texts_fingerprint(texts: list[str], *options: str) -> str:
    """A short id of exactly these texts (in order) and the options they were embedded with (role,
    prompt): two speeds with the same id were timed on the same input."""
    import hashlib

    digest = hashlib.sha256(json.dumps([list(texts), list(options)], ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:12]


def sample_texts(texts: list[str], size: int) -> list[str]:
    """Up to `size` distinct texts, evenly spaced over the input (same input, same sample)."""
    distinct = list(dict.fromkeys(texts))
    if len(distinct) <= size:
        return distinct
    step = len(distinct) / size
    return [distinct[int(i * step)] for i in range(size)]


def timed_passes(run: Callable[[list[str]], float], sample: list[str], passes: int,
                 budget_s: float | None = None, at_least: int | None = None) -> list[float]:
    """Seconds of each of `passes` calls of `run(sample)` (which returns its own duration),
    after one untimed warm-up call; once the timed passes add up to `budget_s` (default
    SPEED_BUDGET_S), it stops after `at_least` of them (default MIN_SPEED_PASSES)."""
    from hfcompare.config import MIN_SPEED_PASSES, SPEED_BUDGET_S

    budget_s = SPEED_BUDGET_S if budget_s is None else budget_s
    at_least = MIN_SPEED_PASSES if at_least is None else at_least
    run(sample)
    seconds: list[float] = []
    while len(seconds) < passes and not (len(seconds) >= at_least and sum(seconds) >= budget_s):
        seconds.append(run(sample))
    return seconds
