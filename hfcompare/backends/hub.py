"""Whether the Hugging Face Hub can be reached, asked once a minute with a short timeout, and whether
public mode lets a local model be fetched from it: what the local and Hub backends ask before they
download.

transformers retries an unreachable Hub for more than a minute per model; asking first lets an
offline machine fail in seconds with a message that says what to do.
"""

from __future__ import annotations

import os
import time

_PROBE_TTL_S = 60.0
_last_probes: dict[str, tuple[float, bool]] = {}


def hub_endpoint() -> str:
    """The Hub address in use (`HF_ENDPOINT` moves it, as in huggingface_hub)."""
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def hub_offline_forced() -> bool:
    """True when the user asked huggingface_hub to stay offline."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def hub_reachable(timeout_s: float = 3.0) -> bool:
    """True when the Hub answers any HTTP request within `timeout_s`."""
    if hub_offline_forced():
        return False
    endpoint = hub_endpoint()
    now = time.monotonic()
    last = _last_probes.get(endpoint)
    if last is not None and now - last[0] < _PROBE_TTL_S:
        return last[1]
    import requests

    try:
        requests.head(endpoint + "/api/models", timeout=timeout_s)
        reachable = True
    except requests.RequestException:
        reachable = False
    _last_probes[endpoint] = (now, reachable)
    return reachable


def public_refusal(model: str) -> str | None:
    """In public mode, why the local model `model` (not bundled: the callers check that first) may
    not be loaded: the operator did not allow it (HFCOMPARE_ALLOWED_MODELS). None outside public
    mode or for an allowed model. Neither a download nor a file of this disk is opened for it."""
    from hfcompare.config import ALLOWED_MODELS_ENV, public_mode
    from hfcompare.refs import allowed_models

    if not public_mode() or f"local:{model}" in allowed_models():
        return None
    return (f"This app runs in public mode: it loads only the models bundled with it or allowed by its operator "
            f"({ALLOWED_MODELS_ENV}); {model} is neither, so it was not downloaded or opened.")


def refuse_in_public_mode(model: str) -> None:
    """Raise ModelUnavailableError with `public_refusal`'s reason, if there is one."""
    from hfcompare.backends.base import ModelUnavailableError

    reason = public_refusal(model)
    if reason:
        raise ModelUnavailableError(reason)


def unavailable_message(model: str) -> str:
    """The message for a Hub model that is neither bundled nor cached while the Hub is out of reach."""
    return (
        f"{model} is not bundled with hfcompare and is not in the local Hugging Face cache, "
        f"and the Hub ({hub_endpoint()}) cannot be reached from this machine. "
        f"Connect to the internet and run again, or download it once where the Hub is reachable "
        f"(`hf download {model}`) and copy the Hugging Face cache (HF_HOME) here."
    )
