"""The store under faults (issue 25, points 2 and 5): a file removed or replaced while the app runs is
noticed and started again with a warning, never written to silently; a damaged, read-only or full
store is a sentence without the SQL or its parameters."""

from __future__ import annotations

import logging
import os

import pytest

from hfcompare.storage.store import Store, StoreUnavailable

CANARY = "user-state-canary-7781"


def _remove(path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")


def test_a_removed_store_is_started_again_and_later_writes_are_kept(tmp_path, caplog):
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    store.save_state("aaaaaaaaaaaaaaaa", "embeddings", {"texts": ["before"]})
    _remove(path)
    with caplog.at_level(logging.WARNING):
        vote = store.add_vote("generation", "hi", "local:a", "local:b", "a")
        store.save_state("bbbbbbbbbbbbbbbb", "embeddings", {"texts": ["after"]})
    assert path.exists()
    assert any("was removed while the app ran" in w for w in store.warnings)
    assert any("was removed while the app ran" in r.getMessage() for r in caplog.records)
    store.close()
    reopened = Store(path)                       # as after a restart: what was reported saved is there
    assert [v["id"] for v in reopened.votes()] == [vote]
    assert reopened.load_state("bbbbbbbbbbbbbbbb") == ("embeddings", {"texts": ["after"]})
    assert reopened.load_state("aaaaaaaaaaaaaaaa") is None


def test_a_replaced_store_file_is_used_in_place_of_the_old_one(tmp_path):
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    store.add_vote("generation", "old", "local:a", "local:b", "a")
    other = Store(tmp_path / "other.sqlite3")
    other.add_vote("retrieval", "new", "local:c", "local:d", "b")
    other.close()
    _remove(path)
    os.replace(tmp_path / "other.sqlite3", path)
    assert [v["prompt"] for v in store.votes()] == ["new"]
    assert any("was replaced" in w for w in store.warnings)


def _message(call) -> str:
    with pytest.raises(StoreUnavailable) as info:
        call()
    text = str(info.value)
    assert CANARY not in text and "INSERT" not in text and "SELECT" not in text and "[SQL" not in text
    assert "Comparisons still run" in text
    return text


def test_a_read_only_store_says_so_and_saves_nothing(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    with store.engine.connect() as connection:   # the one shared connection: SQLite refuses every write now
        connection.exec_driver_sql("PRAGMA query_only = ON")
    text = _message(lambda: store.add_vote("generation", CANARY, "local:a", "local:b", "a"))
    assert "cannot be written" in text and "Nothing was saved" in text
    _message(lambda: store.save_state("cccccccccccccccc", "embeddings", {"texts": [CANARY]}))


def test_a_full_store_says_the_disk_is_full(tmp_path):
    store = Store(tmp_path / "s.sqlite3")
    with store.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
    text = _message(lambda: store.save_state("dddddddddddddddd", "embeddings", {"texts": [CANARY * 2000]}))
    assert "is full" in text


def test_a_store_damaged_while_running_is_a_sentence_and_is_moved_aside_on_restart(tmp_path, caplog):
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    for i in range(40):
        store.save_state(f"{i:016d}", "embeddings", {"texts": [CANARY * 50]})
    store.close()
    store = Store(path)
    with open(path, "r+b") as raw:               # overwrite every page after the header with junk
        raw.seek(100)
        raw.write(os.urandom(path.stat().st_size - 100))
    text = _message(lambda: store.load_state("0000000000000001") or store.link_usage())
    assert "damaged" in text or "cannot be read" in text
    store.close()
    with caplog.at_level(logging.WARNING):
        fresh = Store(path)
    assert any("moved to" in w for w in fresh.warnings)
    assert any("moved to" in r.getMessage() for r in caplog.records)


def test_a_removed_store_folder_is_made_again_and_later_writes_are_kept(tmp_path, caplog):
    import shutil

    folder = tmp_path / "home"
    folder.mkdir()
    path = folder / "s.sqlite3"
    store = Store(path)
    store.add_vote("generation", "before", "local:a", "local:b", "a")
    shutil.rmtree(folder)
    with caplog.at_level(logging.WARNING):
        vote = store.add_vote("generation", "after", "local:a", "local:b", "b")
        store.save_state("eeeeeeeeeeeeeeee", "embeddings", {"texts": ["after"]})
    said = [w for w in store.warnings if f"folder {folder} was removed while the app ran" in w]
    assert said and any(said[0] == r.getMessage() for r in caplog.records)
    store.close()
    reopened = Store(path)                       # as after a restart: what was reported saved is there
    assert [(v["id"], v["prompt"]) for v in reopened.votes()] == [(vote, "after")]
    assert reopened.load_state("eeeeeeeeeeeeeeee") == ("embeddings", {"texts": ["after"]})


def test_a_store_folder_that_cannot_be_made_again_is_a_sentence_that_says_what_still_works(tmp_path):
    import shutil

    folder = tmp_path / "home"
    folder.mkdir()
    store = Store(folder / "s.sqlite3")
    shutil.rmtree(folder)
    folder.write_text("a file where the folder was")
    text = _message(lambda: store.add_vote("generation", CANARY, "local:a", "local:b", "a"))
    assert f"folder {folder} does not exist and cannot be created" in text
    assert not (tmp_path / "home").is_dir()


def test_a_read_only_database_server_is_a_sentence_without_the_sql(postgres_url):
    """PostgreSQL refusing writes (a read-only replica, default_transaction_read_only) is the same kind
    of sentence as a read-only SQLite file, never the driver's error with the SQL and the user's text."""
    import sqlalchemy

    from tests.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        store = Store(url=url)
        store.add_vote("generation", "before", "local:a", "local:b", "a")
        name = sqlalchemy.engine.make_url(url).database
        admin = sqlalchemy.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
        admin.dispose()
        store.engine.dispose()                   # new sessions take the database's setting
        text = _message(lambda: store.add_vote("generation", CANARY, "local:a", "local:b", "a"))
        assert "refuses writes: it is read-only" in text and "Nothing was saved" in text
        _message(lambda: store.save_state("ffffffffffffffff", "embeddings", {"texts": [CANARY]}))
        assert [v["prompt"] for v in store.votes()] == ["before"]   # reading still works
        store.close()


def test_the_file_epoch_counts_reopenings_so_a_link_saved_before_is_saved_again(tmp_path):
    path = tmp_path / "s.sqlite3"
    store = Store(path)
    store.save_state("gggggggggggggggg", "embeddings", {"texts": ["shown"]})
    assert store.file_epoch() == 0
    _remove(path)
    assert store.file_epoch() == 1               # noticed by the check itself, before any read or write
    assert any("was removed while the app ran" in w for w in store.warnings)
    assert store.load_state("gggggggggggggggg") is None
    assert store.file_epoch() == 1
