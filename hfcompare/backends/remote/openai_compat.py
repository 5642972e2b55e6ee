"""Any OpenAI-compatible server (vLLM, TGI's /v1, llama.cpp server, Ollama, LM Studio).

The official `openai` client speaks the protocol; its own retries are off so that every
backend shares one retry policy (`remote.call_with_retries`); with replicas, each try goes to the next
server (`remote.call_on_replicas`).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import Iterator

from hfcompare.backends.base import BadResponseError, GenerationParams, ModelUnavailableError, Usage
from hfcompare.backends.remote.common import (
    NO_KEY,
    RemoteBackend,
    call_on_replicas,
    call_with_retries,
    check_base_url,
    plain_answer,
    public_url,
    streamed_chat,
)



class OpenAICompatBackend(RemoteBackend):
    """Embeddings and streamed chat through `/v1/embeddings` and `/v1/chat/completions`."""

    name = "openai"

    @property
    def where(self) -> str:
        return self.settings.public_url() or "the OpenAI-compatible server"

    @cached_property
    def _clients(self) -> dict:
        return {}

    def _client(self, url: str | None):
        """The client for one base URL (the first, or a replica), made once."""
        if not url:
            raise ModelUnavailableError(
                "No OpenAI-compatible server is configured: give its base URL (Endpoints in the app, "
                "--base-url on the command line, base_url= in Python), or set HFCOMPARE_OPENAI_BASE_URL or the "
                "config file."
            )
        if url not in self._clients:
            check_base_url(replace(self.settings, base_url=url, replicas=()))
            import openai

            self._clients[url] = openai.OpenAI(base_url=url, api_key=self.settings.key_for(url) or NO_KEY,
                                               timeout=self.settings.timeout_s, max_retries=0)
        return self._clients[url]

    @property
    def client(self):
        """The first server's client (listing models, checks)."""
        return self._client(self.settings.base_url)

    def _where(self, url: str | None) -> str:
        return public_url(url) if url else self.where

    def fingerprint(self, model: str) -> str:
        return f"openai|{self.settings.public_url()}"

    def load(self, model: str) -> None:
        for url in self.settings.urls() or [None]:  # fails early, with a clear message, when none is configured
            self._client(url)

    def _embed_one_batch(self, model: str, texts: list[str]) -> list:
        response = call_on_replicas(
            lambda url: self._client(url).embeddings.create(model=model, input=texts, encoding_format="float"),
            self.settings,
            self._where,
        )
        data = sorted(getattr(response, "data", None) or [], key=lambda item: item.index)
        if len(data) != len(texts):
            raise BadResponseError(f"{self.where} returned {len(data)} vectors for {len(texts)} texts")
        return [item.embedding for item in data]

    def _chat(self, model: str, messages: list[dict[str, str]], params: GenerationParams, stream: bool, log=None):
        extra = {"seed": params.seed} if params.seed is not None else {}
        if stream:
            extra["stream_options"] = {"include_usage": True}
        return call_on_replicas(
            lambda url: self._client(url).chat.completions.create(
                model=model,
                messages=messages,
                max_tokens=params.max_tokens,
                temperature=params.temperature,
                top_p=params.top_p,
                stream=stream,
                **extra,
            ),
            self.settings,
            self._where,
            log=log,
        )

    def stream(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str | Usage]:
        yield from streamed_chat(lambda log: self._chat(model, messages, params, stream=True, log=log),
                                 self.settings, self.where)

    def complete(self, model: str, messages: list[dict[str, str]],
                 params: GenerationParams) -> tuple[str, Usage | None]:
        return plain_answer(self._chat(model, messages, params, stream=False), self.where)

    def list_models(self) -> list[str]:
        """The model ids the server offers (for the sidebar's "test connection")."""
        page = call_with_retries(lambda: self.client.models.list(), self.settings, self.where)
        return sorted(model.id for model in page)
