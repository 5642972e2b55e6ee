"""Remote failures against a scripted fault server: retries, messages, isolation, no caching."""

from __future__ import annotations

import json
import socket

import numpy as np
import pytest

from hfcompare.backends import (
    AuthError,
    BadResponseError,
    ConnectionFailedError,
    GenerationParams,
    ModelLoadingError,
    NotFoundError,
    RateLimitedError,
    RemoteSettings,
    RemoteTimeoutError,
    ServerError,
    Usage,
    get_backend,
)
from hfcompare.embeddings.runs import compare_embeddings
from hfcompare.refs import ModelRef
from hfcompare.storage.cache import EmbeddingCache
from tests.integration.fault_server import FaultServer

TEXTS = ["create an invoice", "invoice templates", "reset my password"]


@pytest.fixture(scope="module")
def server():
    with FaultServer() as running:
        yield running


def fast_settings(url: str, **overrides) -> RemoteSettings:
    base = RemoteSettings(base_url=url, api_key="test-key-0000", timeout_s=1.0, max_retries=3,
                          backoff_s=0.01, max_wait_s=0.05, batch_size=2, concurrency=2)
    return base.with_overrides(**overrides)


def embed(server, model: str, **overrides) -> np.ndarray:
    return get_backend("openai", fast_settings(server.url, **overrides)).embed_batch(model, TEXTS)


def test_ok_embeddings_come_back_in_order_in_batches(server):
    before = server.counts["ok"]
    vectors = embed(server, "ok")
    assert vectors.shape == (3, 8)
    assert server.counts["ok"] - before == 2  # batch size 2 -> two requests
    assert vectors[0, 0] == len(TEXTS[0]) % 7 + 1


@pytest.mark.parametrize("model, status_count", [("limited-2", 3), ("busy-2", 3)])
def test_transient_errors_are_retried_until_they_pass(server, model, status_count):
    vectors = get_backend("openai", fast_settings(server.url, batch_size=10)).embed_batch(model, TEXTS)
    assert vectors.shape == (3, 8)
    assert server.counts[model] == status_count


@pytest.mark.parametrize(
    "model, error, attempts, words",
    [
        ("always-429", RateLimitedError, 4, "rate limited"),
        ("always-503", ModelLoadingError, 4, "loading"),
        ("error-500", ServerError, 1, "server error"),
        ("denied", AuthError, 1, "not authorized"),
        ("missing", NotFoundError, 1, "not found"),
        ("malformed", BadResponseError, 1, "could not be read"),
        ("wrong-count", BadResponseError, 1, "2 vectors for 3 texts"),
    ],
)
def test_failures_are_typed_counted_and_explained(server, model, error, attempts, words):
    before = server.counts[model]
    with pytest.raises(error) as info:
        embed(server, model, batch_size=10)
    assert server.counts[model] - before == attempts
    assert info.value.attempts == attempts
    message = str(info.value)
    assert words in message and server.url.removesuffix("/v1") in message
    assert "test-key-0000" not in message
    if attempts > 1:
        assert f"gave up after {attempts} attempts" in message


def test_slow_responses_time_out_and_are_retried(server):
    before = server.counts["slow"]
    with pytest.raises(RemoteTimeoutError) as info:
        embed(server, "slow", batch_size=10, max_retries=1)
    assert server.counts["slow"] - before == 2 and info.value.attempts == 2
    assert "did not answer in time" in str(info.value)


def test_connection_refused_is_retried_then_reported():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = get_backend("openai", fast_settings(f"http://127.0.0.1:{port}/v1", max_retries=2))
    with pytest.raises(ConnectionFailedError) as info:
        backend.embed_batch("ok", TEXTS)
    assert info.value.attempts == 3 and "cannot connect" in str(info.value)


def test_the_key_is_sent_as_a_bearer_token(server):
    embed(server, "ok")
    assert any({k.lower(): v for k, v in h.items()}.get("authorization") == "Bearer test-key-0000" for h in server.headers_seen)


