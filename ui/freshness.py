"""Results that match the inputs on screen. A run keeps a summary of the inputs it ran on; when the
inputs change afterwards, its results stay on screen dimmed, under a note that says they are for the
previous inputs and what changed. A run that fails drops the results of the run before, so its
error never sits above another run's results."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import streamlit as st

from ui.text import literal

STALE_RESULTS = ("These results are for the previous inputs ({changes}). Press Run to bring them up to "
                 "date; until then they are dimmed.")

#: How many names a change lists before it counts the rest.
MAX_NAMED = 3


def _named(items: list[str]) -> str:
    shown = ", ".join(literal(str(i)) for i in items[:MAX_NAMED])
    return shown + (f" and {len(items) - MAX_NAMED} more" if len(items) > MAX_NAMED else "")


def what_changed(previous: dict[str, Any], current: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """The differences between two input summaries, in words (`labels` names each input): models
    added and removed by name, other lists by how many items differ, other values as changed."""
    changes = []
    for key, label in labels.items():
        before, now = previous.get(key), current.get(key)
        if before == now:
            continue
        if key == "models":
            added = [m for m in now or [] if m not in (before or [])]
            removed = [m for m in before or [] if m not in (now or [])]
            parts = ([f"added {_named(added)}"] if added else []) + ([f"removed {_named(removed)}"] if removed else [])
            changes.append(f"{label}: " + "; ".join(parts or ["reordered"]))
        elif isinstance(before, list) and isinstance(now, list):
            differ = sum(a != b for a, b in zip(before, now)) + abs(len(before) - len(now))
            changes.append(f"{label}: {differ} of {max(len(before), len(now))} changed")
        else:
            changes.append(f"{label} changed")
    return changes


@contextmanager
def results_for(previous: dict[str, Any], current: dict[str, Any], labels: dict[str, str],
                key: str) -> Iterator[bool]:
    """Draw results inside; when `current` inputs differ from the `previous` ones the results ran on,
    they are dimmed under a note saying what changed. Yields whether they are stale."""
    changes = what_changed(previous, current, labels)
    if changes:
        st.warning(STALE_RESULTS.format(changes="; ".join(changes)), icon="🕰️")
        # our own fixed CSS (no user text): dim the block that holds the old results
        st.html(f"<style>.st-key-{key} {{ opacity: 0.45; }}</style>")
    with st.container(key=key):
        yield bool(changes)
