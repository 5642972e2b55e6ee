"""Backends turn texts into vectors; each registers under a short name."""

from __future__ import annotations

from hfcompare.backends.base import (
    AuthError,
    BackendError,
    BadResponseError,
    Capability,
    ConnectionFailedError,
    GenerationBackend,
    GenerationParams,
    ModelLoadingError,
    NotFoundError,
    RateLimitedError,
    RemoteError,
    RemoteTimeoutError,
    ServerError,
    Usage,
    EmbeddingBackend,
    ModelInfo,
    ModelLoadError,
    ModelUnavailableError,
    UnknownBackendError,
    UnsupportedTaskError,
    available_models,
    backend_names,
    backends_that_can,
    can,
    get_backend,
    register_backend,
    unregister_backend,
)
from hfcompare.backends.hf_inference import HFInferenceBackend
from hfcompare.backends.lexical import LexicalBackend
from hfcompare.backends.local import SentenceTransformersBackend
from hfcompare.backends.onnx import OnnxInt8Backend
from hfcompare.backends.openai_compat import OpenAICompatBackend
from hfcompare.backends.remote import RemoteSettings, settings_from_environment

register_backend(SentenceTransformersBackend.name, SentenceTransformersBackend)
register_backend(OnnxInt8Backend.name, OnnxInt8Backend)
register_backend(LexicalBackend.name, LexicalBackend)
register_backend(OpenAICompatBackend.name, OpenAICompatBackend, configurable=True)
register_backend(HFInferenceBackend.name, HFInferenceBackend, configurable=True)

__all__ = [
    "AuthError",
    "BackendError",
    "BadResponseError",
    "Capability",
    "ConnectionFailedError",
    "GenerationBackend",
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
