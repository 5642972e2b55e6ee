"""The disk cache: keys, only-misses computing, counters, clearing, corruption recovery."""

from __future__ import annotations

import numpy as np

from hfcompare.config import SPEED_PASSES
from hfcompare.embeddings.runs import embed_with_stats
from hfcompare.embeddings.speed import SpeedStats
from hfcompare.refs import ModelRef
from hfcompare.storage.cache import EmbeddingCache, vector_key

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
    # a fixed-length digest: no text, however long, can be spelled out in a key
    long_text = "Reset my password please " * 40
    assert len(vector_key("local", "m", "rev1", {"a": 1}, long_text)) == len(base) == len("vec|") + 64


def test_texts_never_reach_the_cache_on_disk(fake_backend, tmp_path):
    """Texts are hashed, never stored: no file under the cache holds them, while the keys that are stored do show
    (so the scan can see what the cache writes)."""
    texts = ["Quarterly invoice for Zanzibar Textiles", "Unmistakable marker sentence 7f3e"]
    cache = EmbeddingCache(tmp_path / "cache")
    embed_with_stats(texts, ModelRef("fake", "fake-a"), cache)
    cache.close()
    stored = b"".join(path.read_bytes() for path in (tmp_path / "cache").rglob("*") if path.is_file())
    assert stored, "the cache wrote nothing"
    reopened = EmbeddingCache(tmp_path / "cache")
    keys = [k for k in reopened._cache.iterkeys()]
    reopened.close()
    assert len(keys) == 2 and all(key.encode() in stored for key in keys)
    for text in texts:
        assert text.encode() not in stored, text


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
    assert fake_backend.calls[0] == ["A brand new question"]
    # then a warm-up and the timed passes over a sample of all the texts, straight to the model
    assert fake_backend.calls[1:] == [TEXTS + ["A brand new question"]] * (1 + SPEED_PASSES)
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
    assert warm.computed == 0 and warm.cold_ms_per_text == warm.speed.median_ms
    assert "cores" in warm.speed.where and warm.speed.this_run is False


def test_speed_records_round_trip_with_their_spread():
    cache = EmbeddingCache()
    stats = SpeedStats(7.09, 6.8, 27.82, 5, 20, "CPU, 2 cores", "2025-05-01T12:34:56+00:00", True)
    cache.record_timing("local|m|rev", stats.to_record())
    loaded = SpeedStats.from_record(EmbeddingCache(cache.directory).timing_record("local|m|rev"))
    assert loaded == SpeedStats(7.09, 6.8, 27.82, 5, 20, "CPU, 2 cores", "2025-05-01T12:34:56+00:00", False)
    assert cache.timing_record("local|other|rev") is None


def test_old_single_pass_records_load_as_one_pass():
    # the format before speeds had a spread: one cold pass, time as epoch seconds
    old = {"ms_per_text": 7.09, "n_texts": 20, "where": "CPU, 2 cores", "measured_at": 1714560000.0}
    assert SpeedStats.from_record(old) == SpeedStats(7.09, 7.09, 7.09, 1, 20, "CPU, 2 cores",
                                                     "2024-05-01T10:40:00+00:00", False)


def test_a_speed_is_remembered_for_the_texts_it_was_timed_on(fake_backend):
    """A fully cached run shows the speed timed on its own texts, never one timed on other texts (an
    evaluation over longer texts, say): records made before speeds named their texts are not used."""
    cache = EmbeddingCache()
    ref = ModelRef("fake", "fake-a")
    first = embed_with_stats(TEXTS, ref, cache).speed
    other = embed_with_stats(TEXTS[::-1] + ["one more, longer text " * 20], ref, cache).speed
    assert first.texts_id and other.texts_id != first.texts_id
    again = embed_with_stats(TEXTS, ref, cache).speed
    assert again.this_run is False and again.texts_id == first.texts_id and again.pass_ms == first.pass_ms
    cache._meta.set("meta|timing|fake|fake-a|default", {"ms_per_text": 7.09, "n_texts": 20})  # the old key
    fresh = EmbeddingCache()
    embed_with_stats(TEXTS, ref, fresh)
    for key in list(fresh._meta.iterkeys()):
        if str(key).startswith("meta|timing|"):
            fresh._meta.delete(key)
    fresh._meta.set("meta|timing|fake|fake-a|default", {"ms_per_text": 7.09, "n_texts": 20})
    assert embed_with_stats(TEXTS, ref, fresh).speed is None   # cached vectors, no speed of these texts


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


