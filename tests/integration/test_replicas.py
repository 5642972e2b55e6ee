"""A model served by several replicas: batches spread round-robin, and a replica that fails is left
out for a cool-down while the others carry on (scripted servers on loopback)."""

from __future__ import annotations

import socket

from hfcompare.backends import RemoteSettings, get_backend
from hfcompare.backends.remote.common import Replicas
from tests.integration.fault_server import FaultServer

TEXTS = [f"text number {i}" for i in range(24)]


def _settings(urls: str, **overrides) -> RemoteSettings:
    base = RemoteSettings(base_url=urls, api_key="test-key-0000", timeout_s=2.0, max_retries=2, backoff_s=0.01,
                          max_wait_s=0.05, batch_size=2, concurrency=2)
    return base.with_overrides(**overrides)


def _refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def test_one_value_lists_the_replicas_and_their_secrets_stay_secret():
    settings = RemoteSettings(base_url="http://a:1/v1, http://user:pw@b:2/v1  http://a:1/v1")
    assert settings.base_url == "http://a:1/v1" and settings.replicas == ("http://user:pw@b:2/v1",)
    assert settings.urls() == ["http://a:1/v1", "http://user:pw@b:2/v1"]
    assert "pw" in settings.secrets() and "pw" not in repr(settings)


def test_batches_are_spread_round_robin_over_the_replicas():
    with FaultServer() as first, FaultServer() as second:
        vectors = get_backend("openai", _settings(f"{first.url},{second.url}")).embed_batch("ok", TEXTS)
    assert vectors.shape == (24, 8)
    assert first.counts["ok"] == second.counts["ok"] == 6       # 12 batches of 2, one each in turn


def test_a_replica_that_refuses_is_cooled_down_and_the_others_carry_on():
    down = _refused_url()
    with FaultServer() as up:
        settings = _settings(f"{down},{up.url}")
        vectors = get_backend("openai", settings).embed_batch("ok", TEXTS)
        assert vectors.shape == (24, 8)
        assert up.counts["ok"] == 12                               # every batch, once the other was out
        again = get_backend("openai", settings).embed_batch("ok", TEXTS[:4])
        assert again.shape == (4, 8) and up.counts["ok"] == 14     # the cool-down outlives one call


def test_round_robin_skips_replicas_cooling_down_until_their_time_is_up():
    now = [0.0]
    pool = Replicas(["a", "b", "c"], cooldown_s=30.0, clock=lambda: now[0])
    assert [pool.pick() for _ in range(4)] == ["a", "b", "c", "a"]
    pool.failed("b")
    assert [pool.pick() for _ in range(3)] == ["c", "a", "c"]
    now[0] = 31.0
    assert [pool.pick() for _ in range(3)] == ["a", "b", "c"]
    for url in "abc":
        pool.failed(url)
    assert pool.pick() == "a"                                       # all out: the one back soonest
