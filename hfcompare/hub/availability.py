"""Where a model can run from this machine, now: bundled with the app (offline), already in the
Hugging Face cache (offline), on this machine once downloaded (needs the Hub), or on a server set
up in the Endpoints panel. Offline, only the first two run; the answer says what would make the
others run."""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from hfcompare.backends import Capability, available_models, backend_names, backends_that_can, can, get_backend
from hfcompare.backends.base import TASK_CAPABILITY
from hfcompare.refs import ModelRef


class Where(StrEnum):
    BUNDLED = "bundled"
    DOWNLOADED = "downloaded"
    HUB = "hub"
    SERVER = "server"
    NO_SERVER = "no server"


LABELS = {
    Where.BUNDLED: "bundled (offline)",
    Where.DOWNLOADED: "downloaded (offline)",
    Where.HUB: "here once downloaded (needs the Hub)",
    Where.SERVER: "on your server (Endpoints)",
    Where.NO_SERVER: "on a server (none set up)",
}


@dataclass(frozen=True)
class Availability:
    """Where `ref` runs, whether it can run now, and what would make it run ("" when it can)."""

    ref: ModelRef
    where: Where
    runs_now: bool
    fix: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.where] + ("" if self.runs_now else ": not now")


def bundled_refs(task: str) -> set[str]:
    """The `backend:model` references that ship with the app for `task` and run offline."""
    return {m.ref for m in available_models(task) if m.offline}


def hub_cache_dir() -> Path:
    """The Hugging Face cache huggingface_hub reads ($HF_HUB_CACHE, or $HF_HOME/hub)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
    return Path(home) / "hub"


def in_hub_cache(model_id: str) -> bool:
    """True when a snapshot of `model_id` is in the Hugging Face cache (downloaded before)."""
    snapshots = hub_cache_dir() / ("models--" + model_id.replace("/", "--")) / "snapshots"
    try:
        return any(folder.is_dir() and any(folder.iterdir()) for folder in snapshots.iterdir())
    except OSError:
        return False


def _hub_up() -> bool:
    from hfcompare.backends.hub import hub_reachable

    return hub_reachable()


def best_availability(model_id: str, task: str, settings: dict[str, Any] | None = None, hub_up: bool = False,
                      server_models: list[str] = ()) -> Availability:
    """Where a Hub model id (a Discover row) runs best from here: locally when it can (bundled,
    downloaded, or the Hub reachable), else on a server that lists it or a Hugging Face endpoint that
    is set up, else locally once the Hub can be reached (with what would make it run)."""
    local = availability(ModelRef("local", model_id), task, settings, hub_up)
    if local.runs_now:
        return local
    for ref in server_models:
        backend, _, model = ref.partition(":")
        if model == model_id:
            return Availability(ModelRef(backend, model_id), Where.SERVER, True)
    hf = (settings or {}).get("hf")
    if getattr(hf, "base_url", None) or (getattr(hf, "api_key", None) and hub_up):
        return Availability(ModelRef("hf", model_id), Where.SERVER, True)
    return local


def availability(ref: ModelRef, task: str, settings: dict[str, Any] | None = None,
                 hub_up: bool | None = None) -> Availability:
    """Where `ref` runs for `task` from here. `settings` are the remote backends' (from the Endpoints
    panel); `hub_up` whether the Hub answers (asked only when it matters and not given)."""
    if ref.backend not in backend_names():
        return Availability(ref, Where.NO_SERVER, False, f"{ref.backend!r} is not a backend here; backends: "
                                                          f"{', '.join(backend_names())}.")
    backend = get_backend(ref.backend)
    if can(backend, Capability.REMOTE):
        chosen = (settings or {}).get(ref.backend)
        if getattr(chosen, "base_url", None):
            return Availability(ref, Where.SERVER, True)
        if can(backend, Capability.NEEDS_KEY) and getattr(chosen, "api_key", None):  # a hosted service
            hub_up = _hub_up() if hub_up is None else hub_up
            return Availability(ref, Where.SERVER, hub_up, "" if hub_up else
                                "Its service is on the internet, which this machine cannot reach now.")
        local = [b for b in backends_that_can(TASK_CAPABILITY[task]) if not can(get_backend(b), Capability.REMOTE)]
        return Availability(ref, Where.NO_SERVER, False,
                            f"Set up a {ref.backend} server (Endpoints in the app, --base-url on the command line, "
                            f"or the config file), or run it with a local backend: {', '.join(local)}.")
    if str(ref) in bundled_refs(task) or not can(backend, Capability.HUB_MODELS):
        return Availability(ref, Where.BUNDLED, True)  # a backend that needs no download (TF-IDF) runs all it has
    if in_hub_cache(ref.model):
        return Availability(ref, Where.DOWNLOADED, True)
    if _hub_up() if hub_up is None else hub_up:
        return Availability(ref, Where.HUB, True)
    return Availability(ref, Where.HUB, False,
                        "It is not bundled and not downloaded, and the Hub cannot be reached: connect to the "
                        f"internet, or download it where the Hub is reachable (`hf download {ref.model}`) and copy "
                        "the Hugging Face cache here, or run it on a server (Endpoints).")
