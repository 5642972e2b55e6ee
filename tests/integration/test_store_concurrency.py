"""Several processes writing to one store at once lose nothing, on both engines (SQLite: WAL and
the busy timeout; PostgreSQL: its own locking), even when they all create and migrate a fresh
database at the same moment."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import pytest

PROCESSES, ROWS = 4, 250


def _writer(url: str, worker: int, start) -> None:
    from hfcompare.storage.store import Store

    start.wait()
    store = Store(url=url)
    for i in range(ROWS):
        store.log_call("local", f"model-{worker}", "embeddings", 0.01 * i, ok=i % 7 != 0,
                       error_kind=None if i % 7 else "crashed", items=1)
        if i % 50 == 0:
            store.add_vote("generation", f"prompt {i}", f"model-{worker}", "other", "a")
    store.close()


def test_m_processes_writing_n_rows_each_leave_m_times_n_rows(store_url):
    context = mp.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_writer, args=(store_url, w, start)) for w in range(PROCESSES)]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    from hfcompare.storage.store import Store

    store = Store(url=store_url)
    calls = store.calls()
    assert len(calls) == PROCESSES * ROWS
    assert {c["model"] for c in calls} == {f"model-{w}" for w in range(PROCESSES)}
    assert len(store.votes("generation")) == PROCESSES * (ROWS // 50)
    assert store.warnings == []
    store.close()


# --- busy is not corrupt (issue 16 §5) ----------------------------------------------------------

HOLD_S = 1.0


def _hold_write_lock(path: str, journal: str, locked, done) -> None:
    """Take the write lock, write a row, keep the lock a while, then commit."""
    import sqlite3
    import time

    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA journal_mode = {journal}")
    connection.execute("CREATE TABLE IF NOT EXISTS held (note TEXT)")
    connection.execute("BEGIN EXCLUSIVE")
    connection.execute("INSERT INTO held VALUES ('written under the lock')")
    locked.set()
    time.sleep(HOLD_S)
    connection.execute("COMMIT")
    connection.close()
    done.set()


def _locked_by_another_process(path: str, journal: str):
    context = mp.get_context("spawn")
    locked, done = context.Event(), context.Event()
    holder = context.Process(target=_hold_write_lock, args=(path, journal, locked, done))
    holder.start()
    assert locked.wait(timeout=60)
    return holder, done


def _rows(path: str, sql: str) -> list:
    import sqlite3

    with sqlite3.connect(path) as raw:
        return raw.execute(sql).fetchall()


def test_a_store_locked_by_another_process_while_opening_is_waited_for_never_moved(tmp_path):
    """A database another process holds the write lock of (no WAL yet, so even reading waits):
    opening with a short busy timeout retries instead of moving the live file aside."""
    from hfcompare.storage.store import Store

    path = str(tmp_path / "store.sqlite3")
    holder, done = _locked_by_another_process(path, "DELETE")
    store = Store(Path(path), busy_timeout_ms=300)
    store.save_state("abcdefghijklmnop", "embeddings", {"texts": "saved after the lock"})
    holder.join(timeout=60)
    assert holder.exitcode == 0 and done.is_set()
    assert store.warnings == [] and not list(tmp_path.glob("*.corrupt-*"))
    assert store.load_state("abcdefghijklmnop") == ("embeddings", {"texts": "saved after the lock"})
    store.close()
    assert _rows(path, "SELECT note FROM held") == [("written under the lock",)]


def test_writing_while_another_process_holds_the_write_lock_loses_nothing(tmp_path):
    from hfcompare.storage.store import Store

    path = str(tmp_path / "store.sqlite3")
    first = Store(Path(path))
    first.save_state("aaaaaaaaaaaaaaaa", "embeddings", {"texts": "before"})
    first.close()
    holder, done = _locked_by_another_process(path, "WAL")
    store = Store(Path(path), busy_timeout_ms=300)
    store.save_state("bbbbbbbbbbbbbbbb", "embeddings", {"texts": "during"})   # waits for the lock
    store.add_vote("generation", "p", "a", "b", "a")
    holder.join(timeout=60)
    assert holder.exitcode == 0 and done.is_set()
    assert store.warnings == [] and not list(tmp_path.glob("*.corrupt-*"))
    assert store.load_state("aaaaaaaaaaaaaaaa") == ("embeddings", {"texts": "before"})
    assert store.load_state("bbbbbbbbbbbbbbbb") == ("embeddings", {"texts": "during"})
    assert len(store.votes("generation")) == 1
    store.close()
    assert _rows(path, "SELECT note FROM held") == [("written under the lock",)]


TRACKERS, TRACKED = 8, 500


def _tracker(url: str, worker: int, start) -> None:
    import os

    os.environ["HFCOMPARE_DATABASE_URL"] = url
    from hfcompare import monitoring

    start.wait()
    for i in range(TRACKED):
        monitoring.track(model=f"model-{worker % 3}", latency_s=0.001 * i, ok=i % 10 != 0,
                         satisfaction=(i % 5) / 4, variant="ab"[i % 2], source=f"host-{worker}")
    assert monitoring.flush(120.0) and monitoring.dropped() == 0


def _run_all(target, args_of, count: int, timeout_s: float = 300) -> None:
    context = mp.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=target, args=(*args_of(w), start)) for w in range(count)]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(timeout=timeout_s)
        assert w.exitcode == 0


def test_eight_processes_tracking_500_calls_each_leave_4000_rows(store_url):
    """The brief's production monitoring from several hosts at once: none of 4,000 rows is lost."""
    from hfcompare.storage.store import Store

    _run_all(_tracker, lambda w: (store_url, w), TRACKERS)
    store = Store(url=store_url)
    rows = store.calls()
    store.close()
    assert len(rows) == TRACKERS * TRACKED
    assert {r["source"] for r in rows} == {f"host-{w}" for w in range(TRACKERS)}


