"""The openai and hf backends against a real llama.cpp server serving SmolLM2-135M-Instruct."""

from __future__ import annotations

import numpy as np
import pytest

from hfcompare.backends import GenerationParams, RemoteSettings, Usage, get_backend
from hfcompare.embeddings.runs import compare_embeddings, embed
from hfcompare.refs import ModelRef
from hfcompare.storage.cache import EmbeddingCache
from tests.integration.conftest import SMOLLM_ALIAS

pytestmark = pytest.mark.slow

TEXTS = ["How do I create an invoice?", "Invoice templates and billing", "Reset my password"]
MESSAGES = [{"role": "user", "content": "Name one colour. Answer with one word."}]
PARAMS = GenerationParams(max_tokens=12, temperature=0.0, seed=7)


def settings(url: str) -> RemoteSettings:
    return RemoteSettings(base_url=url, timeout_s=120, batch_size=2, concurrency=2)


def test_openai_embeddings_are_pooled_normalized_and_say_so(llama_server):
    result = compare_embeddings(TEXTS, [ModelRef("openai", SMOLLM_ALIAS)], EmbeddingCache(),
                                settings={"openai": settings(llama_server)})[0]
    assert result.ok, result.error
    assert result.vectors.shape == (3, 576) and result.vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-5)
    assert "mean-pooled" in result.note


def test_embed_api_takes_base_url(llama_server):
    vectors = embed(TEXTS[:2], SMOLLM_ALIAS, backend="openai", base_url=llama_server)
    assert vectors.shape == (2, 576)


def test_openai_chat_plain_and_streamed_agree_at_temperature_zero(llama_server):
    backend = get_backend("openai", settings(llama_server))
    plain, usage = backend.complete(SMOLLM_ALIAS, MESSAGES, PARAMS)
    events = list(backend.stream(SMOLLM_ALIAS, MESSAGES, PARAMS))
    streamed = "".join(e for e in events if isinstance(e, str))
    assert plain.strip() and streamed.strip() == plain.strip()
    assert usage.prompt_tokens > 0 and 0 < usage.completion_tokens <= PARAMS.max_tokens
    assert sum(isinstance(e, str) for e in events) > 1, "a streamed answer arrives in pieces"
    # token usage is reported in the stream, and agrees with the server's own count for the same answer;
    # this server ignores stream_options.include_usage, so the backend counts the chunks that carried text
    streamed_usage = events[-1]
    assert isinstance(streamed_usage, Usage) and [isinstance(e, Usage) for e in events].count(True) == 1
    assert streamed_usage.completion_tokens == usage.completion_tokens
    assert streamed_usage.counted in ("reported", "chunks")


def test_hf_backend_chats_through_base_url(llama_server):
    backend = get_backend("hf", settings(llama_server))
    plain, _ = backend.complete(SMOLLM_ALIAS, MESSAGES, PARAMS)
    streamed = "".join(e for e in backend.stream(SMOLLM_ALIAS, MESSAGES, PARAMS) if isinstance(e, str))
    assert plain.strip() and streamed.strip() == plain.strip()


def test_mixed_comparison_local_minilm_against_the_server(llama_server):
    refs = [ModelRef("local", "sentence-transformers/all-MiniLM-L6-v2"), ModelRef("openai", SMOLLM_ALIAS)]
    results = compare_embeddings(TEXTS, refs, EmbeddingCache(), settings={"openai": settings(llama_server)})
    assert [r.ok for r in results] == [True, True]
    assert [r.dimensions for r in results] == [384, 576]


def test_server_lists_its_model(llama_server):
    assert get_backend("openai", settings(llama_server)).list_models() == [SMOLLM_ALIAS]


def test_a_real_server_stream_trickles_so_its_decode_speed_is_known(llama_server):
    from hfcompare.generation.runs import generate_one

    result = generate_one(ModelRef("openai", SMOLLM_ALIAS), MESSAGES[0]["content"], PARAMS,
                          settings=settings(llama_server))
    assert result.ok, result.error
    t = result.timings
    _, usage = get_backend("openai", settings(llama_server)).complete(SMOLLM_ALIAS, MESSAGES, PARAMS)
    assert t.output_tokens == usage.completion_tokens and t.tokens_counted == "chunks"
    assert t.output_tokens >= 2 and t.tokens_per_s is not None and t.speed_note == ""
    assert t.attempts == 1 and t.retry_wait_s == 0.0
