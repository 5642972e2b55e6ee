"""Hugging Face Inference Providers, Inference Endpoints and TEI/TGI servers via InferenceClient."""

from __future__ import annotations

from typing import Iterator, get_args

import numpy as np

from hfcompare.backends.base import BadResponseError, Capability, GenerationParams, ModelUnavailableError, Usage
from hfcompare.backends.remote.common import (
    NO_KEY,
    RemoteBackend,
    call_with_retries,
    check_base_url,
    plain_answer,
    redact_url,
    streamed_chat,
)
from hfcompare.backends.hub import hub_endpoint


def check_hub_model(model: str) -> None:
    """Raise ModelUnavailableError when `model` is an address rather than a Hub model id: huggingface_hub
    sends a model that starts with http(s):// its request, with the token (the operator's HF_TOKEN when
    none was typed), so `hf:http://anyone/...` from a link or the picker would carry the token there."""
    if "://" in model or model.strip().lower().startswith(("http:", "https:")):
        raise ModelUnavailableError(
            f"{redact_url(model.strip())!r} is not a Hub model id (such as org/name). To use a server at that "
            "address, put it in Endpoints as the TEI / TGI / Endpoint URL (or --base-url), with its own key.")


def provider_names() -> list[str]:
    """`auto` and every provider this huggingface_hub knows."""
    try:
        from huggingface_hub.inference._providers import PROVIDER_T

        return ["auto", *sorted(get_args(PROVIDER_T))]
    except ImportError:  # pragma: no cover - a future huggingface_hub may move it
        return ["auto"]


class HFInferenceBackend(RemoteBackend):
    """`feature_extraction` and streamed `chat_completion`, by provider or at a base URL."""

    name = "hf"
    #: Inference Providers need a Hugging Face token (a TEI/TGI server at a base URL may not)
    capabilities = RemoteBackend.capabilities | {Capability.NEEDS_KEY}

    @property
    def where(self) -> str:
        if self.settings.base_url:
            return self.settings.public_url()
        return f"Hugging Face Inference ({self.settings.provider or 'auto'})"

    def load(self, model: str) -> None:
        self.client()  # imports huggingface_hub's client once, outside any timed call

    def client(self):
        from huggingface_hub import InferenceClient

        check_base_url(self.settings)
        if self.settings.base_url:
            return InferenceClient(base_url=self.settings.base_url, token=self._token(),
                                   headers=self._no_implicit_token(), timeout=self.settings.timeout_s)
        return InferenceClient(provider=self.settings.provider or "auto", token=self._token(),
                               timeout=self.settings.timeout_s)

    def _token(self) -> str | None:
        """The key these settings may send to their target (None: none may go there)."""
        return self.settings.key_for(self.settings.base_url)

    def _no_implicit_token(self) -> dict[str, str]:
        """Headers that keep huggingface_hub from sending the environment's HF_TOKEN on its own (it does
        when `token` is None) to a URL the token does not belong to: a placeholder, as the OpenAI
        client sends, that servers without authentication ignore."""
        return {} if self._token() else {"authorization": f"Bearer {NO_KEY}"}

    def fingerprint(self, model: str) -> str:
        target = self.settings.public_url() or f"{hub_endpoint()}|{self.settings.provider or 'auto'}"
        return f"hf|{target}"

    def _embed_one_batch(self, model: str, texts: list[str]) -> list:
        check_hub_model(model)
        client = self.client()
        target = None if self.settings.base_url else model
        array = call_with_retries(lambda: client.feature_extraction(texts, model=target), self.settings, self.where)
        array = np.asarray(array, dtype=np.float32)
        if array.ndim == 1 and len(texts) == 1:
            array = array[None, :]
        if array.shape[0] != len(texts):
            raise BadResponseError(f"{self.where} returned {array.shape[0]} vectors for {len(texts)} texts")
        return list(array)

    def _chat(self, client, model: str, messages: list[dict[str, str]], params: GenerationParams, stream: bool,
              log=None):
        check_hub_model(model)
        return call_with_retries(
            lambda: client.chat_completion(
                messages,
                model=model,
                max_tokens=params.max_tokens,
                temperature=params.temperature,
                top_p=params.top_p,
                seed=params.seed,
                stream=stream,
                stream_options={"include_usage": True} if stream else None,
            ),
            self.settings,
            self.where,
            log=log,
        )

    def stream(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str | Usage]:
        client = self.client()  # the client owns the open stream: keep it alive until the end
        yield from streamed_chat(lambda log: self._chat(client, model, messages, params, stream=True, log=log),
                                 self.settings, self.where)

    def complete(self, model: str, messages: list[dict[str, str]], params: GenerationParams) -> tuple[str, Usage | None]:
        return plain_answer(self._chat(self.client(), model, messages, params, stream=False), self.where)

    def _endpoint_info(self) -> dict:
        """TEI's and TGI's /info, asked here rather than through huggingface_hub, whose call for it
        sends the environment's HF_TOKEN to any URL."""
        import requests

        check_base_url(self.settings)
        token = self._token()
        response = requests.get(f"{self.settings.base_url.rstrip('/')}/info", timeout=self.settings.timeout_s,
                                headers={"authorization": f"Bearer {token}"} if token else {})
        response.raise_for_status()
        return response.json()

    def list_models(self) -> list[str]:
        """The model behind a TEI/TGI URL (its /info), or up to 100 models the provider serves (the Hub)."""
        if self.settings.base_url:
            info = call_with_retries(self._endpoint_info, self.settings, self.where)
            return [str(info.get("model_id") or self.settings.public_url())] if isinstance(info, dict) else []
        from huggingface_hub import HfApi

        api = HfApi(endpoint=hub_endpoint(), token=self._token())
        provider = self.settings.provider if self.settings.provider not in (None, "auto") else "all"
        models = call_with_retries(
            lambda: list(api.list_models(inference_provider=provider, sort="downloads", limit=100)),
            self.settings,
            self.where,
        )
        return sorted(model.id for model in models)
