"""The `local` backend: this machine's CPU, for both tasks. Embeddings come from
`SentenceTransformersBackend` (backends.local.sentence_transformer), generation from
`LocalGenerationBackend` (backends.local.generation); one name, one CPU budget (`backends.local.cpu`)."""

from __future__ import annotations

from hfcompare.backends.base import ModelInfo
from hfcompare.backends.local.generation import LocalGenerationBackend
from hfcompare.backends.local.sentence_transformer import SentenceTransformersBackend, bundled_sentence_transformer


class LocalBackend(SentenceTransformersBackend, LocalGenerationBackend):
    """Sentence-transformers embeddings and llama.cpp/transformers generation under one name."""

    name = "local"
    capabilities = SentenceTransformersBackend.capabilities | LocalGenerationBackend.capabilities

    def fingerprint(self, model: str) -> str:
        """A bundled sentence-transformers model by its package; any other model as a generation
        model would be named (a GGUF file, else the Hub's main revision)."""
        if bundled_sentence_transformer(model) is not None:
            return SentenceTransformersBackend.fingerprint(self, model)
        return LocalGenerationBackend.fingerprint(self, model)

    def available_models(self) -> list[ModelInfo]:
        """The bundled generation models, then the installed bundled embedding models."""
        return LocalGenerationBackend.available_models(self) + SentenceTransformersBackend.available_models(self)
