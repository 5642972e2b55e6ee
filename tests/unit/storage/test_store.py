"""The store on both engines (the `make_store` fixture runs each test on SQLite and on PostgreSQL):
share links and their bounds, votes, the call log, A/B plans and outcomes, migrations, threads.
SQLite's own recovery (corrupt files, permissions, version 0.1 files) and PostgreSQL's login and
reachability messages follow."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy.exc import IntegrityError

from hfcompare.storage.database import LEGACY
from hfcompare.storage.schema import HEAD
from hfcompare.storage.sharing import from_query, link_for, state_id
from hfcompare.storage.store import StateTooLarge, Store, StoreUnavailable
from tests.link_pages import fields


def to_query(page: str, state: dict, store=None) -> dict[str, str]:
    return link_for(page, state, fields(page), store)[0]


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


# --- both engines ---------------------------------------------------------------------------------


def test_a_new_store_is_migrated_to_the_newest_revision(make_store):
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    import hfcompare.storage.database as database

    config = Config()
    config.set_main_option("script_location", str(Path(database.__file__).with_name("migrations")))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD
    store = make_store()
    assert store.schema_version == HEAD
    assert make_store().schema_version == HEAD   # a second open finds nothing to do


def test_the_tables_the_code_uses_are_the_ones_the_migrations_make(make_store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from hfcompare.storage.schema import metadata

    store = make_store()
    with store._engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_ids_are_content_addressed_and_never_rebound(make_store):
    store = make_store()
    state = {"texts": "a\nb" * 2000}
    first = to_query("embeddings", state, store)["c"]
    assert first == state_id("embeddings", state)
    assert to_query("embeddings", {"texts": "a\nb" * 2000 + "!"}, store)["c"] != first
    store.save_state(first, "embeddings", {"texts": "something else"})   # a collision attempt
    assert store.load_state(first) == ("embeddings", state)


def test_a_stored_state_opened_on_the_wrong_page_is_refused(make_store):
    store = make_store()
    sid = to_query("scorecard", {"task": "generation", "candidates": ["x/" + "y" * 280] * 30}, store)["c"]
    state, warnings = from_query("embeddings", {"c": sid}, fields("embeddings"), store)
    assert state == {} and "belongs to the scorecard page" in warnings[0]


def test_a_state_over_the_size_limit_is_refused_with_a_clear_message(make_store):
    store = make_store(max_state_bytes=10_000)
    params, problems = link_for("embeddings", {"texts": "word " * 5_000}, fields("embeddings"), store)
    assert params == {} and "too large to share" in problems[0] and "at most 10 KB" in problems[0]
    with pytest.raises(StateTooLarge):
        store.save_state("abcdefghijklmnop", "embeddings", {"texts": "x" * 20_000})
    assert store.link_usage() == (0, 0)


def test_past_the_quota_the_least_recently_used_links_go_and_recent_ones_stay(make_store):
    store = make_store(max_state_bytes=2_000, quota_bytes=12_000)   # six links of ~1.9 KB
    store.clock = clock = Clock()
    ids = []
    for i in range(8):
        clock.now += 10
        state = {"texts": f"text {i} " + "x" * 1_900}
        ids.append(to_query("embeddings", state, store)["c"])
        if i == 5:   # the two oldest links are opened now, so they are recently used
            for old in ids[:2]:
                clock.now += 1
                assert store.load_state(old)[0] == "embeddings"
    count, size = store.link_usage()
    assert size <= 12_000 and count == 6
    # the oldest links nobody used since went; the opened ones and the newest stay
    assert store.saved_ids() == {ids[0], ids[1], *ids[4:]}
    assert store.load_state(ids[2]) is None
    state, warnings = from_query("embeddings", {"c": ids[3]}, fields("embeddings"), store)
    assert state == {} and "No saved comparison" in warnings[0]


def test_links_never_opened_expire_and_opened_ones_stay(make_store):
    store = make_store(expiry_s=3_600)
    store.clock = clock = Clock()
    store.save_state("aaaaaaaaaaaaaaaa", "embeddings", {"texts": "never opened"})
    store.save_state("bbbbbbbbbbbbbbbb", "embeddings", {"texts": "opened"})
    clock.now += 60
    assert store.load_state("bbbbbbbbbbbbbbbb") == ("embeddings", {"texts": "opened"})
    clock.now += 7_200
    assert store.load_state("aaaaaaaaaaaaaaaa") is None                  # expired, even before it is purged
    store.save_state("cccccccccccccccc", "embeddings", {"texts": "new"})   # saving purges
    assert store.saved_ids() == {"bbbbbbbbbbbbbbbb", "cccccccccccccccc"}


def test_votes_keep_their_order_and_arena_and_refuse_an_unknown_winner(make_store):
    store = make_store()
    first = store.add_vote("generation", "Hi", "local:a", "local:b", "a")
    second = store.add_vote("other", "Yo", "local:b", "local:c", "tie")
    third = store.add_vote("generation", "Ho", "local:b", "local:a", "both_bad")
    assert first < second < third
    assert [v["id"] for v in store.votes()] == [first, second, third]
    assert [(v["prompt"], v["winner"]) for v in store.votes("generation")] == [("Hi", "a"), ("Ho", "both_bad")]
    with pytest.raises(IntegrityError):
        store.add_vote("generation", "Hi", "local:a", "local:b", "c")
    assert len(store.votes()) == 3


def test_the_call_log_filters_by_time_model_backend_and_source(make_store):
    store = make_store()
    store.log_call("fake", "m1", "embed", 0.25, True, items=3, ts=100.0)
    store.log_calls([
        {"ts": 200.0, "backend": "openai", "model": "m2", "task": "generate", "latency_s": 1.5, "ok": False,
         "error_kind": "RemoteTimeoutError", "tokens": 12},
        {"ts": 300.0, "backend": "prod", "model": "m1", "task": "generate", "latency_s": 0.5, "ok": True,
         "source": "support-bot", "variant": "B", "satisfaction": 4.0, "tags": {"region": "eu", "tier": 2}},
    ])
    store.log_calls([])
    rows = store.calls()
    assert [r["ts"] for r in rows] == [100.0, 200.0, 300.0]
    assert rows[0]["ok"] is True and rows[0]["items"] == 3 and rows[0]["source"] == "hfcompare"
    assert rows[1]["ok"] is False and rows[1]["error_kind"] == "RemoteTimeoutError" and rows[1]["tokens"] == 12
    assert rows[2]["tags"] == {"region": "eu", "tier": 2} and rows[2]["satisfaction"] == 4.0
    assert [r["ts"] for r in store.calls(since=150.0)] == [200.0, 300.0]
    assert [r["ts"] for r in store.calls(models=["m1"])] == [100.0, 300.0]
    assert [r["ts"] for r in store.calls(backends=["openai"])] == [200.0]
    assert [r["variant"] for r in store.calls(sources=["support-bot"])] == ["B"]
    assert store.call_sources() == ["hfcompare", "support-bot"]


def test_the_newest_calls_their_count_and_the_values_to_filter_by(make_store):
    store = make_store()
    store.log_calls([{"ts": float(i), "backend": "fake" if i % 2 else "openai", "model": f"m{i % 3}",
                      "task": "embed", "latency_s": 0.1, "ok": True, "source": "bot" if i >= 6 else None}
                     for i in range(10)])
    assert [r["ts"] for r in store.calls(newest=3)] == [7.0, 8.0, 9.0]          # the latest, oldest first
    assert [r["ts"] for r in store.calls(sources=["hfcompare"], newest=2)] == [4.0, 5.0]
    assert store.count_calls() == 10 and store.count_calls(since=5.0, models=["m0"]) == 2   # ts 6 and 9
    assert store.count_calls(backends=["openai"], sources=["bot"]) == 2
    assert store.call_values("model") == ["m0", "m1", "m2"]
    assert store.call_values("backend", sources=["bot"]) == ["fake", "openai"]
    assert store.call_values("model", sources=["nobody"]) == []


def test_old_calls_are_pruned_by_age_and_source_from_the_command_line(store_url, monkeypatch, capsys, tmp_path):
    import time

    from hfcompare.cli import main

    monkeypatch.setenv("HFCOMPARE_HOME", str(tmp_path))
    monkeypatch.setenv("HFCOMPARE_DATABASE_URL", store_url)
    now = time.time()
    store = Store(url=store_url)
    store.log_calls([{"ts": now - days * 86_400, "backend": "b", "model": "m", "task": "t", "latency_s": 0.1,
                      "ok": True, "source": source} for days in (40, 20, 1) for source in ("bot", None)])
    assert main(["prune-calls", "--older-than-days", "30", "--source", "bot"]) == 0
    assert "Deleted 1 call from bot older than 30 days" in capsys.readouterr().out
    assert main(["prune-calls", "--older-than-days", "10"]) == 0
    assert "Deleted 3 calls older than 10 days" in capsys.readouterr().out
    assert len(store.calls()) == 2 and all(now - r["ts"] < 2 * 86_400 for r in store.calls())
    assert main(["prune-calls", "--older-than-days", "0"]) == 2
    store.close()


def test_the_call_log_is_readable_as_the_briefs_model_metrics_table(make_store):
    from sqlalchemy import text

    store = make_store()
    store.log_calls([{"ts": 5.0, "backend": "prod", "model": "m", "task": "generate", "latency_s": 0.4, "ok": True,
                      "source": "support-bot"}])
    with store._engine.connect() as connection:
        rows = connection.execute(text("SELECT model, latency, success, timestamp, source FROM model_metrics"))
        assert [tuple(row) for row in rows] == [("m", 0.4, 1, 5.0, "support-bot")]


def test_an_experiments_first_plan_stays_and_its_outcomes_are_kept_in_order(make_store):
    store = make_store()
    plan = store.plan_experiment("tone", 0.5, 200, 0.05)
    assert store.plan_experiment("tone", 0.9, 10, 0.1) == plan and plan["per_variant"] == 200
    store.log_outcome("tone", "u1", "A", 1.0, ts=1.0)
    store.log_outcome("tone", "u2", "B", 0.0, ts=2.0)
    store.log_outcome("length", "u1", "A", 3.5, ts=3.0)
    assert store.outcomes("tone") == [{"user_id": "u1", "variant": "A", "outcome": 1.0, "ts": 1.0},
                                      {"user_id": "u2", "variant": "B", "outcome": 0.0, "ts": 2.0}]
    assert store.experiments() == ["length", "tone"]
    assert store.experiment_plan("length") is None


def test_everything_saved_is_there_after_reopening(make_store):
    store = make_store()
    store.save_state("abcdefghijklmnop", "generation", {"prompts": ["Hi"]})
    store.add_vote("generation", "Hi", "local:a", "local:b", "b")
    store.log_call("fake", "m", "embed", 0.1, True)
    store.log_outcome("tone", "u", "A", 1.0)
    store.close()
    again = make_store()
    assert again.load_state("abcdefghijklmnop") == ("generation", {"prompts": ["Hi"]})
    assert [v["winner"] for v in again.votes()] == ["b"]
    assert len(again.calls()) == 1 and len(again.outcomes("tone")) == 1


def _link_id(n: int, i: int) -> str:
    return "abcdefgh"[n] + "q" * 14 + "abcdefghijklmnopqrstuvwxyz234567"[i]


def test_threads_saving_links_voting_and_logging_at_once_lose_nothing(make_store):
    store = make_store()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(20):
                store.save_state(_link_id(n, i), "embeddings", {"n": n, "i": i})
                store.add_vote("generation", f"p{n}-{i}", "local:a", "local:b", "a")
                store.log_call("fake", f"m{n}", "embed", 0.01, True)
        except BaseException as exc:   # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.votes()) == 160 and len(store.calls()) == 160
    assert store.link_usage()[0] == 160


# --- SQLite's own ---------------------------------------------------------------------------------


def test_sqlite_uses_wal_and_recovers_from_corruption(tmp_path):
    path = tmp_path / "store.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    path.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"store.sqlite3{suffix}").unlink(missing_ok=True)
    recovered = Store(path)
    assert recovered.warnings and "moved" in recovered.warnings[0]
    assert list(tmp_path.glob("store.sqlite3.corrupt-*"))
    recovered.save_state("abcdefghijklmnop", "embeddings", {"texts": "x"})
    assert recovered.load_state("abcdefghijklmnop") == ("embeddings", {"texts": "x"})
    assert recovered.schema_version == HEAD
    recovered.close()


def _legacy_file(path, version: int) -> None:
    """A SQLite store as version 0.1 left it at `PRAGMA user_version` = `version`, with one row per table."""
    with sqlite3.connect(path) as raw:
        for statements in LEGACY[:version]:
            for statement in statements:
                raw.execute(statement)
        raw.execute(f"PRAGMA user_version = {version}")
        raw.execute("INSERT INTO saved_states (id, page, payload, created_at) VALUES "
                    "('abcdefghijklmnop', 'embeddings', '{\"texts\": \"old\"}', '2025-01-01T00:00:00+00:00')")
        if version >= 4:   # version 0.1 stamped each link when saved
            raw.execute("UPDATE saved_states SET size_bytes = length(payload), "
                        "saved_ts = CAST(strftime('%s', 'now') AS REAL), used_ts = CAST(strftime('%s', 'now') AS REAL)")
        if version >= 2:
            raw.execute("INSERT INTO votes (arena, prompt, model_a, model_b, winner, created_at) "
                        "VALUES ('generation', 'Hi', 'local:a', 'local:b', 'a', 1.0)")
            raw.execute("INSERT INTO calls (ts, backend, model, task, latency_s, ok) "
                        "VALUES (2.0, 'fake', 'm', 'embed', 0.5, 1)")
            raw.execute("INSERT INTO ab_events (experiment, user_id, variant, outcome, ts) "
                        "VALUES ('tone', 'u1', 'A', 1.0, 3.0)")
        if version >= 3:
            raw.execute("INSERT INTO ab_plans VALUES ('tone', 0.5, 100, 0.05, 4.0)")


@pytest.mark.parametrize("version", range(1, len(LEGACY) + 1))
def test_a_version_0_1_sqlite_file_migrates_keeping_every_row(tmp_path, version):
    path = tmp_path / "old.sqlite3"
    _legacy_file(path, version)
    store = Store(path)
    assert store.schema_version == HEAD
    assert store.load_state("abcdefghijklmnop") == ("embeddings", {"texts": "old"})
    assert store.link_usage() == (1, len('{"texts": "old"}'))
    if version >= 2:
        assert [v["winner"] for v in store.votes()] == ["a"]
        assert [(c["model"], c["source"]) for c in store.calls()] == [("m", "hfcompare")]
        assert store.outcomes("tone")[0]["outcome"] == 1.0
    if version >= 3:
        assert store.experiment_plan("tone")["per_variant"] == 100
    store.add_vote("generation", "new", "local:a", "local:b", "tie")   # numbering goes on after the old rows
    assert len(store.votes()) == (2 if version >= 2 else 1)
    store.close()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(LEGACY)


def test_a_permission_error_gets_its_own_message_and_moves_nothing(tmp_path, monkeypatch):
    path = tmp_path / "s.sqlite3"
    Store(path).close()

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr("sqlite3.connect", refuse)
    monkeypatch.setattr("sqlite3.dbapi2.connect", refuse)
    with pytest.raises(StoreUnavailable, match="may read and write"):
        Store(path)
    assert not list(tmp_path.glob("*.corrupt-*")) and path.exists()


def test_a_sound_database_that_fails_to_migrate_is_not_moved_aside(tmp_path):
    path = tmp_path / "s.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE saved_states (id TEXT)")   # a clash with the old steps, but a sound file
    with pytest.raises(StoreUnavailable, match="integrity check"):
        Store(path)
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_the_database_url_picks_the_engine(tmp_path, monkeypatch):
    monkeypatch.setenv("HFCOMPARE_HOME", str(tmp_path))
    monkeypatch.setenv("HFCOMPARE_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}")
    store = Store()
    assert store.path == tmp_path / "elsewhere.sqlite3" and store.engine_name == "SQLite"
    store.close()
    monkeypatch.delenv("HFCOMPARE_DATABASE_URL")
    (tmp_path / "config.toml").write_text(f'[database]\nurl = "sqlite:///{tmp_path / "from-file.sqlite3"}"\n')
    store = Store()
    assert store.path == tmp_path / "from-file.sqlite3"
    store.close()


@pytest.mark.parametrize("url, fragment", [
    ("mysql://u:pw-Secret9@host/db", "'mysql'"),
    ("not a url at all", "not a URL"),
    ("sqlite://", "'sqlite'"),
])
def test_a_database_url_the_store_cannot_use_is_named_plainly(url, fragment):
    with pytest.raises(StoreUnavailable, match=fragment) as raised:
        Store(url=url)
    assert "pw-Secret9" not in str(raised.value)


# --- PostgreSQL's own -----------------------------------------------------------------------------


def test_postgresql_refuses_a_wrong_password_without_showing_it(postgres_url):
    from tests.postgres import APP_PASSWORD, APP_USER, with_user

    good = Store(url=with_user(postgres_url, APP_USER, APP_PASSWORD))
    good.add_vote("generation", "Hi", "local:a", "local:b", "a")
    good.close()
    wrong = "Wr0ng-Passw0rd-77"
    with pytest.raises(StoreUnavailable) as raised:
        Store(url=with_user(postgres_url, APP_USER, wrong))
    message = str(raised.value)
    assert "refused the login" in message and f"{APP_USER}:***@" in message
    assert wrong not in message and APP_PASSWORD not in message


def test_postgresql_without_the_right_to_create_tables_says_what_to_grant(postgres_url):
    from tests.postgres import APP_PASSWORD, APP_USER, fresh_database, with_user

    with fresh_database(postgres_url) as url:   # owned by the superuser: the app's role may not create tables
        with pytest.raises(StoreUnavailable) as raised:
            Store(url=with_user(url, APP_USER, APP_PASSWORD))
    message = str(raised.value)
    assert "permission denied" in message and "grant it CREATE" in message and APP_PASSWORD not in message


def test_postgresql_that_cannot_be_reached_is_named_without_the_password():
    from tests.servers import free_port

    with pytest.raises(StoreUnavailable) as raised:
        Store(url=f"postgresql://someone:Sup3r-Secret-1@127.0.0.1:{free_port()}/hfcompare")
    message = str(raised.value)
    assert "cannot be reached" in message and "Sup3r-Secret-1" not in message and "someone:***@" in message


def test_postgresql_connections_dropped_by_the_server_are_replaced(postgres_url):
    from tests.postgres import fresh_database

    with fresh_database(postgres_url) as url:
        store = Store(url=url)
        store.add_vote("generation", "Hi", "local:a", "local:b", "a")
        with store._engine.connect() as connection:   # a server restart ends every session
            connection.exec_driver_sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        assert [v["prompt"] for v in store.votes()] == ["Hi"]
        store.close()


# --- copying a store ------------------------------------------------------------------------------


def _fill(store, tag: str) -> None:
    store.save_state("abcdefghijklmnop", "embeddings", {"texts": "shared"})
    store.save_state(("q" * 15) + tag, "generation", {"prompts": [tag]})
    store.add_vote("generation", f"Hi {tag}", "local:a", "local:b", "a")
    store.log_calls([{"ts": 1.0, "backend": "fake", "model": "m", "task": "embed", "latency_s": 0.1, "ok": True},
                     {"ts": 2.0, "backend": "prod", "model": tag, "task": "generate", "latency_s": 0.2, "ok": False,
                      "source": "support-bot", "tags": {"replica": tag}}])
    store.plan_experiment("tone", 0.5, 100, 0.05)
    store.log_outcome("tone", f"user-{tag}", "A", 1.0, ts=3.0)


def test_copying_sqlite_files_into_a_store_keeps_every_row_once_and_can_run_again(tmp_path, make_store):
    from hfcompare.storage.transfer import copy_store

    first, second = Store(tmp_path / "replica-1.sqlite3"), Store(tmp_path / "replica-2.sqlite3")
    _fill(first, "a")
    _fill(second, "b")
    target = make_store()
    copied = {r.table: (r.copied, r.skipped) for r in copy_store(first, target)}
    assert copied == {"saved_states": (2, 0), "votes": (1, 0), "calls": (2, 0), "ab_events": (1, 0),
                      "ab_plans": (1, 0)}
    assert all(r.copied == 0 for r in copy_store(first, target))            # again: nothing doubles
    merged = {r.table: (r.copied, r.skipped) for r in copy_store(second, target)}
    # the shared link, the plan and the app's identical call are there already; the rest is new
    assert merged == {"saved_states": (1, 1), "votes": (1, 0), "calls": (1, 1), "ab_events": (1, 0),
                      "ab_plans": (0, 1)}
    assert [v["prompt"] for v in target.votes()] == ["Hi a", "Hi b"]
    assert len(target.calls()) == 3 and target.call_sources() == ["hfcompare", "support-bot"]
    assert {c["tags"].get("replica") for c in target.calls(sources=["support-bot"])} == {"a", "b"}
    assert target.load_state("abcdefghijklmnop") == ("embeddings", {"texts": "shared"})
    assert target.add_vote("generation", "after", "local:a", "local:b", "tie") > max(
        v["id"] for v in target.votes()[:-1])
    first.close()
    second.close()


def test_the_copy_command_copies_the_home_store_and_names_a_bad_target(tmp_path, monkeypatch, capsys, store_url):
    from hfcompare.cli import main

    monkeypatch.setenv("HFCOMPARE_HOME", str(tmp_path / "home"))
    home_store = Store()
    _fill(home_store, "a")
    home_store.close()
    assert main(["copy-store", "--to", store_url, "--json"]) == 0
    import json

    assert {r["table"]: r["copied"] for r in json.loads(capsys.readouterr().out)}["votes"] == 1
    assert main(["copy-store", "--to", "postgresql://me:Secr3t-XY@127.0.0.1:1/none"]) == 2
    error = capsys.readouterr().err
    assert "cannot be reached" in error and "Secr3t-XY" not in error
    assert main(["copy-store", "--from", str(tmp_path / "nothing.sqlite3"), "--to", store_url]) == 2
    assert "There is no store at" in capsys.readouterr().err
    assert main(["copy-store", "--from", str(tmp_path / "home" / "hfcompare.sqlite3"),   # a plain path
                 "--to", str(tmp_path / "copy.sqlite3"), "--json"]) == 0
    assert Store(tmp_path / "copy.sqlite3").votes()[0]["prompt"] == "Hi a"


def test_ab_tests_from_a_product_and_the_app_meet_in_the_configured_database(store_url, monkeypatch, tmp_path):
    """`ab.plan/log_outcome/results` without a store use the process's shared store: the database
    HFCOMPARE_DATABASE_URL names, the one the app's pages read."""
    from hfcompare.decide import ab

    monkeypatch.setenv("HFCOMPARE_HOME", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("HFCOMPARE_DATABASE_URL", store_url)
    ab.plan("tone", per_variant=2)
    users = [f"user-{i}" for i in range(40)]
    for i, user in enumerate(users):
        ab.log_outcome("tone", user, satisfied=i % 3 != 0)
    result = ab.results("tone")
    assert result.status == "complete" and result.n_a == result.n_b == 2
    reader = Store(url=store_url)
    assert len(reader.outcomes("tone")) == 40 and reader.experiment_plan("tone")["per_variant"] == 2
    reader.close()
    assert not (tmp_path / "elsewhere" / "hfcompare.sqlite3").exists()


def test_postgresql_going_down_after_opening_is_a_message_without_the_password_and_comes_back():
    from tests.postgres import APP_PASSWORD, APP_USER, postgres_bin, running_cluster, with_user

    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed here (Debian's postgresql package; .ci/run installs it)")
    with running_cluster() as cluster:   # its own, to stop and start
        store = Store(url=with_user(cluster.url, APP_USER, APP_PASSWORD))
        store.add_vote("generation", "before", "local:a", "local:b", "a")
        cluster.stop()
        with pytest.raises(StoreUnavailable) as raised:
            store.votes()
        assert "cannot be reached" in str(raised.value) and APP_PASSWORD not in str(raised.value)
        cluster.start()
        assert [v["prompt"] for v in store.votes()] == ["before"]   # the pool reconnects
        store.close()
