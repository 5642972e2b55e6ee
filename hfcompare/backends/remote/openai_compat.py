"""Any OpenAI-compatible server (vLLM, TGI's /v1, llama.cpp server, Ollama, LM Studio).

The official `openai` client speaks the protocol; its own retries are off so that every
backend shares one retry policy (`remote.call_with_retries`).
"""

from __future__ import annotations

from functools import cached_property
from typing import Iterator

from hfcompare.backends.base import BadResponseError, GenerationParams, ModelUnavailableError, Usage
from hfcompare.backends.remote.common import (
    RemoteBackend,
    call_with_retries,
    check_base_url,
    plain_answer,
    streamed_chat,
)

#: Sent when no key is configured; local servers ignore it, the client refuses an empty key.
NO_KEY = "no-key"


class OpenAICompatBackend(RemoteBackend):
    """Embeddings and streamed chat through `/v1/embeddings` and `/v1/chat/completions`."""

    name = "openai"

    @property
    def where(self) -> str:
        return self.settings.public_url() or "the OpenAI-compatible server"

    @cached_property
    def client(self):
        if not self.settings.base_url:
            raise ModelUnavailableError(
                "No OpenAI-compatible server is configured: give its base URL (Endpoints in the app, "
                "--base-url on the command line, base_url= in Python), or set HFCOMPARE_OPENAI_BASE_URL or the "
                "config file."
            )
        check_base_url(self.settings)
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

    def _embed_one_batch(self, model: str, texts: list[str]) -> list:
        response = call_with_retries(
            lambda: self.client.embeddings.create(model=model, input=texts, encoding_format="float"),
            self.settings,
            self.where,
        )
        data = sorted(getattr(response, "data", None) or [], key=lambda item: item.index)
        if len(data) != len(texts):
            raise BadResponseError(f"{self.where} returned {len(data)} vectors for {len(texts)} texts")
        return [item.embedding for item in data]

    def _chat(self, model: str, messages: list[dict[str, str]], params: GenerationParams, stream: bool, log=None):
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
            log=log,
        )

    def stream(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str | Usage]:
        yield from streamed_chat(lambda log: self._chat(model, messages, params, stream=True, log=log),
                                 self.settings, self.where)

    def complete(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> tuple[str, Usage | None]:
        return plain_answer(self._chat(model, messages, params, stream=False), self.where)

    def list_models(self) -> list[str]:
        """The model ids the server offers (for the sidebar's "test connection")."""
        page = call_with_retries(lambda: self.client.models.list(), self.settings, self.where)
        return sorted(model.id for model in page)
