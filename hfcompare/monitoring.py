"""Production monitoring, the brief's `trackModelPerformance(variant, satisfaction)`: your product
records each call it makes to a model, and the Monitor page shows latency, errors and satisfaction
per model and variant over time, apart from this app's own calls.

    from hfcompare import monitoring
    monitoring.track(model="BAAI/bge-small-en-v1.5", latency_s=0.42, ok=True, satisfaction=1.0,
                     variant="b", source="support-bot", tags={"region": "eu"})
    rows = monitoring.calls(since=time.time() - 3600, source="support-bot")

`track` is cheap on the caller's hot path: it puts the row on a bounded in-memory queue and returns;
a background thread (`hfcompare.storage.writer`) writes queued rows in batches to the store
(`$HFCOMPARE_HOME`). When the store cannot be written (a full disk, a database outage), rows are dropped and counted (`dropped()`), a
warning is logged once, and `track` never raises for it. Inputs and outputs are never recorded:
only what the call cost and how it went.
"""

from __future__ import annotations

import math
import time
from typing import Any

from hfcompare.storage.store import APP_SOURCE  # this app's own calls; production traffic names its own
from hfcompare.storage.writer import WRITER


def _number(value: Any, name: str, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must lie between {low} and {high}, not {value!r}")
    return float(value)


def _text(value: Any, name: str, limit: int = 200) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ValueError(f"{name} must be a non-empty text of at most {limit} characters, not {value!r}")
    return value.strip()


def track(model: str, latency_s: float, ok: bool = True, satisfaction: float | None = None,
          variant: str | None = None, source: str = "production", tags: dict[str, str] | None = None,
          backend: str = "production", task: str = "generation", error_kind: str | None = None,
          ts: float | None = None) -> None:
    """Record one call your product made to `model`: its latency, whether it worked, the user's
    satisfaction (0 to 1) and the A/B variant when known, where it came from (`source`) and a few
    tags. Never the prompt or the answer. Returns at once; the row is written in the background.

    Arguments that cannot be right (a negative latency, a satisfaction of 3) raise ValueError, at
    once; a store that cannot be written never raises (see the module's docstring)."""
    row = {
        "ts": time.time() if ts is None else _number(ts, "ts", 0),
        "model": _text(model, "model"),
        "latency_s": _number(latency_s, "latency_s", 0),
        "ok": bool(ok),
        "satisfaction": None if satisfaction is None else _number(satisfaction, "satisfaction", 0, 1),
        "variant": None if variant is None else _text(variant, "variant", 100),
        "source": _text(source, "source", 100),
        "backend": _text(backend, "backend", 100),
        "task": _text(task, "task", 100),
        "error_kind": None if error_kind is None else _text(error_kind, "error_kind", 100),
        "tags": {_text(k, "a tag's name", 100): str(v)[:200] for k, v in (tags or {}).items()} or None,
    }
    if row["source"] == APP_SOURCE:
        raise ValueError(f"the source {APP_SOURCE!r} is this app's own; name your product's")
    WRITER.put(row)


def flush(timeout_s: float = 10.0) -> bool:
    """Wait until every tracked row is written (or dropped); False when `timeout_s` ran out first."""
    return WRITER.flush(timeout_s)


def dropped() -> int:
    """Rows this process has dropped so far (queue full or store unavailable)."""
    return WRITER.dropped


def calls(since: float | None = None, model: str | None = None, source: str | None = None,
          variant: str | None = None) -> list[dict[str, Any]]:
    """Recorded calls, oldest first: this process's tracked rows are written first. Each row has
    ts, model, backend, task, latency_s, ok, error_kind, source, variant, satisfaction and tags."""
    from hfcompare.storage.store import shared_store

    flush()
    rows = shared_store().calls(since, [model] if model else None, None, [source] if source else None)
    return [row for row in rows if variant is None or row["variant"] == variant]

