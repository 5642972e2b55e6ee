"""The SQLite store under `$HFCOMPARE_HOME`: saved comparison states (share links), with WAL,
schema migrations, and recovery from a corrupted file.

Each migration is a list of statements applied once, in order; `PRAGMA user_version` records how
far a database has come. A database that cannot be read is moved aside and started afresh, with
a warning, so the app keeps working.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hfcompare.config import home

STORE_FILE = "hfcompare.sqlite3"
BUSY_TIMEOUT_MS = 30_000

MIGRATIONS: list[list[str]] = [
    # 1: saved states behind share links; an id is a hash of its content, so it never changes meaning
    ["""CREATE TABLE saved_states (
            id TEXT PRIMARY KEY,
            page TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""],
]


class Store:
    """One connection per Store; safe to use from several processes at once (WAL, busy timeout)."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path else home() / STORE_FILE
        self.warnings: list[str] = []
        try:
            self._connection = self._open()
        except sqlite3.DatabaseError as exc:
            self._move_aside(exc)
            self._connection = self._open()

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                     check_same_thread=False)
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            self._migrate(connection)
            connection.execute("SELECT count(*) FROM saved_states").fetchone()
        except sqlite3.DatabaseError:
            connection.close()
            raise
        return connection

    @staticmethod
    def _migrate(connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
            connection.execute("BEGIN IMMEDIATE")
            try:
                # another process may have migrated while this one waited for the lock
                if connection.execute("PRAGMA user_version").fetchone()[0] >= number:
                    connection.execute("ROLLBACK")
                    continue
                for statement in statements:
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {number}")
                connection.execute("COMMIT")
            except Exception:
                connection.execute("ROLLBACK")
                raise

    def _move_aside(self, exc: Exception) -> None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                shutil.move(str(source), str(aside) + suffix)
        self.warnings.append(f"The store {self.path} was unreadable ({type(exc).__name__}: {exc}); it was moved "
                             f"to {aside} and a new, empty one was started.")

    @property
    def schema_version(self) -> int:
        return self._connection.execute("PRAGMA user_version").fetchone()[0]

    def save_state(self, state_id: str, page: str, payload: dict[str, Any]) -> str:
        """Keep `payload` under `state_id`; an id that exists already keeps its first content."""
        self._connection.execute(
            "INSERT OR IGNORE INTO saved_states (id, page, payload, created_at) VALUES (?, ?, ?, ?)",
            (state_id, page, json.dumps(payload, sort_keys=True), datetime.now(timezone.utc).isoformat()))
        return state_id

    def load_state(self, state_id: str) -> tuple[str, dict[str, Any]] | None:
        """(page, payload) saved under `state_id`, or None."""
        row = self._connection.execute("SELECT page, payload FROM saved_states WHERE id = ?", (state_id,)).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def close(self) -> None:
        self._connection.close()
