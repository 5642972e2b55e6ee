"""Votes indexed by arena (the leaderboard reads one arena), and `model_metrics`: the brief's
production table (model, latency, success, timestamp) as a view over the call log, for a
dashboard tool pointed at the same database.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("votes_by_arena", "votes", ["arena"])
    op.execute("CREATE VIEW model_metrics AS SELECT model, latency_s AS latency, ok AS success, ts AS timestamp, "
               "source, variant, satisfaction FROM calls")


def downgrade() -> None:
    op.execute("DROP VIEW model_metrics")
    op.drop_index("votes_by_arena", "votes")
