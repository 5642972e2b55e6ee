"""The backend contract, typed errors and the registry every backend joins."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator, Protocol, TypeAlias, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    from hfcompare.backends.remote.common import RemoteSettings


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


class UnsupportedTaskError(BackendError):
    """The backend lacks the capability a task needs."""

    kind = "unsupported"

    def __init__(self, name: str, capability: "Capability", able: list[str]):
        self.name, self.capability, self.able = name, capability, able
        super().__init__(f"The {name} backend cannot {capability}. Backends that can: {', '.join(able) or 'none'}.")


class ModelUnavailableError(BackendError):
    """The model cannot be reached: not bundled, not cached, and the Hub is out of reach."""

    kind = "unavailable"


class ModelLoadError(BackendError):
    """The model files were found but could not be loaded or run."""

    kind = "load failed"


class RemoteError(BackendError):
    """A call to a server failed; `kind` names the cause, `attempts` how many calls were made."""

    kind = "remote error"
    transient: ClassVar[bool] = False

    def __init__(self, message: str, attempts: int = 1, retry_after_s: float | None = None):
        super().__init__(message)
        self.attempts = attempts
        self.retry_after_s = retry_after_s


class AuthError(RemoteError):
    kind = "auth"


class NotFoundError(RemoteError):
    kind = "not found"


class RateLimitedError(RemoteError):
    kind = "rate limited"
    transient = True


class ModelLoadingError(RemoteError):
    """503: the server is loading the model or is overloaded."""

    kind = "model loading"
    transient = True


class RemoteTimeoutError(RemoteError):
    kind = "timeout"
    transient = True


class ConnectionFailedError(RemoteError):
    kind = "connection"
    transient = True


class ServerError(RemoteError):
    kind = "server error"


class BadResponseError(RemoteError):
    kind = "bad response"


class BadRequestError(RemoteError):
    kind = "bad request"


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
    #: The `ref` of another listed model this is a quantized or exported copy of: offered, but not
    #: chosen by default (the original is).
    variant_of: str = ""

    @property
    def ref(self) -> str:
        """The `backend:model` string that names this model everywhere."""
        return f"{self.backend}:{self.id}"


class Capability(StrEnum):
    """What a backend can do, declared on its class (`capabilities`) and asked with `can`."""

    EMBED = "embed texts"
    GENERATE = "generate text"
    STREAM = "stream answers piece by piece"
    LIST_MODELS = "list its models"
    REMOTE = "run on a server"
    NEEDS_KEY = "need a key"
    SPARSE = "give sparse vectors"
    HUB_MODELS = "run Hugging Face Hub models here (bundled, downloaded, or downloaded on first use)"
    #: computes on this machine's CPU: takes turns with the other local models (`backends.local.cpu`)
    SHARES_CPU = "compute on this machine's CPU, one local model at a time"


#: the capability each task needs
TASK_CAPABILITY = {"embeddings": Capability.EMBED, "generation": Capability.GENERATE}


class EmbeddingBackend(ABC):
    """Turns texts into vectors. Subclasses implement `embed_batch` and nothing else is required."""

    name: ClassVar[str] = ""
    #: what this backend can do; a class that also generates declares the union itself
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.EMBED})
    batch_size: ClassVar[int] = 32
    #: True when a text's vector depends on that text alone, so it may be cached per text.
    cacheable: ClassVar[bool] = True
    #: A one-line note shown beside results (for example how vectors are pooled).
    note: ClassVar[str] = ""

    @abstractmethod
    def embed_batch(self, model: str, texts: list[str]) -> np.ndarray:
        """Vectors for `texts`, shape (len(texts), d); need not be normalized."""

    def embed_prompted(self, model: str, texts: list[str], role: str | None, prompt: str) -> np.ndarray:
        """Vectors for `texts` embedded as `role` ("query", "document", or None for neither) with
        `prompt` before each text. Built on `embed_batch`: the prompt is prepended to each text.
        Backends that know the roles themselves (sentence-transformers) override this."""
        return self.embed_batch(model, [prompt + text for text in texts] if prompt else list(texts))

    def configured_prompts(self, model: str, load: bool = True) -> dict[str, str] | None:
        """The query and document prompts the model's own configuration names ({} when none), or None
        when this backend cannot tell. With `load=False` nothing slow (loading a model) may happen."""
        return None

    def load(self, model: str) -> None:
        """Make the model ready (download, read weights) so timing can tell load from compute."""

    def fingerprint(self, model: str) -> str:
        """What identifies the weights and variant behind `model` (a revision, a file hash)."""
        return "default"

    def available_models(self) -> list[ModelInfo]:
        """Models this backend can serve without the user naming them."""
        return []


@dataclass(frozen=True)
class Usage:
    """Token counts at the end of a generation, and who counted them: "reported" by the server or
    engine, "tokenizer" (the model's own tokenizer, here), or "chunks" (streamed chunks that carried
    text, one token each, when a server reports no usage in its stream)."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    counted: str = "reported"


