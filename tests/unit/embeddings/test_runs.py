"""Running several models: failures stay with their model; the embed() API contract; timed speed passes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest

from hfcompare.backends import BackendError
from hfcompare.config import SPEED_PASSES, SPEED_SAMPLE
from hfcompare.embeddings import speed as speed_module
from hfcompare.backends.local.cpu import where_measured
from hfcompare.embeddings.runs import compare_embeddings, embed, embed_with_stats
from hfcompare.refs import ModelRef
from hfcompare.storage.cache import EmbeddingCache

TEXTS = ["alpha beta", "beta gamma", "delta"]


def test_one_failing_model_does_not_sink_the_others(fake_backend):
    refs = [ModelRef("fake", "fake-a"), ModelRef("fake", "fake-broken"), ModelRef("nope", "x"), ModelRef("fake", "fake-b")]
    results = compare_embeddings(TEXTS, refs, EmbeddingCache())
    assert [r.ok for r in results] == [True, False, False, True]
    assert results[1].error_kind == "load failed"
    assert "Valid backends" in results[2].error


def test_progress_reaches_the_total(fake_backend):
    seen = []
    compare_embeddings(TEXTS, [ModelRef("fake", "fake-a")], None, lambda ref, done, n, stage: seen.append((done, n, stage)))
    assert seen[0] == (0, 3, "loading") and seen[-1] == (3, 3, "embedding")


def test_embed_returns_normalized_float32(fake_backend):
    vectors = embed(TEXTS, "fake-a", backend="fake")
    assert vectors.shape == (3, 16) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert np.array_equal(vectors, embed(TEXTS, "fake:fake-a"))


def test_embed_raises_backend_error_for_a_failing_model(fake_backend):
    with pytest.raises(BackendError, match="always fails"):
        embed(TEXTS, "fake:fake-broken")


def test_lexical_baseline_is_never_cached():
    cache = EmbeddingCache()
    for _ in range(2):
        result = compare_embeddings(TEXTS, [ModelRef("lexical", "tfidf")], cache)[0]
        assert result.ok and result.cache_hits == 0 and result.computed == 3
    assert cache.stats().entries == 0


# --- speed: timed passes after a warm-up, over a fixed sample -------------------------------------

MANY = [f"invoice question number {i} about billing" for i in range(SPEED_SAMPLE + 9)]


def scripted_clock(monkeypatch, backend, seconds: list[float]) -> None:
    """Each embed_batch call takes the next scripted duration on a fake clock (never wall time)."""
    now = [0.0]
    durations = iter(seconds)
    real = backend.embed_batch

    def embed_batch(model, texts):
        now[0] += next(durations)
        return real(model, texts)

    monkeypatch.setattr(speed_module, "clock", lambda: now[0])
    monkeypatch.setattr(backend, "embed_batch", embed_batch)


def test_speed_is_a_warm_up_then_timed_passes_over_a_fixed_sample(fake_backend):
    result = embed_with_stats(MANY, ModelRef("fake", "fake-a"), None)
    calls = fake_backend.calls
    assert len(calls) == 1 + 1 + SPEED_PASSES  # the computing pass, the warm-up, the timed passes
    assert sorted(calls[0]) == sorted(MANY)
    sample = calls[1]
    assert len(sample) == SPEED_SAMPLE and set(sample) <= set(MANY) and len(set(sample)) == SPEED_SAMPLE
    assert all(call == sample for call in calls[2:])
    speed = result.speed
    assert (speed.passes, speed.n_texts, speed.this_run) == (SPEED_PASSES, SPEED_SAMPLE, True)
    assert speed.where == where_measured() and speed.low_ms <= speed.median_ms <= speed.high_ms
    assert datetime.fromisoformat(speed.measured_at).utcoffset().total_seconds() == 0
    assert result.cold_ms_per_text == speed.median_ms
    fake_backend.calls.clear()
    embed_with_stats(MANY, ModelRef("fake", "fake-a"), None)
    assert fake_backend.calls[1] == sample  # the same texts every time


def test_a_short_input_is_sampled_whole_without_duplicates(fake_backend):
    result = embed_with_stats(TEXTS + TEXTS[:1], ModelRef("fake", "fake-a"), None)
    assert fake_backend.calls[1:] == [TEXTS] * (1 + SPEED_PASSES)
    assert result.speed.n_texts == len(TEXTS)


def test_median_low_and_high_come_from_the_timed_passes_only(fake_backend, monkeypatch):
    passes = [0.070, 0.050, 0.200, 0.060, 0.055, 0.090, 0.065][:SPEED_PASSES]
    scripted_clock(monkeypatch, fake_backend, [3.0, 9.0, *passes])  # computing pass, warm-up, timed passes
    result = embed_with_stats(MANY, ModelRef("fake", "fake-a"), None)
    ms = 1000 * np.asarray(passes) / SPEED_SAMPLE
    speed = result.speed
    assert speed.median_ms == pytest.approx(np.median(ms))
    assert speed.low_ms == pytest.approx(ms.min()) and speed.high_ms == pytest.approx(ms.max())
    assert speed.high_ms < 1000 * 3.0 / SPEED_SAMPLE  # neither the warm-up nor the computing pass counts


def test_a_fully_cached_run_reports_the_remembered_stats(fake_backend, monkeypatch):
    passes = [0.04, 0.05, 0.03, 0.06, 0.045, 0.05, 0.04][:SPEED_PASSES]
    scripted_clock(monkeypatch, fake_backend, [1.0, 1.0, *passes])
    cache = EmbeddingCache()
    first = embed_with_stats(MANY, ModelRef("fake", "fake-a"), cache)
    calls = len(fake_backend.calls)
    second = embed_with_stats(MANY, ModelRef("fake", "fake-a"), cache)
    assert second.computed == 0 and len(fake_backend.calls) == calls  # no pass ran
    assert first.speed.this_run and not second.speed.this_run
    assert second.speed == replace(first.speed, this_run=False)
    assert second.cold_ms_per_text == first.cold_ms_per_text
    reopened = EmbeddingCache(cache.directory)
    assert embed_with_stats(MANY, ModelRef("fake", "fake-a"), reopened).speed == second.speed


def test_speed_passes_zero_skips_the_measurement(fake_backend):
    result = embed_with_stats(TEXTS, ModelRef("fake", "fake-a"), None, speed_passes=0)
    assert len(fake_backend.calls) == 1 and result.speed is None and result.cold_ms_per_text is None


def test_lexical_baseline_gets_timed_passes_too():
    result = compare_embeddings(TEXTS, [ModelRef("lexical", "tfidf")], EmbeddingCache())[0]
    assert result.ok and result.speed.this_run
    assert (result.speed.passes, result.speed.n_texts) == (SPEED_PASSES, len(TEXTS))


def test_failing_speed_passes_keep_the_vectors_and_say_so(fake_backend, monkeypatch):
    real = fake_backend.embed_batch
    calls = []

    def fails_after_the_first_call(model, texts):
        calls.append(texts)
        if len(calls) > 1:
            raise RuntimeError("server went away")
        return real(model, texts)

    monkeypatch.setattr(fake_backend, "embed_batch", fails_after_the_first_call)
    cache = EmbeddingCache()
    result = embed_with_stats(TEXTS, ModelRef("fake", "fake-a"), cache)
    assert result.ok and result.computed == 3 and "speed passes failed" in result.note
    assert result.speed.passes == 1 and result.speed.n_texts == 3 and result.speed.this_run
    assert not [k for k in cache._meta.iterkeys() if str(k).startswith("meta|timing|")]  # a stand-in is never remembered


def test_progress_keeps_its_stages_while_timing(fake_backend):
    stages = []
    compare_embeddings(MANY, [ModelRef("fake", "fake-a")], None, lambda ref, done, n, stage: stages.append(stage))
    assert set(stages) <= {"loading", "embedding"}


def test_embed_api_returns_vectors_without_speed_passes(fake_backend):
    embed(TEXTS, "fake:fake-a")
    assert fake_backend.calls == [sorted(TEXTS, key=len, reverse=True)]


def test_an_unexpected_crash_never_shows_credentials():
    from hfcompare.backends import EmbeddingBackend, register_backend, unregister_backend
    from hfcompare.backends.remote.common import RemoteSettings
    from hfcompare.embeddings.runs import embed_with_stats
    from hfcompare.refs import ModelRef

    class Crashing(EmbeddingBackend):
        name = "crashing"

        def embed_batch(self, model, texts):
            raise RuntimeError("boom at http://user:sekrit-pass@10.0.0.1/v1?api_key=abcd1234 with sk-canary-9876")

    register_backend("crashing", Crashing)
    try:
        settings = RemoteSettings(api_key="sk-canary-9876")
        result = embed_with_stats(["a", "b"], ModelRef("crashing", "m"), None, settings=settings, speed_passes=0)
    finally:
        unregister_backend("crashing")
    assert result.error_kind == "crashed" and "boom" in result.error
    for secret in ("sekrit-pass", "abcd1234", "sk-canary-9876"):
        assert secret not in result.error


def test_sessions_missing_the_same_vectors_compute_them_once(fake_backend, tmp_path):
    """Four sessions at once on one cache: one computes the vectors and times the speed, the others
    wait for it and read them; each gets every vector and the speed."""
    import threading

    texts = [f"text number {i}" for i in range(12)]
    cache = EmbeddingCache(tmp_path / "cache")
    start = threading.Barrier(4)
    results = []

    def session():
        start.wait(timeout=10)
        results.append(embed_with_stats(texts, ModelRef("fake", "fake-a"), cache))

    threads = [threading.Thread(target=session) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 4 and all(r.ok and r.speed is not None for r in results)
    assert sorted(r.computed for r in results) == [0, 0, 0, len(texts)]
    embedded = [t for call in fake_backend.calls for t in call]
    computing = 1 + 1 + SPEED_PASSES  # the computing pass, the warm-up and the timed passes, by one session
    assert len(embedded) == len(texts) * computing
    assert cache.stats().misses == len(texts) and cache.stats().hits == 3 * len(texts)


def test_slow_passes_stop_after_the_minimum_once_the_budget_is_spent(fake_backend, monkeypatch):
    """On a busy machine a slow model's timed passes add up to the budget: the median is then taken
    over the minimum number of passes instead of all five (a fast model still gets all five)."""
    from hfcompare.config import MIN_SPEED_PASSES, SPEED_BUDGET_S

    slow = [SPEED_BUDGET_S / 2] * SPEED_PASSES
    scripted_clock(monkeypatch, fake_backend, [3.0, 9.0, *slow])
    speed = embed_with_stats(MANY, ModelRef("fake", "fake-a"), None).speed
    assert speed.passes == MIN_SPEED_PASSES < SPEED_PASSES


def test_fast_passes_all_run_within_the_budget(fake_backend, monkeypatch):
    from hfcompare.config import SPEED_BUDGET_S

    scripted_clock(monkeypatch, fake_backend, [3.0, 9.0, *[SPEED_BUDGET_S / 100] * SPEED_PASSES])
    assert embed_with_stats(MANY, ModelRef("fake", "fake-a"), None).speed.passes == SPEED_PASSES