def test_streamed_chat_yields_pieces_and_usage(server):
    backend = get_backend("openai", fast_settings(server.url))
    events = list(backend.stream("ok", [{"role": "user", "content": "hi"}], GenerationParams(max_tokens=8)))
    assert "".join(e for e in events if isinstance(e, str)) == "fault server says hello"
    assert events[-1] == Usage(3, 4)


@pytest.mark.parametrize("backend_name", ["openai", "hf"])
@pytest.mark.parametrize("model, kind", [("cut-2", "connection"), ("fail-2", "bad response")])
def test_an_error_mid_stream_is_classified_redacted_and_never_cached(server, backend_name, model, kind):
    """A stream that breaks after two words: a typed error (not "crashed"), free of the key and of the URL's
    credentials, counted with the attempts, and nothing cached."""
    from hfcompare.generation.runs import generate_one
    from hfcompare.storage.cache import GenerationCache

    plain = generate_one(ModelRef(backend_name, model), "hi", GenerationParams(max_tokens=8),
                         settings=fast_settings(server.url))
    assert plain.error_kind == kind and "test-key-0000" not in plain.error, plain.error
    url = server.url.replace("http://", "http://carol:urlpass99@") + "?api_key=qk-777777"
    settings = fast_settings(url)
    before = server.counts[model]
    cache = GenerationCache()
    result = generate_one(ModelRef(backend_name, model), "hi", GenerationParams(max_tokens=8, temperature=0),
                          settings=settings, cache=cache)
    assert not result.ok and result.error_kind == kind, (result.error_kind, result.error)
    assert "during the stream" in result.error
    assert all(s not in result.error for s in ("test-key-0000", "carol", "urlpass99", "qk-777777",
                                             "Y2Fyb2w6dXJscGFzczk5")), result.error  # the last: Basic auth
    assert server.counts[model] - before == 1  # opened once; a broken stream is not replayed
    again = generate_one(ModelRef(backend_name, model), "hi", GenerationParams(max_tokens=8, temperature=0),
                         settings=settings, cache=cache)
    assert not again.cached and again.error_kind == kind and server.counts[model] - before == 2


def test_a_mixed_comparison_completes_around_failures_and_caches_none_of_them(server):
    settings = {"openai": fast_settings(server.url)}
    refs = [ModelRef("lexical", "tfidf"), ModelRef("openai", "always-503"), ModelRef("openai", "ok"),
            ModelRef("openai", "denied")]
    cache = EmbeddingCache()
    results = compare_embeddings(TEXTS, refs, cache, settings=settings)
    assert [r.ok for r in results] == [True, False, True, False]
    assert results[1].error_kind == "model loading" and results[3].error_kind == "auth"
    assert cache.stats().entries == 3  # the three vectors of `ok`; failures left nothing
    again = compare_embeddings(TEXTS, refs, cache, settings=settings)
    assert again[2].cache_hits == 3 and again[1].cache_hits == 0 and not again[1].ok


def test_list_models(server):
    assert get_backend("openai", fast_settings(server.url)).list_models() == ["ok", "slow"]


def test_unconfigured_openai_backend_says_how_to_configure(monkeypatch):
    monkeypatch.delenv("HFCOMPARE_OPENAI_BASE_URL", raising=False)
    result = compare_embeddings(TEXTS, [ModelRef("openai", "ok")], None, settings={"openai": RemoteSettings()})[0]
    assert not result.ok and "HFCOMPARE_OPENAI_BASE_URL" in result.error