@dataclass(frozen=True)
class Retried:
    """Streamed before the first piece when a call needed more than one attempt: how many, and the
    seconds spent before the attempt that succeeded (failed attempts and back-off waits), so timings
    start at that attempt."""

    attempts: int
    waited_s: float


@dataclass(frozen=True)
class GenerationParams:
    """Sampling parameters shared by every generation backend."""

    max_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = None


class GenerationBackend(ABC):
    """Streams a chat completion. Subclasses implement `stream`; timing is built on it elsewhere."""

    name: ClassVar[str] = ""
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.GENERATE, Capability.STREAM})

    @abstractmethod
    def stream(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str | Usage]:
        """Yield text pieces as they arrive, then at most one Usage (a Retried may come first)."""

    def load_generator(self, model: str) -> None:
        """Make the model ready to generate, so time to first token counts the request only."""

    def fingerprint(self, model: str) -> str:
        """What identifies the weights and variant behind `model` (a revision, a file hash)."""
        return "default"

    def available_models(self) -> list[ModelInfo]:
        """Models this backend can serve without the user naming them."""
        return []

    def complete(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> tuple[str, Usage | None]:
        """The whole answer at once (a plain, non-streamed request where the backend has one)."""
        pieces, usage = [], None
        for event in self.stream(model, messages, params):
            if isinstance(event, Usage):
                usage = event
            elif isinstance(event, str):
                pieces.append(event)
        return "".join(pieces), usage


@runtime_checkable
class Embedder(Protocol):
    """What the library calls on a backend that embeds (`EmbeddingBackend` implements it, and any
    object with these members registers as well, a test's fake for one)."""

    name: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    cacheable: ClassVar[bool]
    note: ClassVar[str]

    def embed_batch(self, model: str, texts: list[str]) -> np.ndarray: ...

    def embed_prompted(self, model: str, texts: list[str], role: str | None, prompt: str) -> np.ndarray: ...

    def configured_prompts(self, model: str, load: bool = True) -> dict[str, str] | None: ...

    def load(self, model: str) -> Any: ...

    def fingerprint(self, model: str) -> str: ...

    def available_models(self) -> list[ModelInfo]: ...


@runtime_checkable
class Generator(Protocol):
    """What the library calls on a backend that generates (`GenerationBackend` implements it)."""

    name: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]

    def stream(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str | Usage]: ...

    def load_generator(self, model: str) -> Any: ...

    def complete(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> tuple[str, Usage | None]: ...

    def fingerprint(self, model: str) -> str: ...

    def available_models(self) -> list[ModelInfo]: ...


#: A registered backend: it embeds, generates, or both (its `capabilities` say which; `can` reads them).
Backend: TypeAlias = Embedder | Generator
#: Builds a backend: no argument, or (a configurable backend) its RemoteSettings.
BackendFactory: TypeAlias = Callable[..., Backend]

_FACTORIES: dict[str, BackendFactory] = {}
_CONFIGURABLE: set[str] = set()
_INSTANCES: dict[str, Backend] = {}
_CONFIGURED: dict[tuple[str, RemoteSettings], Backend] = {}
_FROM_ENVIRONMENT: dict[tuple[str, tuple], RemoteSettings] = {}


def _environment_signature() -> tuple[tuple[tuple[str, str], ...], tuple[int, int] | None]:
    """What a configurable backend's settings are read from: the environment's HFCOMPARE_/HF_/OPENAI_
    variables and the config file's modification time (one stat, no read)."""
    import os

    from hfcompare.config import ConfigError, _config_file

    try:
        found = _config_file().stat()
        config = (found.st_mtime_ns, found.st_size)
    except (OSError, ValueError, RuntimeError, ConfigError):
        config = None
    return (tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(("HFCOMPARE_", "HF_", "OPENAI_")))),
            config)


