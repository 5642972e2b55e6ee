"""The store's database: which one (SQLite under $HFCOMPARE_HOME, or `HFCOMPARE_DATABASE_URL`), its
SQLAlchemy engine, its migrations, and error messages that never show a password.

Migrations are Alembic's (`migrations/`), run on start inside one locked transaction, so several
processes starting at once migrate once. SQLite files written by version 0.1 carry their own
numbered steps (`LEGACY`, recorded in `PRAGMA user_version`); they are brought to the last of them
and stamped with Alembic's baseline revision, keeping every row.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

#: SQLite's busy timeout: how long a statement waits for another process's write lock.
BUSY_TIMEOUT_MS = 30_000
#: How long connecting to a database server may take before the store counts as unavailable.
CONNECT_TIMEOUT_S = 5
#: Any fixed number: the PostgreSQL advisory lock that keeps two processes from migrating at once.
_MIGRATION_LOCK = 5_170_001

#: Version 0.1's SQLite steps (`PRAGMA user_version` counts them); Alembic's baseline is the last.
LEGACY: list[list[str]] = [
    ["""CREATE TABLE saved_states (id TEXT PRIMARY KEY, page TEXT NOT NULL, payload TEXT NOT NULL,
            created_at TEXT NOT NULL)"""],
    ["""CREATE TABLE votes (id INTEGER PRIMARY KEY AUTOINCREMENT, arena TEXT NOT NULL, prompt TEXT NOT NULL,
            model_a TEXT NOT NULL, model_b TEXT NOT NULL,
            winner TEXT NOT NULL CHECK (winner IN ('a', 'b', 'tie', 'both_bad')), created_at REAL NOT NULL)""",
     """CREATE TABLE calls (id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, backend TEXT NOT NULL,
            model TEXT NOT NULL, task TEXT NOT NULL, latency_s REAL NOT NULL, items INTEGER, tokens INTEGER,
            ok INTEGER NOT NULL, error_kind TEXT)""",
     "CREATE INDEX calls_by_time ON calls (ts)",
     """CREATE TABLE ab_events (id INTEGER PRIMARY KEY AUTOINCREMENT, experiment TEXT NOT NULL,
            user_id TEXT NOT NULL, variant TEXT NOT NULL, outcome REAL NOT NULL, ts REAL NOT NULL)""",
     "CREATE INDEX ab_by_experiment ON ab_events (experiment)"],
    ["""CREATE TABLE ab_plans (experiment TEXT PRIMARY KEY, split REAL NOT NULL,
            per_variant INTEGER NOT NULL CHECK (per_variant > 0), alpha REAL NOT NULL, created_at REAL NOT NULL)"""],
    ["ALTER TABLE saved_states ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0",
     "ALTER TABLE saved_states ADD COLUMN saved_ts REAL NOT NULL DEFAULT 0",
     "ALTER TABLE saved_states ADD COLUMN used_ts REAL NOT NULL DEFAULT 0",
     "ALTER TABLE saved_states ADD COLUMN opens INTEGER NOT NULL DEFAULT 0",
     ("UPDATE saved_states SET size_bytes = length(CAST(payload AS BLOB)), "
      "saved_ts = CAST(strftime('%s', 'now') AS REAL), used_ts = CAST(strftime('%s', 'now') AS REAL)"),
     "CREATE INDEX saved_by_use ON saved_states (used_ts)"],
    ["ALTER TABLE calls ADD COLUMN source TEXT NOT NULL DEFAULT 'hfcompare'",
     "ALTER TABLE calls ADD COLUMN variant TEXT",
     "ALTER TABLE calls ADD COLUMN satisfaction REAL",
     "ALTER TABLE calls ADD COLUMN tags TEXT",
     "CREATE INDEX calls_by_source ON calls (source, ts)"],
]
BASELINE = "0001"


class DatabaseUrlError(ValueError):
    """A database URL that names no database this store can use."""


def engine_url(raw: str | None, sqlite_path: Path | None = None):
    """The SQLAlchemy URL for `raw` (postgresql://, postgres:// and postgresql+psycopg:// all use
    psycopg 3; sqlite:///path), or for the SQLite file `sqlite_path` when `raw` is None."""
    from sqlalchemy.engine import URL, make_url
    from sqlalchemy.exc import ArgumentError

    if raw is None:
        return URL.create("sqlite", database=str(sqlite_path))
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError):
        raise DatabaseUrlError("The database URL is not a URL SQLAlchemy can read (expected "
                               "postgresql://user:password@host:port/database or sqlite:///path).") from None
    if url.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return url.set(drivername="postgresql+psycopg")
    if url.drivername == "sqlite" and url.database not in (None, "", ":memory:"):
        return url
    raise DatabaseUrlError(f"The database URL names {url.drivername!r}; the store runs on PostgreSQL "
                           "(postgresql://...) or on a SQLite file (sqlite:///path).")


