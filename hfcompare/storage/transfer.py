"""Copy one store into another: a SQLite file into PostgreSQL when a team moves to a shared
database, or several replicas' files into one.

Copying never doubles a row and never overwrites one: a share link or an A/B plan whose key is in
the target already stays as it is there; votes, calls and outcomes (numbered anew by the target)
are skipped when the target holds a row equal in every column. So a copy can be run again, or
from several sources, safely.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hfcompare.storage import schema

#: Rows written per statement.
BATCH = 1_000


@dataclass(frozen=True)
class Copied:
    """What happened to one table's rows."""

    table: str
    copied: int
    skipped: int


def _content(table, row: Any) -> tuple:
    """A row without its number: what makes two votes, calls or outcomes the same."""
    return tuple(row._mapping[column.name] for column in table.columns if column.name != "id")


def copy_store(source, target, progress=None) -> list[Copied]:
    """Copy every row of `source` (a Store) into `target` (a Store), table by table; `progress(table,
    done, total)` is called after each batch. Returns what was copied and skipped per table."""
    from sqlalchemy import func, select

    results = []
    for table in schema.TABLES:
        keyed = table not in schema.NUMBERED
        with source.engine.connect() as reading:
            total = reading.execute(select(func.count()).select_from(table)).scalar_one()
            # numbered rows keep their order (new ids in the target): an A/B test's plan point is
            # the outcome that reached the plan in logging order
            ordered = table.select() if keyed else table.select().order_by(table.c.id)
            rows = reading.execute(ordered).fetchall()
        known: set[tuple] = set()
        if not keyed:
            with target.engine.connect() as connection:
                known = {_content(table, row) for row in connection.execute(table.select())}
        copied = skipped = 0
        for start in range(0, len(rows), BATCH):
            batch = rows[start:start + BATCH]
            if keyed:
                values = [dict(row._mapping) for row in batch]
            else:
                values = []
                for row in batch:
                    content = _content(table, row)
                    if content in known:
                        continue
                    known.add(content)
                    values.append({k: v for k, v in row._mapping.items() if k != "id"})
            added = target.insert_rows(table, values, skip_existing=keyed) if values else 0
            copied += added
            skipped += len(batch) - added
            if progress:
                progress(table.name, start + len(batch), total)
        results.append(Copied(table.name, copied, skipped))
    return results
