"""Backends turn texts into vectors; each registers under a short name."""

from __future__ import annotations

from hfcompare.backends.base import (
    BackendError,
    EmbeddingBackend,
    ModelInfo,
    ModelLoadError,
    ModelUnavailableError,
    UnknownBackendError,
    available_models,
    backend_names,
    get_backend,
    register_backend,
    unregister_backend,
)
from hfcompare.backends.lexical import LexicalBackend
from hfcompare.backends.local import SentenceTransformersBackend
from hfcompare.backends.onnx import OnnxInt8Backend

register_backend(SentenceTransformersBackend.name, SentenceTransformersBackend)
register_backend(OnnxInt8Backend.name, OnnxInt8Backend)
register_backend(LexicalBackend.name, LexicalBackend)

__all__ = [
    "BackendError",
    "EmbeddingBackend",
    "ModelInfo",
    "ModelLoadError",
    "ModelUnavailableError",
    "UnknownBackendError",
    "available_models",
    "backend_names",
    "get_backend",
    "register_backend",
    "unregister_backend",
]
