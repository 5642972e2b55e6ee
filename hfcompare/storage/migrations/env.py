"""Alembic's entry point: migrations run on the connection `hfcompare.storage.migrate` opened (and
locked), inside its transaction."""

from alembic import context

from hfcompare.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
