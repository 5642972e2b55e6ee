"""Alembic revisions, oldest first. A revision is frozen once released: change the store with a new one."""
