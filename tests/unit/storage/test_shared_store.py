"""One store per process: the pages and the call log share it, and its one connection serves many
threads (one statement or transaction at a time)."""

from __future__ import annotations

import threading

from hfcompare import monitoring
from hfcompare.storage.calllog import record_call
from hfcompare.storage.store import shared_store


def test_the_call_log_writes_to_the_store_the_pages_read(tmp_path, monkeypatch):
    monkeypatch.setenv("HFCOMPARE_HOME", str(tmp_path))
    store = shared_store()
    assert shared_store(tmp_path / "hfcompare.sqlite3") is store
    record_call("fake", "fake-a", "embeddings", 0.25, True, items=3)
    assert monitoring.flush(10.0)   # written in the background
    assert [(c["model"], c["items"]) for c in store.calls()] == [("fake-a", 3)]


def test_threads_saving_links_and_logging_calls_on_the_shared_store_lose_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("HFCOMPARE_HOME", str(tmp_path))
    store, errors = shared_store(), []

    def work(worker: int) -> None:
        try:
            for i in range(40):
                store.save_state(f"w{worker}i{i}", "embeddings", {"texts": f"{worker}-{i}"})
                record_call("fake", f"model-{worker}", "embeddings", 0.01, True)
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and monitoring.flush(30.0)
    assert store.link_usage()[0] == 8 * 40
    assert len(store.calls()) == 8 * 40


def test_the_call_log_never_waits_for_the_store_and_writes_where_it_was_configured(tmp_path, monkeypatch):
    from hfcompare.storage.store import Store

    first, second = tmp_path / "first", tmp_path / "second"
    monkeypatch.setenv("HFCOMPARE_HOME", str(first))
    shared_store()
    release = threading.Event()
    original = Store.log_calls
    monkeypatch.setattr(Store, "log_calls", lambda self, rows: release.wait(30) and original(self, rows))
    record_call("fake", "fake-a", "embeddings", 0.25, True)   # returns while the writer is held
    monkeypatch.setenv("HFCOMPARE_HOME", str(second))         # a later store does not take the row
    assert not monitoring.flush(0.2)
    release.set()
    assert monitoring.flush(30.0)
    assert [c["model"] for c in shared_store(first / "hfcompare.sqlite3").calls()] == ["fake-a"]
    assert shared_store().calls() == []