def shown(url) -> str:
    """`url` as it may appear on screen or in a log: the password replaced by ***."""
    return url.render_as_string(hide_password=True)


def hide_password(text: str, url) -> str:
    """`text` with `url`'s password (and the URL written with it) replaced by ***."""
    password = getattr(url, "password", None)
    text = text.replace(url.render_as_string(hide_password=False), shown(url))
    return text.replace(str(password), "***") if password else text


def create_engine(url, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
    """An engine for `url`. SQLite: one connection shared by the process's threads (the store
    serializes them), WAL, the busy timeout, and `BEGIN IMMEDIATE` for writes so a writer waits for
    the lock up front instead of failing mid-transaction. PostgreSQL: a pool whose connections are
    checked before use, so a restarted server is reconnected."""
    import sqlalchemy
    from sqlalchemy import event
    from sqlalchemy.pool import StaticPool

    if url.get_backend_name() != "sqlite":
        return sqlalchemy.create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=8,
                                        connect_args={"connect_timeout": CONNECT_TIMEOUT_S})
    engine = sqlalchemy.create_engine(url, poolclass=StaticPool, connect_args={
        "timeout": busy_timeout_ms / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver: `_begin` issues it
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if connection.get_execution_options().get("write") else "BEGIN")

    return engine


def revision(connection) -> str | None:
    """The Alembic revision the database is at, or None (empty, or a version 0.1 SQLite file)."""
    from sqlalchemy import inspect, text

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


_alembic_lock = threading.Lock()  # Alembic loads env.py as a module: one migration per process at a time


def migrate(engine) -> None:
    """Bring the database to `HEAD`: from empty, or from any version 0.1 SQLite file, keeping its
    rows. One transaction, held against other processes (SQLite's write lock, a PostgreSQL advisory
    lock), so concurrent starts migrate once."""
    from sqlalchemy import inspect, text

    from hfcompare.storage.schema import HEAD

    with engine.connect() as connection:
        if revision(connection) == HEAD:
            return   # the usual case: Alembic is not even imported
    from alembic import command
    from alembic.config import Config

    with _alembic_lock, engine.connect() as connection:
        connection.execution_options(write=True)
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            current = revision(connection)
            if current == HEAD:
                return
            config = Config()
            config.set_main_option("script_location", str(Path(__file__).with_name("migrations")))
            config.attributes["connection"] = connection
            if current is None and inspect(connection).has_table("saved_states"):
                _upgrade_legacy(connection)
                command.stamp(config, BASELINE)
            command.upgrade(config, "head")


def _upgrade_legacy(connection) -> None:
    """Apply version 0.1's remaining SQLite steps to a file made by it."""
    version = connection.exec_driver_sql("PRAGMA user_version").scalar()
    for statements in LEGACY[version:]:
        for statement in statements:
            connection.exec_driver_sql(statement)
    connection.exec_driver_sql(f"PRAGMA user_version = {len(LEGACY)}")
