"""The disk cache: keys, only-misses computing, counters, clearing, corruption recovery."""

from __future__ import annotations

import numpy as np

from hfcompare.cache import EmbeddingCache, vector_key
from hfcompare.embedding import embed_with_stats
from hfcompare.spec import ModelRef

TEXTS = ["How do I create an invoice?", "Invoice templates and billing", "Reset my password"]


def test_key_covers_backend_model_variant_options_and_text():
    base = vector_key("local", "m", "rev1", {"a": 1}, "text")
    assert base == vector_key("local", "m", "rev1", {"a": 1}, "text")
    variants = [
        vector_key("onnx", "m", "rev1", {"a": 1}, "text"),
        vector_key("local", "m2", "rev1", {"a": 1}, "text"),
        vector_key("local", "m", "rev2", {"a": 1}, "text"),
        vector_key("local", "m", "rev1", {"a": 2}, "text"),
        vector_key("local", "m", "rev1", {"a": 1}, "text!"),
    ]
    assert len({base, *variants}) == 6
    assert "text" not in base  # texts are hashed, never stored


def test_only_missing_texts_are_computed(fake_backend):
    cache = EmbeddingCache()
    ref = ModelRef("fake", "fake-a")
    first = embed_with_stats(TEXTS, ref, cache)
    assert (first.cache_hits, first.computed) == (0, 3)
    second = embed_with_stats(TEXTS, ref, cache)
    assert (second.cache_hits, second.computed) == (3, 0)
    assert np.array_equal(first.vectors, second.vectors)
    fake_backend.calls.clear()
    third = embed_with_stats(TEXTS + ["A brand new question"], ref, cache)
    assert (third.cache_hits, third.computed) == (3, 1)
    assert fake_backend.calls == [["A brand new question"]]
    assert np.allclose(third.vectors[:3], first.vectors)


def test_other_model_misses_and_counters_add_up(fake_backend):
    cache = EmbeddingCache()
    embed_with_stats(TEXTS, ModelRef("fake", "fake-a"), cache)
    embed_with_stats(TEXTS, ModelRef("fake", "fake-a"), cache)
    result = embed_with_stats(TEXTS, ModelRef("fake", "fake-b"), cache)
    assert result.cache_hits == 0
    stats = cache.stats()
    assert (stats.hits, stats.misses) == (3, 6)
    assert stats.entries == 6 and stats.size_bytes > 0


def test_cached_run_remembers_cold_speed(fake_backend):
    cache = EmbeddingCache()
    ref = ModelRef("fake", "fake-a")
    embed_with_stats(TEXTS, ref, cache)
    warm = embed_with_stats(TEXTS, ref, cache)
    assert warm.computed == 0 and warm.cold_ms_per_text is not None
    assert "cores" in warm.last_cold["where"]


def test_failures_are_never_cached(fake_backend):
    cache = EmbeddingCache()
    result = embed_with_stats(TEXTS, ModelRef("fake", "fake-broken"), cache)
    assert not result.ok and "always fails" in result.error
    assert cache.stats().entries == 0


def test_clear_empties_everything(fake_backend):
    cache = EmbeddingCache()
    embed_with_stats(TEXTS, ModelRef("fake", "fake-a"), cache)
    cache.clear()
    stats = cache.stats()
    assert (stats.entries, stats.hits, stats.misses) == (0, 0, 0)
    assert embed_with_stats(TEXTS, ModelRef("fake", "fake-a"), cache).computed == 3


def test_corrupt_cache_is_moved_aside_and_restarted(hfcompare_home, fake_backend):
    directory = hfcompare_home / "cache"
    directory.mkdir(parents=True)
    (directory / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    cache = EmbeddingCache(directory)
    assert cache.warnings and "moved to" in cache.warnings[0]
    assert list(hfcompare_home.glob("cache.corrupt-*"))
    assert embed_with_stats(TEXTS, ModelRef("fake", "fake-a"), cache).computed == 3
