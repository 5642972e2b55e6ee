"""The cache-key recipe lives once in the library: a run and the count of what a run would compute agree."""

from __future__ import annotations

from hfcompare.embeddings.runs import embed_with_stats, uncached_count
from hfcompare.refs import ModelRef
from hfcompare.storage.cache import EmbeddingCache


def test_uncached_count_agrees_with_what_a_run_computes(tmp_path, fake_backend):
    cache = EmbeddingCache(tmp_path / "cache")
    ref = ModelRef("fake", "fake-a")
    texts = ["one", "two", "three"]
    assert uncached_count([ref], cache, texts=texts) == 3
    result = embed_with_stats(texts[:2], ref, cache, speed_passes=0)
    assert result.ok and result.computed == 2
    assert uncached_count([ref], cache, texts=texts) == 1
    assert uncached_count([ModelRef("lexical", "tfidf")], cache, texts=texts) == 0   # refits every run
    # a role and a prompt are part of the key: the same texts as queries with a prompt are all new
    assert uncached_count([ref], cache, batches=lambda r, b: [("query", "q: ", texts[:2])]) == 2
    embed_with_stats(texts[:2], ref, cache, speed_passes=0, role="query", prompt="q: ")
    assert uncached_count([ref], cache, batches=lambda r, b: [("query", "q: ", texts[:2])]) == 0
