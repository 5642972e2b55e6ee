"""Every call to a model, recorded in the store for the Monitor page: backend, model, task,
latency, items and tokens, success and error class, time. Never inputs, outputs or keys.

Recording never slows or breaks a comparison: rows go to the background writer shared with
`hfcompare.monitoring.track` (`hfcompare.storage.writer`: a remote database's round trips stay off
the model calls), and a store that cannot be written drops them. Readers call `monitoring.flush()` first. Set HFCOMPARE_CALL_LOG=0 to switch
it off.
"""

from __future__ import annotations

import os
import time


def enabled() -> bool:
    return os.environ.get("HFCOMPARE_CALL_LOG", "1").strip() not in {"0", "false", "no", "off"}


#: Why a call was made (its tags' "purpose"): work a person asked for (embedding their texts,
#: answering their prompts, a battle) ...
WORK = "work"
#: ... or a measurement of the model itself (the embedding speed passes), which the Monitor leaves
#: out by default: it is not traffic.
SPEED_PASS = "speed pass"
MEASUREMENT_PURPOSES = (SPEED_PASS,)


def record_call(backend: str, model: str, task: str, latency_s: float, ok: bool, error_kind: str | None = None,
                items: int | None = None, tokens: int | None = None, purpose: str = WORK,
                timing: dict[str, float | int | None] | None = None) -> None:
    """Log one model call in the process's shared store (the one the pages read), in the background.
    `timing` adds a generation's ttft_s, decode_tokens, decode_s and threads (see generation.timing),
    so the Monitor's tokens/s is the Generation page's."""
    if not enabled():
        return
    try:
        from hfcompare.storage.store import APP_SOURCE
        from hfcompare.storage.writer import WRITER

        tags = {"purpose": purpose} | {k: v for k, v in (timing or {}).items() if v is not None}
        WRITER.put({"ts": time.time(), "backend": backend, "model": model, "task": task, "latency_s": float(latency_s),
                    "items": items, "tokens": tokens, "ok": bool(ok), "error_kind": error_kind, "source": APP_SOURCE,
                    "tags": tags or None})
    except Exception:  # noqa: BLE001 - monitoring must never sink the work it watches
        pass