def register_backend(name: str, factory: BackendFactory, configurable: bool = False) -> None:
    """Add (or replace) a backend under `name`; built on first use.

    A `configurable` factory takes one optional argument, the backend's settings (see
    `hfcompare.backends.remote.common.RemoteSettings`); others take none.
    """
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)
    (_CONFIGURABLE.add if configurable else _CONFIGURABLE.discard)(name)


def unregister_backend(name: str) -> None:
    """Remove a backend (tests use this to undo a registration)."""
    _FACTORIES.pop(name, None)
    _INSTANCES.pop(name, None)
    _CONFIGURABLE.discard(name)


def is_configurable(name: str) -> bool:
    """True when the backend takes settings (a server address, keys, limits)."""
    return name in _CONFIGURABLE


def backend_names() -> list[str]:
    """The registered backend names, sorted."""
    return sorted(_FACTORIES)


def can(backend: Backend, capability: Capability) -> bool:
    """Whether `backend` declares `capability`."""
    return capability in getattr(type(backend), "capabilities", frozenset())


def backends_that_can(capability: Capability) -> list[str]:
    """The registered backends that declare `capability`, sorted."""
    return [name for name in backend_names() if can(get_backend(name), capability)]


def get_backend(name: str, settings: RemoteSettings | None = None, task: str | None = None) -> Backend:
    """The backend registered as `name`, configured by `settings` when it takes any.

    Raises UnknownBackendError listing the valid names, and UnsupportedTaskError naming the backends
    that can when `task` ("embeddings" or "generation") is one this backend lacks. Without settings
    a configurable backend reads its configuration from the config file and the environment.
    """
    if name not in _FACTORIES:
        raise UnknownBackendError(name, backend_names())
    if task is not None:
        backend = get_backend(name, settings)
        needed = TASK_CAPABILITY[task]
        if not can(backend, needed):
            raise UnsupportedTaskError(name, needed, backends_that_can(needed))
        return backend
    if settings is None and name in _CONFIGURABLE:   # the environment's settings as they are now
        key = (name, _environment_signature())
        if key not in _FROM_ENVIRONMENT:   # read once per environment, not on every call (pickers call often)
            if len(_FROM_ENVIRONMENT) > 32:
                _FROM_ENVIRONMENT.clear()
            _FROM_ENVIRONMENT[key] = _FACTORIES[name]().settings
        settings = _FROM_ENVIRONMENT[key]
    if settings is not None and name in _CONFIGURABLE:
        key = (name, settings)
        if key not in _CONFIGURED:
            if len(_CONFIGURED) > 32:
                _CONFIGURED.clear()
            _CONFIGURED[key] = _FACTORIES[name](settings)
        return _CONFIGURED[key]
    if name not in _INSTANCES:
        _INSTANCES[name] = _FACTORIES[name]()
    return _INSTANCES[name]


def available_models(task: str | None = None) -> list[ModelInfo]:
    """Every model the registered backends offer, optionally for one task."""
    models: list[ModelInfo] = []
    for name in backend_names():
        backend = get_backend(name)
        if can(backend, Capability.LIST_MODELS):
            models.extend(m for m in backend.available_models() if task in (None, m.task))
    return sorted(models, key=lambda m: m.baseline)