def test_cli_embeds_through_a_server_and_lists_its_models(server, tmp_path, capsys, monkeypatch):
    from hfcompare.cli import main

    monkeypatch.setenv("MY_SERVER_KEY", "test-key-0000")
    source = tmp_path / "texts.txt"
    source.write_text("\n".join(TEXTS), encoding="utf-8")
    out = tmp_path / "out.npy"
    code = main(["embed", "--backend", "openai", "--base-url", server.url, "--api-key-env", "MY_SERVER_KEY",
                 "--model", "ok", "--input", str(source), "--output", str(out), "--batch-size", "2"])
    assert code == 0 and np.load(out).shape == (3, 8)
    capsys.readouterr()
    assert main(["models", "--backend", "openai", "--base-url", server.url, "--json"]) == 0
    assert [m["ref"] for m in json.loads(capsys.readouterr().out)] == ["openai:ok", "openai:slow"]
    code = main(["embed", "--backend", "openai", "--base-url", server.url, "--model", "denied",
                 "--input", str(source), "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "not authorized" in err and "test-key-0000" not in err


def test_hf_backend_embeds_from_a_tei_url_with_the_same_retry_policy(server):
    root = server.url.removesuffix("/v1")
    ok = get_backend("hf", fast_settings(f"{root}/tei/ok")).embed_batch("any-model", TEXTS)
    assert ok.shape == (3, 8)
    before = server.counts["always-503"]
    with pytest.raises(ModelLoadingError) as info:
        get_backend("hf", fast_settings(f"{root}/tei/always-503", batch_size=10)).embed_batch("any-model", TEXTS)
    assert server.counts["always-503"] - before == 4 and info.value.attempts == 4
    with pytest.raises(AuthError):
        get_backend("hf", fast_settings(f"{root}/tei/denied")).embed_batch("any-model", TEXTS)
    assert get_backend("hf", fast_settings(f"{root}/tei/ok")).list_models() == ["org/tei-model"]


def test_a_buffered_stream_has_no_decode_speed_and_a_paced_one_has(server):
    """burst-200 sends 200 one-token chunks in one write: the old figure was about 199,000 tokens/s."""
    from hfcompare.generation.runs import generate_one

    settings = fast_settings(server.url, timeout_s=10.0)
    buffered = generate_one(ModelRef("openai", "burst-200"), "hi", GenerationParams(max_tokens=200),
                            settings=settings)
    assert buffered.ok, buffered.error
    t = buffered.timings
    assert t.output_tokens == 200 and t.tokens_counted == "reported"
    assert t.tokens_per_s is None and t.speed_note == "stream was buffered"
    # words written 20 ms apart arrive apart: a decode window to time
    paced = generate_one(ModelRef("openai", "paced-20"), "hi", GenerationParams(max_tokens=12), settings=settings)
    assert paced.ok and paced.timings.tokens_per_s is not None and paced.timings.speed_note == ""


@pytest.mark.parametrize("backend", ["openai", "hf"])
def test_retry_waits_are_reported_apart_from_latency_and_ttft(backend):
    """Two 429s asking for 1 s each, then the answer: the waits (at least 2 s) are reported apart,
    and latency plus waits never exceed the wall time around the call (so latency excludes them)."""
    import time

    from hfcompare.generation.runs import generate_one

    with FaultServer() as fresh:
        settings = fast_settings(fresh.url, max_wait_s=5.0, timeout_s=10.0)
        started = time.perf_counter()
        result = generate_one(ModelRef(backend, "patient-2"), "hi", GenerationParams(max_tokens=8),
                              settings=settings)
        outside = time.perf_counter() - started
        assert result.ok, result.error
        t = result.timings
        assert fresh.counts["patient-2"] == 3 and t.attempts == 3
        assert t.retry_wait_s >= 2.0
        assert t.latency_s + t.retry_wait_s <= outside and t.ttft_s <= t.latency_s
        record = result.as_json()
        assert record["attempts"] == 3 and record["retry_wait_s"] == t.retry_wait_s


def test_the_client_is_built_before_the_stream_is_timed(server, monkeypatch):
    """Importing openai and building its client took about 0.4 s on the first call, which time to first
    token used to count; now the clock starts with the client ready."""
    import time

    import hfcompare.generation.runs as generation
    from hfcompare.generation.runs import generate_one

    settings = fast_settings(server.url, timeout_s=7.0)  # settings of its own: a backend built afresh
    backend = get_backend("openai", settings)
    assert not backend.__dict__.get("_clients")
    ready_at_start: list[bool] = []

    def clock() -> float:
        ready_at_start.append(bool(backend.__dict__.get("_clients")))
        return time.perf_counter()

    monkeypatch.setattr(generation, "clock", clock)
    assert generate_one(ModelRef("openai", "ok"), "hi", GenerationParams(max_tokens=8), settings=settings).ok
    assert ready_at_start[0] is True
