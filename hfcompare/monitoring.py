"""Production monitoring, the brief's `trackModelPerformance(variant, satisfaction)`: your product
records each call it makes to a model, and the Monitor page shows latency, errors and satisfaction
per model and variant over time, apart from this app's own calls.

    from hfcompare import monitoring
    monitoring.track(model="BAAI/bge-small-en-v1.5", latency_s=0.42, ok=True, satisfaction=1.0,
                     variant="b", source="support-bot", tags={"region": "eu"})
    rows = monitoring.calls(since=time.time() - 3600, source="support-bot")

`track` is cheap on the caller's hot path: it puts the row on a bounded in-memory queue and returns;
a background thread writes queued rows in batches to the store (`$HFCOMPARE_HOME`). When the store
cannot be written (a full disk, a database outage), rows are dropped and counted (`dropped()`), a
warning is logged once, and `track` never raises for it. Inputs and outputs are never recorded:
only what the call cost and how it went.
"""

from __future__ import annotations

import atexit
import logging
import math
import queue
import threading
import time
from typing import Any

from hfcompare.storage.store import APP_SOURCE  # this app's own calls; production traffic names its own

#: Rows waiting to be written at most; beyond it `track` drops the row (and counts it).
MAX_QUEUE = 10_000
#: Rows written per transaction at most.
BATCH = 500
#: How long the writer waits for more rows before it writes what it has.
FLUSH_EVERY_S = 0.5

_log = logging.getLogger(__name__)


class _Writer:
    """The process's queue of rows and the thread that writes them."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[str, dict[str, Any]]] = queue.Queue(maxsize=MAX_QUEUE)
        self.dropped = 0
        self.warned = False
        self.lock = threading.Lock()
        self.idle = threading.Condition(self.lock)
        self.pending = 0
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="hfcompare-monitoring", daemon=True)
                self.thread.start()

    def put(self, row: dict[str, Any]) -> None:
        """Queue `row` for the store configured now (`store_target`), where it is written later."""
        from hfcompare.storage.store import store_target

        with self.lock:
            self.pending += 1
        try:
            item = (store_target(), row)
        except Exception as exc:  # noqa: BLE001 - e.g. $HFCOMPARE_HOME is a file: dropped, never raised
            self._lose(1, f"the store cannot be found ({type(exc).__name__})")
            return
        try:
            self.queue.put_nowait(item)
        except queue.Full:
            self._lose(1, "the queue is full (the store is slower than the calls)")
        if self.thread is None or not self.thread.is_alive():  # the lock only when the writer must start
            self.start()

    def _run(self) -> None:
        while True:
            items = [self.queue.get()]
            deadline = time.monotonic() + FLUSH_EVERY_S
            while len(items) < BATCH:
                try:
                    items.append(self.queue.get(timeout=max(0.0, deadline - time.monotonic())))
                except queue.Empty:
                    break
            by_target: dict[str, list[dict[str, Any]]] = {}
            for target, row in items:
                by_target.setdefault(target, []).append(row)
            for target, rows in by_target.items():
                self._write(target, rows)

    def _write(self, target: str, rows: list[dict[str, Any]]) -> None:
        try:
            from hfcompare.storage.store import shared_store

            shared_store(target=target).log_calls(rows)
        except Exception as exc:  # noqa: BLE001 - an outage drops rows; it never reaches the caller
            self._lose(len(rows), f"the store could not be written ({type(exc).__name__})", done=True)
            return
        self._done(len(rows))

    def _lose(self, count: int, why: str, done: bool = False) -> None:
        with self.lock:
            self.dropped += count
            first = not self.warned
            self.warned = True
        if first:
            _log.warning("hfcompare.monitoring dropped %d row(s): %s; later drops are only counted (dropped()).",
                         count, why)
        self._done(count)

    def _done(self, count: int) -> None:
        with self.lock:
            self.pending = max(0, self.pending - count)
            self.idle.notify_all()

    def flush(self, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        with self.lock:
            while self.pending:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.idle.wait(left)
        return True


_writer = _Writer()
atexit.register(lambda: _writer.flush(5.0))


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
    _writer.put(row)


def record_app_call(backend: str, model: str, task: str, latency_s: float, ok: bool,
                    error_kind: str | None = None, items: int | None = None, tokens: int | None = None,
                    tags: dict[str, Any] | None = None) -> None:
    """Queue one call this app made (the call log, `storage.calllog`): written in the background like
    `track`'s rows, so a model call never waits for the database."""
    _writer.put({"ts": time.time(), "backend": backend, "model": model, "task": task, "latency_s": float(latency_s),
                 "items": items, "tokens": tokens, "ok": bool(ok), "error_kind": error_kind, "source": APP_SOURCE,
                 "tags": tags or None})


def flush(timeout_s: float = 10.0) -> bool:
    """Wait until every tracked row is written (or dropped); False when `timeout_s` ran out first."""
    return _writer.flush(timeout_s)


def dropped() -> int:
    """Rows this process has dropped so far (queue full or store unavailable)."""
    return _writer.dropped


def calls(since: float | None = None, model: str | None = None, source: str | None = None,
          variant: str | None = None) -> list[dict[str, Any]]:
    """Recorded calls, oldest first: this process's tracked rows are written first. Each row has
    ts, model, backend, task, latency_s, ok, error_kind, source, variant, satisfaction and tags."""
    from hfcompare.storage.store import shared_store

    flush()
    rows = shared_store().calls(since, [model] if model else None, None, [source] if source else None)
    return [row for row in rows if variant is None or row["variant"] == variant]

