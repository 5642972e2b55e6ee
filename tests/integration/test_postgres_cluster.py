"""The throwaway PostgreSQL cluster the store's tests run against: it starts on loopback, takes a
table through SQLAlchemy Core and psycopg 3, and is gone afterwards."""

from __future__ import annotations


def test_a_throwaway_cluster_serves_sqlalchemy_core(postgres_url):
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_url)
    metadata = sa.MetaData()
    votes = sa.Table("smoke", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("winner", sa.Text))
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(votes.insert(), [{"winner": "a"}, {"winner": "tie"}])
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(votes)).scalar() == 2
        assert connection.execute(sa.text("SHOW listen_addresses")).scalar() == "127.0.0.1"
    engine.dispose()
