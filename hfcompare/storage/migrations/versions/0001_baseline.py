"""Baseline: the store as the SQLite-only version 0.1 left it (its `PRAGMA user_version` 5). Older
SQLite files are brought to it by `hfcompare.storage.migrate.LEGACY` and stamped, not re-created.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _serial() -> sa.Column:
    return sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table(
        "saved_states",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("page", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("saved_ts", sa.Double, nullable=False, server_default="0"),
        sa.Column("used_ts", sa.Double, nullable=False, server_default="0"),
        sa.Column("opens", sa.Integer, nullable=False, server_default="0"))
    op.create_index("saved_by_use", "saved_states", ["used_ts"])
    op.create_table(
        "votes",
        _serial(),
        sa.Column("arena", sa.Text, nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("model_a", sa.Text, nullable=False),
        sa.Column("model_b", sa.Text, nullable=False),
        sa.Column("winner", sa.Text, sa.CheckConstraint("winner IN ('a', 'b', 'tie', 'both_bad')"), nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sqlite_autoincrement=True)
    op.create_table(
        "calls",
        _serial(),
        sa.Column("ts", sa.Double, nullable=False),
        sa.Column("backend", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("task", sa.Text, nullable=False),
        sa.Column("latency_s", sa.Double, nullable=False),
        sa.Column("items", sa.Integer),
        sa.Column("tokens", sa.Integer),
        sa.Column("ok", sa.Integer, nullable=False),
        sa.Column("error_kind", sa.Text),
        sa.Column("source", sa.Text, nullable=False, server_default="hfcompare"),
        sa.Column("variant", sa.Text),
        sa.Column("satisfaction", sa.Double),
        sa.Column("tags", sa.Text),
        sqlite_autoincrement=True)
    op.create_index("calls_by_time", "calls", ["ts"])
    op.create_index("calls_by_source", "calls", ["source", "ts"])
    op.create_table(
        "ab_events",
        _serial(),
        sa.Column("experiment", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("variant", sa.Text, nullable=False),
        sa.Column("outcome", sa.Double, nullable=False),
        sa.Column("ts", sa.Double, nullable=False),
        sqlite_autoincrement=True)
    op.create_index("ab_by_experiment", "ab_events", ["experiment"])
    op.create_table(
        "ab_plans",
        sa.Column("experiment", sa.Text, primary_key=True),
        sa.Column("split", sa.Double, nullable=False),
        sa.Column("per_variant", sa.Integer, sa.CheckConstraint("per_variant > 0"), nullable=False),
        sa.Column("alpha", sa.Double, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False))


def downgrade() -> None:
    for table in ("ab_plans", "ab_events", "calls", "votes", "saved_states"):
        op.drop_table(table)
