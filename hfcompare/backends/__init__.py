"""Backends turn texts into vectors; each registers under a short name."""

from __future__ import annotations

from hfcompare.backends.base import (
    AuthError,
    Backend,
    BackendError,
    BadResponseError,
    Capability,
    ConnectionFailedError,
    Embedder,
    EmbeddingBackend,
    GenerationBackend,
    GenerationParams,
    Generator,
    ModelInfo,
    ModelLoadError,
    ModelLoadingError,
    ModelUnavailableError,
    NotFoundError,
    RateLimitedError,
    RemoteError,
    RemoteTimeoutError,
    ServerError,
    UnknownBackendError,
    UnsupportedTaskError,
    Usage,
    available_models,
    backend_names,
    backends_that_can,
    can,
    get_backend,
    register_backend,
    unregister_backend,
)
from hfcompare.backends.local.backend import LocalBackend
from hfcompare.backends.local.lexical import LexicalBackend
from hfcompare.backends.local.onnx import OnnxInt8Backend
from hfcompare.backends.remote.common import RemoteSettings, settings_from_environment
from hfcompare.backends.remote.hf_inference import HFInferenceBackend
from hfcompare.backends.remote.openai_compat import OpenAICompatBackend

register_backend(LocalBackend.name, LocalBackend)
register_backend(OnnxInt8Backend.name, OnnxInt8Backend)
register_backend(LexicalBackend.name, LexicalBackend)
register_backend(OpenAICompatBackend.name, OpenAICompatBackend, configurable=True)
register_backend(HFInferenceBackend.name, HFInferenceBackend, configurable=True)

__all__ = [
    "AuthError",
    "Backend",
    "BackendError",
    "BadResponseError",
    "Capability",
    "ConnectionFailedError",
    "GenerationBackend",
    "Generator",
    "GenerationParams",
    "ModelLoadingError",
    "NotFoundError",
    "RateLimitedError",
    "RemoteError",
    "RemoteSettings",
    "RemoteTimeoutError",
    "ServerError",
    "Usage",
    "settings_from_environment",
    "Embedder",
    "EmbeddingBackend",
    "ModelInfo",
    "ModelLoadError",
    "ModelUnavailableError",
    "UnknownBackendError",
    "UnsupportedTaskError",
    "available_models",
    "backend_names",
    "backends_that_can",
    "can",
    "get_backend",
    "register_backend",
    "unregister_backend",
]
