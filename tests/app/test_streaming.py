"""ui.streaming: work in a worker thread, drawn in the script thread (no Streamlit needed to test it)."""

from __future__ import annotations

import threading

import pytest

from ui.streaming import as_markdown, stream_work


class Slot:
    """Stands for an st.empty(): notes what was drawn in it, how, and from which thread."""

    def __init__(self) -> None:
        self.drawn: list[tuple[str, str, str]] = []

    def text(self, body: str) -> None:
        self.drawn.append(("text", body, threading.current_thread().name))

    def markdown(self, body: str) -> None:
        self.drawn.append(("markdown", body, threading.current_thread().name))


def test_pieces_and_results_are_drawn_in_their_slots_from_the_calling_thread():
    slots = {"A": Slot(), "B": Slot()}
    progress = []

    def work(feed):
        for side in ("A", "B"):
            feed.piece(side, f"{side} one")
            feed.piece(side, f"{side} one two")
        feed.piece("elsewhere", "no slot: not drawn")
        feed.done("A", {"text": "A one two three"})
        feed.done("B", {"text": ""})
        return "returned"

    result = stream_work(work, slots, finished=lambda r: r["text"], on_progress=progress.append, every_s=0)
    assert result == "returned"
    here = threading.current_thread().name
    assert all(thread == here for slot in slots.values() for _, _, thread in slot.drawn)
    assert [body for _, body, _ in slots["A"].drawn] == ["A one", "A one two", "A one two three"]
    assert [body for _, body, _ in slots["B"].drawn] == ["B one", "B one two", "…"]   # empty: a mark, not nothing
    assert all(how == "text" for slot in slots.values() for how, _, _ in slot.drawn)
    assert progress[-1] == 2 and progress == sorted(progress)


def test_between_redraws_only_the_latest_text_is_drawn():
    slot = Slot()

    def work(feed):
        for n in range(50):
            feed.piece("A", "x" * n)
        feed.done("A", "final")

    stream_work(work, {"A": slot}, every_s=float("inf"))   # pieces wait for the next redraw: the done one
    assert [body for _, body, _ in slot.drawn] == ["final"]


def test_markdown_slots_get_safe_markdown_and_a_failure_is_raised_in_the_calling_thread():
    slot = Slot()

    def work(feed):
        feed.piece("A", "![x](http://127.0.0.1:9/x.png) <b>hi</b>")
        raise RuntimeError("the work broke")

    with pytest.raises(RuntimeError, match="the work broke"):
        stream_work(work, {"A": slot}, draw=as_markdown, every_s=0)
    assert slot.drawn[0][0] == "markdown" and "\\!\\[x\\]" in slot.drawn[0][1] and "\\<b\\>" in slot.drawn[0][1]
