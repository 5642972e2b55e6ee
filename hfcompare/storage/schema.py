"""The store's tables, as SQLAlchemy Core metadata: one description for SQLite and PostgreSQL. The
Alembic migrations (`hfcompare/storage/migrations`) create and change them; this module is what
the code reads and writes through, and a test checks that both agree."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Double,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)

#: The newest Alembic revision; a store at it needs no migration (a test checks it is the head).
HEAD = "0002"

metadata = MetaData()


def _serial() -> Column:
    # SQLite only auto-numbers an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity
    return Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)


#: Saved states behind share links; an id is a hash of its content, so it never changes meaning.
saved_states = Table(
    "saved_states", metadata,
    Column("id", Text, primary_key=True),
    Column("page", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("size_bytes", Integer, nullable=False, server_default="0"),
    Column("saved_ts", Double, nullable=False, server_default="0"),
    Column("used_ts", Double, nullable=False, server_default="0"),
    Column("opens", Integer, nullable=False, server_default="0"),
    Index("saved_by_use", "used_ts"),
)

#: Blind arena votes.
votes = Table(
    "votes", metadata,
    _serial(),
    Column("arena", Text, nullable=False),
    Column("prompt", Text, nullable=False),
    Column("model_a", Text, nullable=False),
    Column("model_b", Text, nullable=False),
    Column("winner", Text, CheckConstraint("winner IN ('a', 'b', 'tie', 'both_bad')"), nullable=False),
    Column("created_at", Double, nullable=False),
    Index("votes_by_arena", "arena"),
    sqlite_autoincrement=True,
)

#: Every model call: this app's own (source 'hfcompare') and production traffic (`monitoring.track`).
calls = Table(
    "calls", metadata,
    _serial(),
    Column("ts", Double, nullable=False),
    Column("backend", Text, nullable=False),
    Column("model", Text, nullable=False),
    Column("task", Text, nullable=False),
    Column("latency_s", Double, nullable=False),
    Column("items", Integer),
    Column("tokens", Integer),
    Column("ok", Integer, nullable=False),
    Column("error_kind", Text),
    Column("source", Text, nullable=False, server_default="hfcompare"),
    Column("variant", Text),
    Column("satisfaction", Double),
    Column("tags", Text),
    Index("calls_by_time", "ts"),
    Index("calls_by_source", "source", "ts"),
    sqlite_autoincrement=True,
)

#: Production A/B outcomes, one row per user event.
ab_events = Table(
    "ab_events", metadata,
    _serial(),
    Column("experiment", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("variant", Text, nullable=False),
    Column("outcome", Double, nullable=False),
    Column("ts", Double, nullable=False),
    Index("ab_by_experiment", "experiment"),
    sqlite_autoincrement=True,
)

#: The plan of an A/B test, fixed before its result is read.
ab_plans = Table(
    "ab_plans", metadata,
    Column("experiment", Text, primary_key=True),
    Column("split", Double, nullable=False),
    Column("per_variant", Integer, CheckConstraint("per_variant > 0"), nullable=False),
    Column("alpha", Double, nullable=False),
    Column("created_at", Double, nullable=False),
)

#: The tables in the order a copy fills them.
TABLES = (saved_states, votes, calls, ab_events, ab_plans)
#: The tables whose rows the database numbers (a copy numbers them anew); the others have a natural key.
NUMBERED = (votes, calls, ab_events)
