"""Alembic migrations of the store (both engines); `hfcompare.storage.migrate` runs them on start."""
