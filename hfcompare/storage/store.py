"""The SQLite store under `$HFCOMPARE_HOME`: saved comparison states (share links), arena votes,
the log of every model call, and A/B outcomes; with WAL, schema migrations, and recovery from a
corrupted file.

Each migration is a list of statements applied once, in order; `PRAGMA user_version` records how
far a database has come. A database that fails its integrity check (`PRAGMA integrity_check`) is
moved aside and started afresh, with a warning, so the app keeps working. A busy or locked one is
not corrupt: it is waited for and retried, and never moved while other processes use it; one this
user may not read or write raises `StoreUnavailable` saying so.

Saved states (share links) are bounded: one state holds at most `max_state_bytes`; beyond the
quota the least recently used links go first, and a link never opened expires (see
`hfcompare.config.link_limits`).
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

from hfcompare.config import home, link_limits

T = TypeVar("T")

STORE_FILE = "hfcompare.sqlite3"
BUSY_TIMEOUT_MS = 30_000
#: How often a "database is locked" is retried (after the busy timeout) before giving up.
BUSY_ATTEMPTS = 8


def _call_value(row: dict[str, Any], name: str) -> Any:
    value = row.get(name)
    if name == "source":
        return value or APP_SOURCE
    if name == "ok":
        return int(bool(value))
    if name == "tags":
        return json.dumps(value, sort_keys=True) if value else None
    return value


def integrity(path: Path, timeout_s: float = BUSY_TIMEOUT_MS / 1000) -> str:
    """"ok", "corrupt" (fails `PRAGMA integrity_check` or is not a database) or "busy" for the
    SQLite file at `path`; a file that cannot be opened at all (permissions) is not called corrupt."""
    if not Path(path).exists():
        return "ok"
    try:
        connection = sqlite3.connect(path, timeout=timeout_s)
    except (sqlite3.DatabaseError, OSError):
        return "ok"
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return "busy" if _is_busy(exc) else ("ok" if _is_permission(exc) else "corrupt")
    finally:
        connection.close()
    return "ok" if rows == [("ok",)] else "corrupt"


class StoreUnavailable(RuntimeError):
    """The store cannot be used: this user may not read or write it, or it stayed locked."""


class StateTooLarge(ValueError):
    """A state larger than a share link may save."""


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _is_permission(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, PermissionError) or any(
        part in text for part in ("unable to open database file", "readonly", "read-only", "permission denied",
                                  "disk i/o error"))

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
    # 4: bounded share links: each saved state's size, when it was saved and last used, and how
    # often it was opened (for the quota's least-recently-used eviction and the expiry of links
    # never opened); links saved before get the full expiry from now
    ["ALTER TABLE saved_states ADD COLUMN size_bytes INTEGER NOT NULL DEFAULT 0",
     "ALTER TABLE saved_states ADD COLUMN saved_ts REAL NOT NULL DEFAULT 0",
     "ALTER TABLE saved_states ADD COLUMN used_ts REAL NOT NULL DEFAULT 0",
     "ALTER TABLE saved_states ADD COLUMN opens INTEGER NOT NULL DEFAULT 0",
     ("UPDATE saved_states SET size_bytes = length(CAST(payload AS BLOB)), "
      "saved_ts = CAST(strftime('%s', 'now') AS REAL), used_ts = CAST(strftime('%s', 'now') AS REAL)"),
     "CREATE INDEX saved_by_use ON saved_states (used_ts)"],
    # 5: production monitoring (`hfcompare.monitoring.track`): where a call came from (this app's own
    # calls are 'hfcompare'), the A/B variant, the user's satisfaction and free tags (JSON)
    ["ALTER TABLE calls ADD COLUMN source TEXT NOT NULL DEFAULT 'hfcompare'",
     "ALTER TABLE calls ADD COLUMN variant TEXT",
     "ALTER TABLE calls ADD COLUMN satisfaction REAL",
     "ALTER TABLE calls ADD COLUMN tags TEXT",
     "CREATE INDEX calls_by_source ON calls (source, ts)"],
]

#: The columns of a logged call, in order.
CALL_COLUMNS = ("ts", "backend", "model", "task", "latency_s", "items", "tokens", "ok", "error_kind", "source",
                "variant", "satisfaction", "tags")
#: The source of this app's own calls; production traffic names its own.
APP_SOURCE = "hfcompare"


class Store:
    """One connection per Store; safe to use from several processes at once (WAL, busy timeout)."""

    def __init__(self, path: Path | None = None, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 max_state_bytes: int | None = None, quota_bytes: int | None = None,
                 expiry_s: float | None = None):
        self.path = Path(path) if path else home() / STORE_FILE
        self.warnings: list[str] = []
        self.busy_timeout_ms = int(busy_timeout_ms)
        default_max, default_quota, default_expiry = link_limits()
        self.max_state_bytes = int(max_state_bytes or default_max)
        self.quota_bytes = max(int(quota_bytes or default_quota), self.max_state_bytes)
        self.expiry_s = float(expiry_s or default_expiry)
        self.clock = time.time   # tests set their own
        self._lock = threading.RLock()  # one connection, many threads: one statement or transaction at a time
        self._connection = self._open_recovering()

    def _open_recovering(self) -> sqlite3.Connection:
        """Open (and migrate); wait out a busy database, move aside only one that fails its
        integrity check, and say so plainly when this user may not use the file."""
        for attempt in range(BUSY_ATTEMPTS):
            try:
                return self._open()
            except (sqlite3.DatabaseError, OSError) as exc:
                if _is_busy(exc):
                    time.sleep(min(0.05 * 2 ** attempt, 2.0) * (0.5 + random.random()))
                    continue
                verdict = self._integrity()
                if verdict == "busy":
                    time.sleep(min(0.05 * 2 ** attempt, 2.0) * (0.5 + random.random()))
                    continue
                if verdict == "corrupt":
                    self._move_aside(exc)
                    return self._open()
                if _is_permission(exc):
                    raise StoreUnavailable(
                        f"The store {self.path} cannot be opened for reading and writing ({exc}): check that "
                        "this user may read and write it and its folder ($HFCOMPARE_HOME).") from exc
                raise StoreUnavailable(f"The store {self.path} cannot be used ({type(exc).__name__}: {exc}); "
                                       "it passed its integrity check, so it was left in place.") from exc
        raise StoreUnavailable(f"The store {self.path} stayed locked by another process; try again shortly.")

    def _integrity(self) -> str:
        return integrity(self.path, self.busy_timeout_ms / 1000)

    def _retrying(self, work: Callable[[], T]) -> T:
        """`work()` on the connection, one at a time, retried while the database stays locked past
        the busy timeout."""
        for attempt in range(BUSY_ATTEMPTS):
            try:
                with self._lock:
                    return work()
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or attempt == BUSY_ATTEMPTS - 1:
                    raise
                time.sleep(min(0.05 * 2 ** attempt, 2.0) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def _execute(self, sql: str, args: tuple | list = ()) -> sqlite3.Cursor:
        """One statement, retried while the database stays locked."""
        return self._retrying(lambda: self._connection.execute(sql, args))

    def _transaction(self, work: Callable[[sqlite3.Connection], None]) -> None:
        """`work(connection)` in one write transaction, rolled back on any error, retried while locked."""
        def run() -> None:
            connection = self._connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                work(connection)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

        self._retrying(run)

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None,
                                     check_same_thread=False)
        try:
            connection.execute(f"PRAGMA busy_timeout = {self.busy_timeout_ms}")
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
        return self._execute("PRAGMA user_version").fetchone()[0]

    def save_state(self, state_id: str, page: str, payload: dict[str, Any]) -> str:
        """Keep `payload` under `state_id`; an id that exists already keeps its first content.
        Raises StateTooLarge beyond `max_state_bytes`; saving drops links never opened within the
        expiry, then the least recently used ones beyond the quota."""
        blob = json.dumps(payload)  # in its own order: a link keeps the criteria as the user ordered them
        size = len(blob.encode("utf-8"))
        if size > self.max_state_bytes:
            raise StateTooLarge(
                f"This view is too large to share: its state is {size / 1024:,.0f} KB and a link holds at most "
                f"{self.max_state_bytes / 1024:,.0f} KB. Use fewer or shorter texts or prompts to get a link.")
        now = self.clock()

        def save(connection: sqlite3.Connection) -> None:
            inserted = connection.execute(
                "INSERT OR IGNORE INTO saved_states (id, page, payload, created_at, size_bytes, saved_ts, used_ts, "
                "opens) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                (state_id, page, blob, datetime.now(timezone.utc).isoformat(), size, now, now)).rowcount
            if not inserted:
                connection.execute("UPDATE saved_states SET used_ts = max(used_ts, ?) WHERE id = ?", (now, state_id))
            connection.execute("DELETE FROM saved_states WHERE opens = 0 AND saved_ts < ? AND id != ?",
                               (now - self.expiry_s, state_id))
            connection.execute(
                "DELETE FROM saved_states WHERE id IN (SELECT id FROM (SELECT id, SUM(size_bytes) OVER "
                "(ORDER BY id = ? DESC, used_ts DESC, saved_ts DESC, id) AS running FROM saved_states) "
                "WHERE running > ?)", (state_id, self.quota_bytes))

        self._transaction(save)
        return state_id

    def load_state(self, state_id: str) -> tuple[str, dict[str, Any]] | None:
        """(page, payload) saved under `state_id`, or None (also for an expired link); opening a
        link marks it used."""
        now = self.clock()
        row = self._execute("SELECT page, payload, opens, saved_ts FROM saved_states WHERE id = ?",
                            (state_id,)).fetchone()
        if not row or (row[2] == 0 and row[3] < now - self.expiry_s):
            return None
        self._execute("UPDATE saved_states SET used_ts = max(used_ts, ?), opens = opens + 1 WHERE id = ?",
                      (now, state_id))
        try:
            return row[0], json.loads(row[1])
        except (ValueError, RecursionError):
            return None

    def link_usage(self) -> tuple[int, int]:
        """(saved links, their bytes)."""
        count, total = self._execute("SELECT count(*), coalesce(sum(size_bytes), 0) FROM saved_states").fetchone()
        return int(count), int(total)

    # --- arena votes ---------------------------------------------------------------------------

    def add_vote(self, arena: str, prompt: str, model_a: str, model_b: str, winner: str) -> int:
        """Record one blind vote; returns its id."""
        cursor = self._execute(
            "INSERT INTO votes (arena, prompt, model_a, model_b, winner, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (arena, prompt, model_a, model_b, winner, time.time()))
        return int(cursor.lastrowid)

    def votes(self, arena: str | None = None) -> list[dict[str, Any]]:
        """Every vote (of one arena), oldest first."""
        sql = "SELECT id, arena, prompt, model_a, model_b, winner, created_at FROM votes"
        rows = self._execute(sql + (" WHERE arena = ?" if arena else "") + " ORDER BY id",
                                        (arena,) if arena else ()).fetchall()
        names = ("id", "arena", "prompt", "model_a", "model_b", "winner", "created_at")
        return [dict(zip(names, row)) for row in rows]

    # --- the model-call log ---------------------------------------------------------------------

    def log_call(self, backend: str, model: str, task: str, latency_s: float, ok: bool,
                 error_kind: str | None = None, items: int | None = None, tokens: int | None = None,
                 ts: float | None = None) -> None:
        """Record one call this app made to a model (never its inputs, outputs or keys)."""
        self.log_calls([{"ts": time.time() if ts is None else ts, "backend": backend, "model": model, "task": task,
                         "latency_s": float(latency_s), "items": items, "tokens": tokens, "ok": ok,
                         "error_kind": error_kind}])

    def log_calls(self, rows: list[dict[str, Any]]) -> None:
        """Record many calls in one transaction (`CALL_COLUMNS`; missing ones are empty, the source
        defaults to this app's). Retried while the database stays locked."""
        values = [tuple(_call_value(row, name) for name in CALL_COLUMNS) for row in rows]
        sql = f"INSERT INTO calls ({', '.join(CALL_COLUMNS)}) VALUES ({', '.join('?' * len(CALL_COLUMNS))})"
        self._transaction(lambda connection: connection.executemany(sql, values))

    def calls(self, since: float | None = None, models: list[str] | None = None,
              backends: list[str] | None = None, sources: list[str] | None = None) -> list[dict[str, Any]]:
        """Logged calls, oldest first, filtered by time, model, backend and source."""
        sql, args = f"SELECT {', '.join(CALL_COLUMNS)} FROM calls WHERE 1=1", []
        if since is not None:
            sql, args = sql + " AND ts >= ?", [*args, since]
        for column, values in (("model", models), ("backend", backends), ("source", sources)):
            if values:
                sql += f" AND {column} IN ({','.join('?' * len(values))})"
                args += list(values)
        rows = [dict(zip(CALL_COLUMNS, row)) for row in self._execute(sql + " ORDER BY ts", args).fetchall()]
        for row in rows:
            row["ok"] = bool(row["ok"])
            row["tags"] = json.loads(row["tags"]) if row["tags"] else {}
        return rows

    def call_sources(self) -> list[str]:
        """Every source that logged calls, this app's first."""
        found = [r[0] for r in self._execute("SELECT DISTINCT source FROM calls").fetchall()]
        return sorted(found, key=lambda s: (s != APP_SOURCE, s))

    # --- production A/B outcomes ----------------------------------------------------------------

    def log_outcome(self, experiment: str, user_id: str, variant: str, outcome: float, ts: float | None = None) -> None:
        self._execute(
            "INSERT INTO ab_events (experiment, user_id, variant, outcome, ts) VALUES (?, ?, ?, ?, ?)",
            (experiment, user_id, variant, float(outcome), time.time() if ts is None else ts))

    def outcomes(self, experiment: str) -> list[dict[str, Any]]:
        rows = self._execute(
            "SELECT user_id, variant, outcome, ts FROM ab_events WHERE experiment = ? ORDER BY id", (experiment,))
        return [dict(zip(("user_id", "variant", "outcome", "ts"), row)) for row in rows.fetchall()]

    def experiments(self) -> list[str]:
        """Experiments with a plan or logged outcomes."""
        return [r[0] for r in self._execute(
            "SELECT experiment FROM ab_events UNION SELECT experiment FROM ab_plans ORDER BY 1")]

    def plan_experiment(self, experiment: str, split: float, per_variant: int, alpha: float) -> dict[str, Any]:
        """Fix the plan of `experiment`; a plan made earlier stays (returned as it is)."""
        self._execute(
            "INSERT OR IGNORE INTO ab_plans (experiment, split, per_variant, alpha, created_at) VALUES (?, ?, ?, ?, ?)",
            (experiment, float(split), int(per_variant), float(alpha), time.time()))
        return self.experiment_plan(experiment)

    def experiment_plan(self, experiment: str) -> dict[str, Any] | None:
        row = self._execute(
            "SELECT split, per_variant, alpha, created_at FROM ab_plans WHERE experiment = ?", (experiment,)).fetchone()
        return dict(zip(("split", "per_variant", "alpha", "created_at"), row)) if row else None

    def close(self) -> None:
        with self._lock:
            self._connection.close()


_shared: dict[Path, Store] = {}
_shared_lock = threading.Lock()


def shared_store(path: Path | None = None) -> Store:
    """The one Store this process keeps for `path` (default: the store under $HFCOMPARE_HOME). The
    pages, the call log and scripts in one process share it, and with it one connection."""
    resolved = (Path(path) if path else home() / STORE_FILE).resolve()
    with _shared_lock:
        if resolved not in _shared:
            _shared[resolved] = Store(resolved)
        return _shared[resolved]
