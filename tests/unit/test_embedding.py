"""Running several models: failures stay with their model; the embed() API contract."""

from __future__ import annotations

import numpy as np
import pytest

from hfcompare.backends import BackendError
from hfcompare.cache import EmbeddingCache
from hfcompare.embedding import compare_embeddings, embed
from hfcompare.spec import ModelRef

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
