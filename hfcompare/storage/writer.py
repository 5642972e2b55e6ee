"""The background writer of call rows (the call log's and `hfcompare.monitoring.track`'s): a bounded
in-memory queue and a thread that writes queued rows in batches to the store configured when each row
was queued. A store that cannot be written drops rows and counts them (`WRITER.dropped`), with one
warning on the `hfcompare.monitoring` logger; nothing here ever raises to the caller.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from typing import Any

#: Rows waiting to be written at most; beyond it `track` drops the row (and counts it).
MAX_QUEUE = 10_000
#: Rows written per transaction at most.
BATCH = 500
#: How long the writer waits for more rows before it writes what it has.
FLUSH_EVERY_S = 0.5

_log = logging.getLogger("hfcompare.monitoring")   # the logger users of `track` watch


class Writer:
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


#: the process's writer
WRITER = Writer()
atexit.register(lambda: WRITER.flush(5.0))
