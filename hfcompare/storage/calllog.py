"""Every call to a model, recorded in the store for the Monitor page: backend, model, task,
latency, items and tokens, success and error class, time. Never inputs, outputs or keys.

Recording never slows or breaks a comparison: rows go to `hfcompare.monitoring`'s background
writer (a remote database's round trips stay off the model calls), and a store that cannot be
written drops them. Readers call `monitoring.flush()` first. Set HFCOMPARE_CALL_LOG=0 to switch
it off.
"""

from __future__ import annotations

import os


def enabled() -> bool:
    return os.environ.get("HFCOMPARE_CALL_LOG", "1").strip() not in {"0", "false", "no", "off"}


def record_call(backend: str, model: str, task: str, latency_s: float, ok: bool, error_kind: str | None = None,
                items: int | None = None, tokens: int | None = None) -> None:
    """Log one model call in the process's shared store (the one the pages read), in the background."""
    if not enabled():
        return
    try:
        from hfcompare.monitoring import record_app_call

        record_app_call(backend, model, task, latency_s, ok, error_kind, items, tokens)
    except Exception:  # noqa: BLE001 - monitoring must never sink the work it watches
        pass
