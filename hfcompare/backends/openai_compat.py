"""Any OpenAI-compatible server (vLLM, TGI's /v1, llama.cpp server, Ollama, LM Studio).

The official `openai` client speaks the protocol; its own retries are off so that every
backend shares one retry policy (`remote.call_with_retries`).
"""

from __future__ import annotations

from functools import cached_property
from typing import Iterator

import numpy as np

from hfcompare.backends.base import (
    BadResponseError,
    EmbeddingBackend,
    GenerationBackend,
    GenerationParams,
    ModelUnavailableError,
    Usage,
)
from hfcompare.backends.remote import (
    RemoteSettings,
    call_with_retries,
    chat_pieces,
    embed_concurrently,
    plain_answer,
    settings_from_environment,
)

#: Sent when no key is configured; local servers ignore it, the client refuses an empty key.
NO_KEY = "no-key"


def pool_token_vectors(vector: list) -> tuple[np.ndarray, bool]:
    """One vector from a server's answer: as is, or the mean of per-token vectors (True if pooled)."""
    array = np.asarray(vector, dtype=np.float32)
    if array.ndim == 2:
        return array.mean(axis=0), True
    if array.ndim != 1 or array.size == 0:
        raise BadResponseError(f"expected one vector per text, got an array of shape {array.shape}")
    return array, False


class OpenAICompatBackend(EmbeddingBackend, GenerationBackend):
    """Embeddings and streamed chat through `/v1/embeddings` and `/v1/chat/completions`."""

    name = "openai"
    needs_key = False

    def __init__(self, settings: RemoteSettings | None = None):
        self.settings = settings or settings_from_environment(self.name)
        self.pooled_token_vectors = False

    @property
    def batch_size(self) -> int:  # type: ignore[override]
        return max(1, self.settings.batch_size)

    @property
    def chunk_size(self) -> int:
        """Texts handed over per call, enough to keep every concurrent request busy."""
        return self.batch_size * max(1, self.settings.concurrency) * 2

    @property
    def where(self) -> str:
        return self.settings.public_url() or "the OpenAI-compatible server"

    @property
    def note(self) -> str:  # type: ignore[override]
        if self.pooled_token_vectors:
            return "The server returned one vector per token; hfcompare mean-pooled and normalized them."
        return ""

    @cached_property
    def client(self):
        if not self.settings.base_url:
            raise ModelUnavailableError(
                "No OpenAI-compatible server is configured: set its base URL in the sidebar (Endpoints), "
                "in HFCOMPARE_OPENAI_BASE_URL, or in the config file."
            )
        import openai

        return openai.OpenAI(
            base_url=self.settings.base_url,
            api_key=self.settings.api_key or NO_KEY,
            timeout=self.settings.timeout_s,
            max_retries=0,
        )

    def fingerprint(self, model: str) -> str:
        return f"openai|{self.settings.public_url()}"

    def load(self, model: str) -> None:
        self.client  # noqa: B018 - fails early, with a clear message, when no server is configured

    def _embed_one_batch(self, model: str, texts: list[str]) -> list[np.ndarray]:
        response = call_with_retries(
            lambda: self.client.embeddings.create(model=model, input=texts, encoding_format="float"),
            self.settings,
            self.where,
        )
        data = sorted(getattr(response, "data", None) or [], key=lambda item: item.index)
        if len(data) != len(texts):
            raise BadResponseError(f"{self.where} returned {len(data)} vectors for {len(texts)} texts")
        vectors = []
        for item in data:
            vector, pooled = pool_token_vectors(item.embedding)
            self.pooled_token_vectors |= pooled
            vectors.append(vector)
        return vectors

    def embed_batch(self, model: str, texts: list[str]) -> np.ndarray:
        vectors = embed_concurrently(texts, self.settings, lambda batch: self._embed_one_batch(model, batch))
        if len({v.shape for v in vectors}) > 1:
            raise BadResponseError(f"{self.where} returned vectors of different lengths")
        return np.stack(vectors)

    def _chat(self, model: str, messages: list[dict[str, str]], params: GenerationParams, stream: bool):
        extra = {"seed": params.seed} if params.seed is not None else {}
        if stream:
            extra["stream_options"] = {"include_usage": True}
        return call_with_retries(
            lambda: self.client.chat.completions.create(
                model=model,
                messages=messages,
                max_tokens=params.max_tokens,
                temperature=params.temperature,
                top_p=params.top_p,
                stream=stream,
                **extra,
            ),
            self.settings,
            self.where,
        )

    def stream(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str | Usage]:
        yield from chat_pieces(self._chat(model, messages, params, stream=True))

    def complete(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> tuple[str, Usage | None]:
        return plain_answer(self._chat(model, messages, params, stream=False), self.where)

    def list_models(self) -> list[str]:
        """The model ids the server offers (for the sidebar's "test connection")."""
        page = call_with_retries(lambda: self.client.models.list(), self.settings, self.where)
        return sorted(model.id for model in page)
