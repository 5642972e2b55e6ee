"""The backend contract, typed errors and the registry every backend joins."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np


class BackendError(Exception):
    """A model could not produce a result; the message is meant for the user."""

    kind: ClassVar[str] = "error"


class UnknownBackendError(BackendError, KeyError):
    """The backend name is not registered."""

    kind = "unknown backend"

    def __init__(self, name: str, valid: list[str]):
        self.name = name
        self.valid = valid
        super().__init__(f"Unknown backend {name!r}. Valid backends: {', '.join(valid)}.")

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.args[0]


class ModelUnavailableError(BackendError):
    """The model cannot be reached: not bundled, not cached, and the Hub is out of reach."""

    kind = "unavailable"


class ModelLoadError(BackendError):
    """The model files were found but could not be loaded or run."""

    kind = "load failed"


@dataclass(frozen=True)
class ModelInfo:
    """One model a backend offers, as listed by the UI and `python -m hfcompare models`."""

    id: str
    backend: str
    task: str
    label: str
    offline: bool
    description: str = ""
    dimensions: int | None = None
    #: A reference row (such as TF-IDF) rather than a model; listed after the models.
    baseline: bool = False

    @property
    def ref(self) -> str:
        """The `backend:model` string that names this model everywhere."""
        return f"{self.backend}:{self.id}"


class EmbeddingBackend(ABC):
    """Turns texts into vectors. Subclasses implement `embed_batch` and nothing else is required."""

    name: ClassVar[str] = ""
    task: ClassVar[str] = "embeddings"
    needs_key: ClassVar[bool] = False
    batch_size: ClassVar[int] = 32
    #: True when a text's vector depends on that text alone, so it may be cached per text.
    cacheable: ClassVar[bool] = True
    #: A one-line note shown beside results (for example how vectors are pooled).
    note: ClassVar[str] = ""

    @abstractmethod
    def embed_batch(self, model: str, texts: list[str]) -> np.ndarray:
        """Vectors for `texts`, shape (len(texts), d); need not be normalized."""

    def load(self, model: str) -> None:
        """Make the model ready (download, read weights) so timing can tell load from compute."""

    def fingerprint(self, model: str) -> str:
        """What identifies the weights and variant behind `model` (a revision, a file hash)."""
        return "default"

    def available_models(self) -> list[ModelInfo]:
        """Models this backend can serve without the user naming them."""
        return []


_FACTORIES: dict[str, Callable[[], EmbeddingBackend]] = {}
_INSTANCES: dict[str, EmbeddingBackend] = {}


def register_backend(name: str, factory: Callable[[], EmbeddingBackend]) -> None:
    """Add (or replace) a backend under `name`; it is built on first use."""
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)


def unregister_backend(name: str) -> None:
    """Remove a backend (tests use this to undo a registration)."""
    _FACTORIES.pop(name, None)
    _INSTANCES.pop(name, None)


def backend_names() -> list[str]:
    """The registered backend names, sorted."""
    return sorted(_FACTORIES)


def get_backend(name: str) -> EmbeddingBackend:
    """The backend registered as `name`; raises UnknownBackendError listing the valid names."""
    if name not in _FACTORIES:
        raise UnknownBackendError(name, backend_names())
    if name not in _INSTANCES:
        _INSTANCES[name] = _FACTORIES[name]()
    return _INSTANCES[name]


def available_models(task: str | None = None) -> list[ModelInfo]:
    """Every model the registered backends offer, optionally for one task."""
    models: list[ModelInfo] = []
    for name in backend_names():
        models.extend(m for m in get_backend(name).available_models() if task in (None, m.task))
    return sorted(models, key=lambda m: m.baseline)
