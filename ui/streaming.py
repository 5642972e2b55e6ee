"""Streaming work into the page: a worker thread does the work and reports what arrives; the script
thread (the only one that calls Streamlit) drains the reports and redraws `st.empty()` slots, at most
every DRAW_EVERY_S and at once when something finishes.

The worker reports through a `Feed`: `feed.piece(key, text_so_far)` and `feed.done(key, result)`,
which become the events ("piece", key, text), ("done", key, result) and, when the work returns or
raises, ("end", None, None). Model output goes into the slots as plain text (`plain_text`, the
default) or through `safe_markdown` (`as_markdown`), never as live Markdown or HTML.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any, Callable, Hashable, Mapping, TypeVar

from ui.text import safe_markdown

#: Slots are redrawn at most this often while pieces stream (a finished answer is drawn at once).
DRAW_EVERY_S = 0.15
#: How long the script thread waits for the next event before looking again.
POLL_S = 0.1

T = TypeVar("T")


class Feed:
    """What the worker reports with: it only puts events on a queue, so any thread may call it."""

    def __init__(self) -> None:
        self.events: queue.Queue = queue.Queue()

    def piece(self, key: Hashable, text: str) -> None:
        """`key`'s text so far (each piece replaces the last: pass the whole text, not the new part)."""
        self.events.put(("piece", key, text))

    def done(self, key: Hashable, result: Any) -> None:
        """`key` has finished with `result` (shown through `stream_work`'s `finished`)."""
        self.events.put(("done", key, result))

    def end(self) -> None:
        self.events.put(("end", None, None))


def plain_text(slot: Any, text: str) -> None:
    """Untrusted text as plain (monospace) text: nothing in it is rendered."""
    slot.text(text or "…")


def as_markdown(slot: Any, text: str) -> None:
    """Untrusted text through `safe_markdown`: its line breaks and code blocks, everything else as typed."""
    slot.markdown(safe_markdown(text) or "…")


def stream_work(work: Callable[[Feed], T], slots: Mapping[Hashable, Any], *,
                draw: Callable[[Any, str], None] = plain_text,
                finished: Callable[[Any], str] = str,
                on_progress: Callable[[int], None] | None = None,
                every_s: float | None = None) -> T:
    """Run `work(feed)` in a worker thread and show what it reports in `slots` ({key: st.empty()}).

    A piece's text is drawn with `draw(slot, text)`; a done result with `draw(slot, finished(result))`.
    Keys without a slot are counted but not drawn. `on_progress(done)` is called (in the script thread)
    after each redraw with how many keys are done so far. `every_s` defaults to DRAW_EVERY_S (read
    at each call, so a test may change it). Returns what `work` returned, and raises
    what it raised, once it has ended. `work` must not call Streamlit (it runs outside the script
    thread); everything resolved from Streamlit (settings, cached resources) is read before.
    """
    every_s = DRAW_EVERY_S if every_s is None else every_s
    feed = Feed()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work(feed)
        except BaseException as exc:  # noqa: BLE001 - raised again in the script thread
            outcome["error"] = exc
        finally:
            feed.end()

    worker = threading.Thread(target=run, name="hfcompare-stream", daemon=True)
    worker.start()
    done, latest, last_draw = 0, {}, 0.0
    while True:
        try:
            kind, key, payload = feed.events.get(timeout=POLL_S)
        except queue.Empty:
            kind = None
        if kind == "piece":
            latest[key] = payload
        elif kind == "done":
            done += 1
            latest[key] = finished(payload)
        if latest and (kind in ("done", "end") or time.monotonic() - last_draw >= every_s):
            for slot_key, text in latest.items():
                if slot_key in slots:
                    draw(slots[slot_key], text)
            latest, last_draw = {}, time.monotonic()
            if on_progress:
                on_progress(done)
        if kind == "end":
            break
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
