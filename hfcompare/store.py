"""The SQLite store under `$HFCOMPARE_HOME`: saved comparison states (share links), arena votes,
the log of every model call, and A/B outcomes; with WAL, schema migrations, and recovery from a
corrupted file.

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
    # 2: arena votes, the model-call log, and production A/B outcomes
    ["""CREATE TABLE votes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            arena TEXT NOT NULL,
            prompt TEXT NOT NULL,
            model_a TEXT NOT NULL,
            model_b TEXT NOT NULL,
            winner TEXT NOT NULL CHECK (winner IN ('a', 'b', 'tie', 'both_bad')),
            created_at REAL NOT NULL
        )""",
     """CREATE TABLE calls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts REAL NOT NULL,
            backend TEXT NOT NULL,
            model TEXT NOT NULL,
            task TEXT NOT NULL,
            latency_s REAL NOT NULL,
            items INTEGER,
            tokens INTEGER,
            ok INTEGER NOT NULL,
            error_kind TEXT
        )""",
     "CREATE INDEX calls_by_time ON calls (ts)",
     """CREATE TABLE ab_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            experiment TEXT NOT NULL,
            user_id TEXT NOT NULL,
            variant TEXT NOT NULL,
            outcome REAL NOT NULL,
            ts REAL NOT NULL
        )""",
     "CREATE INDEX ab_by_experiment ON ab_events (experiment)"],
    # 3: the plan of an A/B test, fixed before its result is read: the split users are assigned by
    # and the users per variant at which the test is run once (a fixed horizon)
    ["""CREATE TABLE ab_plans (
            experiment TEXT PRIMARY KEY,
            split REAL NOT NULL,
            per_variant INTEGER NOT NULL CHECK (per_variant > 0),
            alpha REAL NOT NULL,
            created_at REAL NOT NULL
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

    # --- arena votes ---------------------------------------------------------------------------

    def add_vote(self, arena: str, prompt: str, model_a: str, model_b: str, winner: str) -> int:
        """Record one blind vote; returns its id."""
        cursor = self._connection.execute(
            "INSERT INTO votes (arena, prompt, model_a, model_b, winner, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (arena, prompt, model_a, model_b, winner, time.time()))
        return int(cursor.lastrowid)

    def votes(self, arena: str | None = None) -> list[dict[str, Any]]:
        """Every vote (of one arena), oldest first."""
        sql = "SELECT id, arena, prompt, model_a, model_b, winner, created_at FROM votes"
        rows = self._connection.execute(sql + (" WHERE arena = ?" if arena else "") + " ORDER BY id",
                                        (arena,) if arena else ()).fetchall()
        names = ("id", "arena", "prompt", "model_a", "model_b", "winner", "created_at")
        return [dict(zip(names, row)) for row in rows]

    # --- the model-call log ---------------------------------------------------------------------

    def log_call(self, backend: str, model: str, task: str, latency_s: float, ok: bool,
                 error_kind: str | None = None, items: int | None = None, tokens: int | None = None,
                 ts: float | None = None) -> None:
        """Record one call to a model (never its inputs, outputs or keys)."""
        self._connection.execute(
            "INSERT INTO calls (ts, backend, model, task, latency_s, items, tokens, ok, error_kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (time.time() if ts is None else ts, backend, model, task, float(latency_s), items, tokens, int(ok),
             error_kind))

    def calls(self, since: float | None = None, models: list[str] | None = None,
              backends: list[str] | None = None) -> list[dict[str, Any]]:
        """Logged calls, oldest first, filtered by time, model and backend."""
        sql, args = "SELECT ts, backend, model, task, latency_s, items, tokens, ok, error_kind FROM calls WHERE 1=1", []
        if since is not None:
            sql, args = sql + " AND ts >= ?", [*args, since]
        for column, values in (("model", models), ("backend", backends)):
            if values:
                sql += f" AND {column} IN ({','.join('?' * len(values))})"
                args += list(values)
        names = ("ts", "backend", "model", "task", "latency_s", "items", "tokens", "ok", "error_kind")
        return [dict(zip(names, row)) for row in self._connection.execute(sql + " ORDER BY ts", args).fetchall()]

    # --- production A/B outcomes ----------------------------------------------------------------

    def log_outcome(self, experiment: str, user_id: str, variant: str, outcome: float, ts: float | None = None) -> None:
        self._connection.execute(
            "INSERT INTO ab_events (experiment, user_id, variant, outcome, ts) VALUES (?, ?, ?, ?, ?)",
            (experiment, user_id, variant, float(outcome), time.time() if ts is None else ts))

    def outcomes(self, experiment: str) -> list[dict[str, Any]]:
        rows = self._connection.execute(
            "SELECT user_id, variant, outcome, ts FROM ab_events WHERE experiment = ? ORDER BY id", (experiment,))
        return [dict(zip(("user_id", "variant", "outcome", "ts"), row)) for row in rows.fetchall()]

    def experiments(self) -> list[str]:
        """Experiments with a plan or logged outcomes."""
        return [r[0] for r in self._connection.execute(
            "SELECT experiment FROM ab_events UNION SELECT experiment FROM ab_plans ORDER BY 1")]

    def plan_experiment(self, experiment: str, split: float, per_variant: int, alpha: float) -> dict[str, Any]:
        """Fix the plan of `experiment`; a plan made earlier stays (returned as it is)."""
        self._connection.execute(
            "INSERT OR IGNORE INTO ab_plans (experiment, split, per_variant, alpha, created_at) VALUES (?, ?, ?, ?, ?)",
            (experiment, float(split), int(per_variant), float(alpha), time.time()))
        return self.experiment_plan(experiment)

    def experiment_plan(self, experiment: str) -> dict[str, Any] | None:
        row = self._connection.execute(
            "SELECT split, per_variant, alpha, created_at FROM ab_plans WHERE experiment = ?", (experiment,)).fetchone()
        return dict(zip(("split", "per_variant", "alpha", "created_at"), row)) if row else None

    def close(self) -> None:
        self._connection.close()