def test_a_locked_cache_is_retried_never_moved_aside(hfcompare_home, monkeypatch):
    """'database is locked' is busy, not corrupt: the cache is opened again and nothing is moved."""
    import sqlite3

    import diskcache

    real, calls = diskcache.Cache, []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) <= 2:
            raise sqlite3.OperationalError("database is locked")
        return real(*args, **kwargs)

    directory = hfcompare_home / "cache"
    EmbeddingCache(directory).close()
    monkeypatch.setattr(diskcache, "Cache", flaky)
    cache = EmbeddingCache(directory)
    assert cache.warnings == [] and not list(hfcompare_home.glob("cache.corrupt-*"))
    assert len(calls) == 4   # two refusals, then the vectors and the counters
    cache.close()


def test_a_permission_error_gets_its_own_message_and_moves_nothing(hfcompare_home, monkeypatch):
    import diskcache
    import pytest

    from hfcompare.storage.cache import CacheUnavailable

    directory = hfcompare_home / "cache"
    EmbeddingCache(directory).close()

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(directory))

    monkeypatch.setattr(diskcache, "Cache", refuse)
    with pytest.raises(CacheUnavailable, match="may read and write"):
        EmbeddingCache(directory)
    assert directory.exists() and not list(hfcompare_home.glob("cache.corrupt-*"))


def test_a_cache_folder_removed_while_running_is_started_again_with_a_warning(tmp_path):
    """Its files gone, a cache would write to the unlinked ones (lost) or fail in every new thread;
    it starts afresh instead, and says so."""
    import shutil
    import threading

    from hfcompare.storage.cache import GenerationCache

    home = tmp_path / "home"
    cache, answers = EmbeddingCache(home / "cache"), GenerationCache(home / "generations")
    cache.set_vectors({"vec|before": np.ones(3, dtype=np.float32)})
    shutil.rmtree(home)
    seen: list = []
    reader = threading.Thread(target=lambda: seen.append(cache.stats()))   # a new thread: a new connection
    reader.start()
    reader.join()
    assert seen and seen[0].entries == 0
    cache.set_vectors({"vec|after": np.ones(3, dtype=np.float32)})
    answers.set("after", {"text": "kept"})
    assert any("was removed while the app ran" in w for w in cache.warnings + answers.warnings)
    cache.close()
    again = EmbeddingCache(home / "cache")
    assert set(again.get_vectors(["vec|before", "vec|after"])) == {"vec|after"}
    assert GenerationCache(home / "generations").get("after") == {"text": "kept"}


def test_a_cache_that_cannot_be_written_still_gives_the_results_and_says_so(fake_backend, tmp_path):
    """A full disk or a read-only cache: the run still returns its vectors and answers (not a model
    that "crashed"); they are not kept, and the sidebar's warnings say why."""
    from hfcompare.storage.cache import GenerationCache

    cache, answers = EmbeddingCache(tmp_path / "cache"), GenerationCache(tmp_path / "generations")
    for part in (cache._cache, cache._meta, answers._cache):   # as on a full disk: no page may be added
        pages = part._con.execute("PRAGMA page_count").fetchone()[0]
        part._con.execute(f"PRAGMA max_page_count = {pages}")
    texts = [f"text number {i}" for i in range(300)]   # more vectors than the pages there are hold
    result = embed_with_stats(texts, ModelRef("fake", "fake-a"), cache)
    assert result.error is None and result.vectors.shape[0] == 300
    answers.set("k", {"text": "answer " * 2000})
    assert answers.get("k") is None
    said = cache.warnings + answers.warnings
    assert len(said) == 2 and all("cannot be written" in w and "not kept" in w for w in said)
