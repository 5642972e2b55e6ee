"""Local generation: chat models on this machine's CPU, through llama.cpp for GGUF files (the bundled
ones, or a GGUF in the Hugging Face cache) and transformers for other Hub checkpoints; the engines
are in `backends.local.llamacpp`. The `local` backend (`backends.local.backend`) joins it with the
sentence-transformers embeddings."""

from __future__ import annotations

from typing import Iterator

from hfcompare.backends.base import Capability, GenerationBackend, GenerationParams, ModelInfo, Usage
from hfcompare.backends.local.bundled import package_version
from hfcompare.backends.local.gguf import BUNDLED
from hfcompare.backends.local.llamacpp import bundled_generation_models, gguf_for, load_generator, stream_local


class LocalGenerationBackend(GenerationBackend):
    """Generation on this machine's CPU: llama.cpp (GGUF) or transformers (Hub checkpoints)."""

    name = "local"
    capabilities = frozenset({Capability.GENERATE, Capability.STREAM, Capability.LIST_MODELS,
                              Capability.HUB_MODELS, Capability.SHARES_CPU})

    def fingerprint(self, model: str) -> str:
        bundled = next((m for m in BUNDLED if m.hub_id == model), None)
        if bundled is not None:  # named by file and package, without assembling anything
            return f"gguf:{bundled.file}:{package_version(bundled.package.replace('_', '-'))}"
        gguf = gguf_for(model)
        if gguf is not None:
            return f"gguf:{gguf.name}:{gguf.stat().st_size}"
        return "hub:main"

    def load_generator(self, model: str) -> None:
        """Load a generation model (kept out of the timed stream)."""
        load_generator(model)

    def stream(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str | Usage]:
        yield from stream_local(model, messages, params)

    def available_models(self) -> list[ModelInfo]:
        return [
            ModelInfo(id=hub_id, backend=self.name, task="generation", label=label, offline=True,
                      description=description)
            for hub_id, label, description in bundled_generation_models()
        ]