APPS, VOTES = 4, 100


def _app_voting(url: str, worker: int, start) -> None:
    """What one app process does when its visitors vote and share: the Arena page's `add_vote` and
    the share link's `save_state`, on the process's shared store (HFCOMPARE_DATABASE_URL)."""
    import os

    os.environ["HFCOMPARE_DATABASE_URL"] = url
    from hfcompare.storage.sharing import Field, link_for
    from hfcompare.storage.store import shared_store

    start.wait()
    store = shared_store()
    for i in range(VOTES):
        store.add_vote("generation", f"app {worker} prompt {i}", "local:a", "local:b", ("a", "b", "tie")[i % 3])
        if i % 10 == 0:
            params, problems = link_for("generation", {"system": f"app {worker} view {i} " + "x" * 300},
                                        {"system": Field("str", max_chars=20_000)}, store, short_above=200)
            assert list(params) == ["c"] and problems == []


def test_four_app_processes_voting_at_once_on_postgresql_lose_no_vote(postgres_url):
    from hfcompare.storage.store import Store
    from tests.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        _run_all(_app_voting, lambda w: (url, w), APPS)
        store = Store(url=url)
        votes = store.votes("generation")
        assert len(votes) == APPS * VOTES and len({v["prompt"] for v in votes}) == APPS * VOTES
        assert len({v["id"] for v in votes}) == APPS * VOTES
        assert store.link_usage()[0] == APPS * (VOTES // 10)
        store.close()


APP_VOTES = 8


def _arena_app(url: str, home: str, worker: int, start) -> None:
    """One app process: the Arena page (AppTest, fake backend) running battles and voting through
    its own buttons, on the store HFCOMPARE_DATABASE_URL names."""
    import os

    os.environ["HFCOMPARE_DATABASE_URL"] = url
    os.environ["HFCOMPARE_HOME"] = home
    from hfcompare.backends import register_backend
    from tests.app.pages import open_app
    from tests.conftest import FakeBackend

    backend = FakeBackend()
    register_backend("fake", lambda: backend)
    at = open_app("app_pages/arena.py")
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b"])
    start.wait()
    for i in range(APP_VOTES):
        at.text_input[0].set_value(f"app {worker} question {i}").run()
        next(b for b in at.button if b.key == "arena_new_generation").click().run()
        next(b for b in at.button if b.key == f"vote_generation_{'ab'[i % 2]}").click().run()
        assert not at.exception and any("Saved" in s.value for s in at.success), [e.value for e in at.error]


@pytest.mark.slow  # four app processes voting on a throwaway PostgreSQL (about 17 s)
def test_four_app_processes_voting_through_the_arena_page_on_postgresql_lose_no_vote(postgres_url, tmp_path):
    from hfcompare.storage.store import Store
    from tests.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        _run_all(_arena_app, lambda w: (url, str(tmp_path / f"home-{w}"), w), APPS)
        store = Store(url=url)
        prompts = [v["prompt"] for v in store.votes("generation")]
        store.close()
    assert sorted(prompts) == sorted(f"app {w} question {i}" for w in range(APPS) for i in range(APP_VOTES))
