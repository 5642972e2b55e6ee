"""The store: saved comparison states (share links), arena votes, the log of every model call
(this app's and production's), and A/B plans and outcomes. One interface on two engines: a SQLite
file under `$HFCOMPARE_HOME` (the default, nothing to set up) or the database
`HFCOMPARE_DATABASE_URL` names (PostgreSQL, shared by every replica and by products that call
`hfcompare.monitoring.track`). SQLAlchemy Core writes the SQL for both; `storage.database`
migrates on start.

A SQLite file that fails its integrity check (`PRAGMA integrity_check`) is moved aside and started
afresh, with a warning, so the app keeps working. A busy or locked one is not corrupt: it is waited
for and retried, and never moved while other processes use it. One this user may not read or
write, or a database server that cannot be reached or refuses the login, raises `StoreUnavailable`
saying so, without the password. A SQLite file removed or replaced while the process runs is noticed
before each read and write (its device and inode) and opened anew, its folder made again if need be,
with a warning: no write goes to the unlinked file. Other faults (damaged, read-only, full) on either
engine are `StoreUnavailable` sentences that name the problem, never the SQL or its parameters.

Saved states (share links) are bounded: one state holds at most `max_state_bytes`; beyond the
quota the least recently used links go first, and a link never opened expires (see
`hfcompare.config.link_limits`).
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import sqlite3
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, TypeVar

from hfcompare.config import database_url, home, link_limits
from hfcompare.storage.database import BUSY_TIMEOUT_MS, DatabaseUrlError, engine_url, hide_password, shown

T = TypeVar("T")

STORE_FILE = "hfcompare.sqlite3"
#: What every message about a store that cannot be used ends with: what still works.
STILL_WORKS = "Comparisons still run; votes, share links, A/B tests and the call log wait for the store."
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
    """The store cannot be used: this user may not read or write it, it stayed locked, or its
    database server cannot be reached or refuses the login."""


class StateTooLarge(ValueError):
    """A state larger than a share link may save."""


def _driver_error(exc: BaseException) -> BaseException:
    """The database driver's own exception under SQLAlchemy's wrapper."""
    return getattr(exc, "orig", None) or exc


def _is_busy(exc: BaseException) -> bool:
    inner = _driver_error(exc)
    text = str(inner).lower()
    return isinstance(inner, sqlite3.OperationalError) and ("locked" in text or "busy" in text)


def _is_permission(exc: BaseException) -> bool:
    inner = _driver_error(exc)
    text = str(inner).lower()
    return isinstance(inner, PermissionError) or any(
        part in text for part in ("unable to open database file", "readonly", "read-only", "permission denied",
                                  "disk i/o error"))


def _first_line(exc: BaseException, limit: int = 200) -> str:
    """The first line of an error's message, at most `limit` characters (SQLAlchemy appends the SQL
    and its parameters on later lines)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0][:limit] if lines else type(exc).__name__


def _server_reason(exc: BaseException) -> str:
    """The first line of a database server's own message (the driver's, without SQLAlchemy's notes)."""
    return _first_line(_driver_error(exc), 300)


#: The columns of a logged call, in order.
CALL_COLUMNS = ("ts", "backend", "model", "task", "latency_s", "items", "tokens", "ok", "error_kind", "source",
                "variant", "satisfaction", "tags")
#: The source of this app's own calls; production traffic names its own.
APP_SOURCE = "hfcompare"


class Store:
    """The store on SQLite (one connection, safe across processes: WAL, busy timeout) or on a
    database server (a connection pool). `url` (a SQLAlchemy URL) wins over `path` (a SQLite file);
    with neither, `HFCOMPARE_DATABASE_URL` (or the config file's `[database] url`), else the SQLite
    file under $HFCOMPARE_HOME."""

    def __init__(self, path: Path | None = None, *, url: str | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
                 max_state_bytes: int | None = None, quota_bytes: int | None = None,
                 expiry_s: float | None = None):
        from hfcompare.storage import schema

        if url is None and path is None:
            url = database_url()
        self.path = None if url is not None else Path(path) if path else home() / STORE_FILE
        try:
            self._url = engine_url(url, self.path)
        except DatabaseUrlError as exc:
            raise StoreUnavailable(f"{exc} Check HFCOMPARE_DATABASE_URL (or [database] url in the config file).") \
                from None
        if self.path is None and self._url.get_backend_name() == "sqlite":
            self.path = Path(self._url.database)
        self.url = shown(self._url)
        self.engine_name = "SQLite" if self.path is not None else "PostgreSQL"
        self.warnings: list[str] = []
        self.busy_timeout_ms = int(busy_timeout_ms)
        default_max, default_quota, default_expiry = link_limits()
        self.max_state_bytes = int(max_state_bytes or default_max)
        self.quota_bytes = max(int(quota_bytes or default_quota), self.max_state_bytes)
        self.expiry_s = float(expiry_s or default_expiry)
        self.clock = time.time   # tests set their own
        self._t = schema
        # SQLite: one connection, many threads: one statement or transaction at a time. A server's
        # pool gives each thread its own connection.
        self._lock = threading.RLock() if self.path is not None else contextlib.nullcontext()
        self._engine = self._open_recovering()
        self._identity = self._file_identity()
        self._epoch = 0

    @property
    def engine(self):
        """The SQLAlchemy engine (for copying and for tests; the methods below are the interface)."""
        return self._engine

    def insert_rows(self, table, rows: list[dict[str, Any]], skip_existing: bool = False) -> int:
        """Insert `rows` into `table` (one of `schema.TABLES`) in one transaction; with `skip_existing`,
        rows whose key is there already are left out. Returns how many were inserted."""
        statement = (self._insert_new(table) if skip_existing else table.insert()).returning(
            *table.primary_key.columns)   # the rows returned are the rows inserted, on both engines
        return self._transaction(lambda connection: len(connection.execute(statement, rows).all()))

    @property
    def where(self) -> str:
        """Where the store lives, as it may be shown: the SQLite file, or the URL without its password."""
        return str(self.path) if self.path is not None else self.url

    def _open_recovering(self):
        """Open (and migrate); wait out a busy database, move aside only one that fails its
        integrity check, and say so plainly when this user may not use the file or the server
        cannot be used."""
        from sqlalchemy.exc import SQLAlchemyError

        for attempt in range(BUSY_ATTEMPTS):
            try:
                return self._open()
            except (SQLAlchemyError, sqlite3.DatabaseError, OSError) as exc:
                if self.path is None:
                    raise self._server_unavailable(exc) from None
                if _is_busy(exc):
                    time.sleep(min(0.05 * 2 ** attempt, 2.0) * (0.5 + random.random()))
                    continue
                verdict = self._integrity()
                if verdict == "busy":
                    time.sleep(min(0.05 * 2 ** attempt, 2.0) * (0.5 + random.random()))
                    continue
                if verdict == "corrupt":
                    self._move_aside(_driver_error(exc))
                    return self._open()
                reason = _driver_error(exc)
                if not self.path.parent.is_dir():
                    raise StoreUnavailable(f"The store's folder {self.path.parent} does not exist and cannot be "
                                           f"created. {STILL_WORKS}") from exc
                if _is_permission(exc):
                    raise StoreUnavailable(
                        f"The store {self.path} cannot be opened for reading and writing ({reason}): check that "
                        f"this user may read and write it and its folder ($HFCOMPARE_HOME). {STILL_WORKS}") from exc
                raise StoreUnavailable(f"The store {self.path} cannot be used ({type(reason).__name__}: {reason}); "
                                       f"it passed its integrity check, so it was left in place. {STILL_WORKS}") \
                    from exc
        raise StoreUnavailable(f"The store {self.path} stayed locked by another process; try again shortly. "
                               f"{STILL_WORKS}")

    def _server_unavailable(self, exc: BaseException) -> StoreUnavailable:
        """What is wrong with the database server, in words, and never with the password."""
        reason = _server_reason(exc)
        lowered = reason.lower()
        if "password" in lowered or "authentication" in lowered or "role" in lowered and "does not exist" in lowered:
            advice = "it refused the login: check the user name and password in HFCOMPARE_DATABASE_URL"
        elif "permission denied" in lowered or "must be owner" in lowered:
            advice = ("this user may not create or change the store's tables: grant it CREATE on the database's "
                      "schema (once), or use the database's owner")
        elif "database" in lowered and "does not exist" in lowered:
            advice = "the database does not exist: create it, or fix its name in HFCOMPARE_DATABASE_URL"
        elif any(word in lowered for word in ("refused", "timeout", "timed out", "could not translate", "resolve",
                                              "unreachable", "no route", "connection")):
            advice = "it cannot be reached: check the host and port in HFCOMPARE_DATABASE_URL and that the server runs"
        else:
            advice = "check HFCOMPARE_DATABASE_URL"
        return StoreUnavailable(hide_password(
            f"The database {self.url} cannot be used ({reason}); {advice}. Comparisons still run; votes, saved "
            "links, A/B tests and the call log wait for it.", self._url))

    def _integrity(self) -> str:
        return integrity(self.path, self.busy_timeout_ms / 1000)

    def _open(self):
        from hfcompare.storage.database import create_engine, migrate

        engine = create_engine(self._url, self.busy_timeout_ms)
        try:
            migrate(engine)
            with engine.connect() as connection:
                connection.execute(self._t.saved_states.select().limit(1)).fetchall()
        except BaseException:
            engine.dispose()
            raise
        return engine

    def _retrying(self, work: Callable[[], T]) -> T:
        """`work()`, one at a time on SQLite, retried while the database stays locked past the busy
        timeout; a server that went away becomes StoreUnavailable."""
        from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

        for attempt in range(BUSY_ATTEMPTS):
            try:
                with self._lock:
                    self._reopen_if_replaced()
                    result = work()
                    if self._reopen_if_replaced():   # removed while `work` ran: it went to the old file
                        result = work()
                    return result
            except DBAPIError as exc:
                if self.path is None and _server_gone(exc):
                    raise self._server_unavailable(exc) from None
                if _is_busy(exc) and attempt < BUSY_ATTEMPTS - 1:
                    time.sleep(min(0.05 * 2 ** attempt, 2.0) * (0.5 + random.random()))
                    continue
                if isinstance(exc, IntegrityError):   # the request's fault (a winner no vote may have), not the store's
                    raise
                raise self._fault(exc) from None
            except (SQLAlchemyError, sqlite3.Error, OSError) as exc:
                raise self._fault(exc) from None
        raise AssertionError("unreachable")

    def _file_identity(self) -> tuple[int, int] | None:
        """(device, inode) of the SQLite file, None when it is missing (or on a database server)."""
        if self.path is None:
            return None
        try:
            found = self.path.stat()
        except OSError:
            return None
        return found.st_dev, found.st_ino

    def file_epoch(self) -> int:
        """How many times the SQLite file was found removed or replaced and opened anew (always 0 on a
        database server); checked now, with one stat. What was saved in an earlier epoch is gone:
        a link saved then must be saved again before it is shown."""
        if self.path is not None and self._file_identity() != self._identity:
            with self._lock:
                self._reopen_if_replaced()
        return self._epoch

    def _reopen_if_replaced(self) -> bool:
        """When the SQLite file was removed or replaced since it was opened, open the file now at the
        path (a new, empty one if it is gone), say so in `warnings` and the log, and return True: a
        write to the old file would be lost with it."""
        if self.path is None or self._file_identity() == self._identity:
            return False
        gone, folder_gone = not self.path.exists(), not self.path.parent.is_dir()
        self._engine.dispose()
        if folder_gone:
            with contextlib.suppress(OSError):   # when it cannot be made, opening says so
                self.path.parent.mkdir(parents=True, exist_ok=True)
        self._engine = self._open_recovering()
        self._identity = self._file_identity()
        self._epoch += 1
        if folder_gone:
            happened = f"The store's folder {self.path.parent} was removed while the app ran; it was made again " \
                       f"with a new, empty store {self.path.name}."
        elif gone:
            happened = f"The store {self.path} was removed while the app ran; a new, empty one was started there."
        else:
            happened = f"The store {self.path} was replaced while the app ran; the file now there is used."
        self._warn(f"{happened} Votes and links saved before that are not in it; what is saved from now on is.")
        return True

    def _warn(self, message: str) -> None:
        """Say `message` where people look: `warnings` (the sidebar shows them) and the log."""
        import logging

        self.warnings.append(message)
        logging.getLogger(__name__).warning(message)

    def _fault(self, exc: BaseException) -> StoreUnavailable:
        """A store error as a sentence that names the problem and what still works, without the SQL or
        its parameters (which hold the user's state), on either engine."""
        inner = _driver_error(exc)
        text = str(inner).lower()
        state = getattr(inner, "sqlstate", None) or ""
        what = f"the store {self.path}" if self.path is not None else f"the database {self.url}"
        if "malformed" in text or "not a database" in text or "corrupt" in text or state.startswith("XX"):
            problem = f"{what} is damaged ({_first_line(inner)})"
            if self.path is not None:
                problem += "; it will be moved aside and a new one started when the app restarts"
        elif state == "25006" or "readonly" in text or "read-only" in text or self.path is not None and (
                "permission" in text or "unable to open" in text):
            problem = (f"{what} cannot be written (it is read-only for this user, or its folder is)"
                       if self.path is not None else f"{what} refuses writes: it is read-only")
        elif state == "42501" or "permission denied" in text:
            problem = f"{what} cannot be written: this user may not ({_first_line(inner)})"
        elif state == "53100" or "full" in text or "no space" in text:
            problem = f"the disk that holds {what} is full"
        elif "disk i/o" in text:
            problem = f"{what} cannot be read or written (disk I/O error)"
        elif _is_busy(exc):
            problem = f"{what} stayed locked by another process"
        else:
            problem = f"{what} failed ({type(inner).__name__}: {_first_line(inner)})"
        message = f"{problem[0].upper()}{problem[1:]}. Nothing was saved. {STILL_WORKS}"
        return StoreUnavailable(message if self.path is not None else hide_password(message, self._url))

    def _read(self, statement) -> list[Any]:
        """The rows of one query."""
        def run() -> list[Any]:
            with self._engine.connect() as connection:
                return list(connection.execute(statement))

        return self._retrying(run)

    def _transaction(self, work: Callable[[Any], T]) -> T:
        """`work(connection)` in one write transaction, rolled back on any error, retried while locked."""
        def run() -> T:
            with self._engine.connect() as connection:
                connection.execution_options(write=True)
                with connection.begin():
                    return work(connection)

        return self._retrying(run)

    def _insert_new(self, table):
        """An INSERT that skips a row whose key exists (both engines say ON CONFLICT DO NOTHING)."""
        if self._engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table).on_conflict_do_nothing()

    def _move_aside(self, exc: BaseException) -> None:
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(str(self.path) + suffix)
            if source.exists():
                shutil.move(str(source), str(aside) + suffix)
        self._warn(f"The store {self.path} was unreadable ({type(exc).__name__}: {_first_line(exc)}); it was moved "
                   f"to {aside} and a new, empty one was started.")

    @property
    def schema_version(self) -> str:
        """The Alembic revision the database is at."""
        from hfcompare.storage.database import revision

        with self._lock, self._engine.connect() as connection:
            return revision(connection)

    # --- share links ----------------------------------------------------------------------------

    def save_state(self, state_id: str, page: str, payload: dict[str, Any]) -> str:
        """Keep `payload` under `state_id`; an id that exists already keeps its first content.
        Raises StateTooLarge beyond `max_state_bytes`; saving drops links never opened within the
        expiry, then the least recently used ones beyond the quota."""
        from sqlalchemy import delete, func, select, update

        blob = json.dumps(payload)  # in its own order: a link keeps the criteria as the user ordered them
        size = len(blob.encode("utf-8"))
        if size > self.max_state_bytes:
            raise StateTooLarge(
                f"This view is too large to share: its state is {size / 1024:,.0f} KB and a link holds at most "
                f"{self.max_state_bytes / 1024:,.0f} KB. Use fewer or shorter texts or prompts to get a link.")
        now = self.clock()
        t = self._t.saved_states

        def save(connection) -> None:
            inserted = connection.execute(self._insert_new(t).values(
                id=state_id, page=page, payload=blob, created_at=datetime.now(timezone.utc).isoformat(),
                size_bytes=size, saved_ts=now, used_ts=now, opens=0)).rowcount
            if not inserted:
                connection.execute(update(t).where(t.c.id == state_id).values(used_ts=_later(t.c.used_ts, now)))
            connection.execute(delete(t).where(t.c.opens == 0, t.c.saved_ts < now - self.expiry_s,
                                               t.c.id != state_id))
            running = select(t.c.id, func.sum(t.c.size_bytes).over(
                order_by=[(t.c.id == state_id).desc(), t.c.used_ts.desc(), t.c.saved_ts.desc(), t.c.id]
            ).label("running")).subquery()
            connection.execute(delete(t).where(t.c.id.in_(
                select(running.c.id).where(running.c.running > self.quota_bytes))))

        self._transaction(save)
        return state_id

    def load_state(self, state_id: str) -> tuple[str, dict[str, Any]] | None:
        """(page, payload) saved under `state_id`, or None (also for an expired link); opening a
        link marks it used."""
        from sqlalchemy import select, update

        now = self.clock()
        t = self._t.saved_states
        rows = self._read(select(t.c.page, t.c.payload, t.c.opens, t.c.saved_ts).where(t.c.id == state_id))
        if not rows or (rows[0].opens == 0 and rows[0].saved_ts < now - self.expiry_s):
            return None
        self._transaction(lambda connection: connection.execute(
            update(t).where(t.c.id == state_id).values(used_ts=_later(t.c.used_ts, now), opens=t.c.opens + 1)))
        try:
            return rows[0].page, json.loads(rows[0].payload)
        except (ValueError, RecursionError):
            return None

    def link_usage(self) -> tuple[int, int]:
        """(saved links, their bytes)."""
        from sqlalchemy import func, select

        t = self._t.saved_states
        count, total = self._read(select(func.count(), func.coalesce(func.sum(t.c.size_bytes), 0)))[0]
        return int(count), int(total)

    def saved_ids(self) -> set[str]:
        """The ids of every saved state."""
        from sqlalchemy import select

        return {row.id for row in self._read(select(self._t.saved_states.c.id))}

    # --- arena votes ---------------------------------------------------------------------------

    def add_vote(self, arena: str, prompt: str, model_a: str, model_b: str, winner: str) -> int:
        """Record one blind vote; returns its id."""
        t = self._t.votes
        return int(self._transaction(lambda connection: connection.execute(t.insert().values(
            arena=arena, prompt=prompt, model_a=model_a, model_b=model_b, winner=winner, created_at=time.time()
        ).returning(t.c.id)).scalar_one()))

    def votes(self, arena: str | None = None) -> list[dict[str, Any]]:
        """Every vote (of one arena), oldest first."""
        t = self._t.votes
        query = t.select().order_by(t.c.id)
        rows = self._read(query.where(t.c.arena == arena) if arena else query)
        return [dict(row._mapping) for row in rows]

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
        values = [{name: _call_value(row, name) for name in CALL_COLUMNS} for row in rows]
        if values:
            self._transaction(lambda connection: connection.execute(self._t.calls.insert(), values))

    def _calls_where(self, query, since: float | None, models: list[str] | None, backends: list[str] | None,
                     sources: list[str] | None):
        t = self._t.calls
        if since is not None:
            query = query.where(t.c.ts >= since)
        for column, values in (("model", models), ("backend", backends), ("source", sources)):
            if values:
                query = query.where(t.c[column].in_(list(values)))
        return query

    def calls(self, since: float | None = None, models: list[str] | None = None,
              backends: list[str] | None = None, sources: list[str] | None = None,
              newest: int | None = None) -> list[dict[str, Any]]:
        """Logged calls, oldest first, filtered by time, model, backend and source; with `newest`,
        only that many of the latest."""
        from sqlalchemy import select

        t = self._t.calls
        query = self._calls_where(select(*(t.c[name] for name in CALL_COLUMNS)), since, models, backends, sources)
        if newest is None:
            found = self._read(query.order_by(t.c.ts, t.c.id))
        else:
            found = self._read(query.order_by(t.c.ts.desc(), t.c.id.desc()).limit(int(newest)))[::-1]
        rows = [dict(row._mapping) for row in found]
        for row in rows:
            row["ok"] = bool(row["ok"])
            row["tags"] = json.loads(row["tags"]) if row["tags"] else {}
        return rows

    def count_calls(self, since: float | None = None, models: list[str] | None = None,
                    backends: list[str] | None = None, sources: list[str] | None = None) -> int:
        """How many logged calls match the filters of `calls`."""
        from sqlalchemy import func, select

        query = self._calls_where(select(func.count()).select_from(self._t.calls), since, models, backends, sources)
        return int(self._read(query)[0][0])

    def call_values(self, column: str, sources: list[str] | None = None) -> list[str]:
        """The distinct values of `column` ("model" or "backend") among the calls of `sources`, sorted."""
        from sqlalchemy import select

        t = self._t.calls
        query = self._calls_where(select(t.c[column]).distinct(), None, None, None, sources)
        return sorted(row[0] for row in self._read(query))

    def delete_calls(self, before: float, sources: list[str] | None = None) -> int:
        """Delete the calls logged before `before` (of `sources`, or all); returns how many went."""
        from sqlalchemy import delete

        t = self._t.calls
        statement = delete(t).where(t.c.ts < before)
        if sources:
            statement = statement.where(t.c.source.in_(list(sources)))
        return int(self._transaction(lambda connection: connection.execute(statement).rowcount))

    def call_sources(self) -> list[str]:
        """Every source that logged calls, this app's first."""
        from sqlalchemy import select

        found = [row[0] for row in self._read(select(self._t.calls.c.source).distinct())]
        return sorted(found, key=lambda s: (s != APP_SOURCE, s))

    # --- production A/B outcomes ----------------------------------------------------------------

    def log_outcome(self, experiment: str, user_id: str, variant: str, outcome: float, ts: float | None = None) -> None:
        self._transaction(lambda connection: connection.execute(self._t.ab_events.insert().values(
            experiment=experiment, user_id=user_id, variant=variant, outcome=float(outcome),
            ts=time.time() if ts is None else ts)))

    def outcomes(self, experiment: str) -> list[dict[str, Any]]:
        from sqlalchemy import select

        t = self._t.ab_events
        rows = self._read(select(t.c.user_id, t.c.variant, t.c.outcome, t.c.ts)
                          .where(t.c.experiment == experiment).order_by(t.c.id))
        return [dict(row._mapping) for row in rows]

    def experiments(self) -> list[str]:
        """Experiments with a plan or logged outcomes."""
        from sqlalchemy import select, union

        names = union(select(self._t.ab_events.c.experiment), select(self._t.ab_plans.c.experiment))
        return sorted(row[0] for row in self._read(names))

    def plan_experiment(self, experiment: str, split: float, per_variant: int, alpha: float) -> dict[str, Any]:
        """Fix the plan of `experiment`; a plan made earlier stays (returned as it is)."""
        self._transaction(lambda connection: connection.execute(self._insert_new(self._t.ab_plans).values(
            experiment=experiment, split=float(split), per_variant=int(per_variant), alpha=float(alpha),
            created_at=time.time())))
        return self.experiment_plan(experiment)

    def experiment_plan(self, experiment: str) -> dict[str, Any] | None:
        t = self._t.ab_plans
        rows = self._read(t.select().where(t.c.experiment == experiment))
        return {k: v for k, v in rows[0]._mapping.items() if k != "experiment"} if rows else None

    def close(self) -> None:
        with self._lock:
            self._engine.dispose()


def _later(column, now: float):
    """The later of `column` and `now` (SQLite's two-argument max is PostgreSQL's greatest)."""
    from sqlalchemy import case

    return case((column < now, now), else_=column)


def _server_gone(exc) -> bool:
    """Whether a database server's error means it went away or cannot be reached (a lost or refused
    connection, a server shutting down), rather than a refusal of this request (read-only, disk
    full, no permission), which `Store._fault` words."""
    try:
        import psycopg
    except ImportError:
        return bool(exc.connection_invalidated)
    inner = _driver_error(exc)
    state = getattr(inner, "sqlstate", None) or ""
    return bool(exc.connection_invalidated) or isinstance(inner, psycopg.OperationalError) and (
        not state or state.startswith(("08", "57P")))


_shared: dict[str, Store] = {}
_unavailable: dict[str, tuple[float, StoreUnavailable]] = {}
_shared_lock = threading.Lock()
#: A database server that could not be used is tried again after this long, not on every call
#: (the call log writes on each model call; a server that is down would cost a timeout each time).
RETRY_SERVER_AFTER_S = 15.0


_targets: dict[tuple[str, ...], str] = {}


def store_target(path: Path | None = None) -> str:
    """Which store `shared_store(path)` means now: the database URL, or the SQLite file's resolved
    path. Remembered per environment (HFCOMPARE_DATABASE_URL, HFCOMPARE_HOME, HFCOMPARE_CONFIG), so
    the hot path of `monitoring.track` reads no config file; a config file edited later counts
    after a restart."""
    if path:
        return str(Path(path).resolve())
    import os

    from hfcompare.config import CONFIG_ENV, DATABASE_URL_ENV, HOME_ENV

    environment = tuple(os.environ.get(name, "") for name in (DATABASE_URL_ENV, HOME_ENV, CONFIG_ENV))
    found = _targets.get(environment)
    if found is None:
        found = _targets[environment] = database_url() or str((home() / STORE_FILE).resolve())
    return found


def configured_where() -> tuple[str, str]:
    """(engine, where) of the store this process is set to use, without connecting: ("SQLite", the
    file) or ("PostgreSQL", the URL without its password); ("", why) for a URL that cannot be used."""
    target = store_target()
    if "://" not in target:
        return "SQLite", target
    try:
        parsed = engine_url(target)
    except DatabaseUrlError as exc:
        return "", str(exc)
    if parsed.get_backend_name() == "sqlite":
        return "SQLite", str(parsed.database)
    return "PostgreSQL", shown(parsed)


def opened_store_warnings() -> list[str]:
    """What the stores this process opened had to say (a corrupt file moved aside, a removed file
    started afresh), without opening any."""
    with _shared_lock:
        return [warning for store in _shared.values() for warning in store.warnings]


def shared_store(path: Path | None = None, *, target: str | None = None) -> Store:
    """The one Store this process keeps for `path` (default: `HFCOMPARE_DATABASE_URL`, else the
    SQLite file under $HFCOMPARE_HOME), or for a `target` from `store_target`. The pages, the call
    log and scripts in one process share it, and with it its connections."""
    key = target or store_target(path)
    is_url = "://" in key
    with _shared_lock:
        if key in _shared:
            return _shared[key]
        failed = _unavailable.get(key)
        if failed and time.monotonic() - failed[0] < RETRY_SERVER_AFTER_S:
            raise failed[1]
        try:
            store = Store(url=key) if is_url else Store(Path(key))
        except StoreUnavailable as exc:
            if is_url:
                _unavailable[key] = (time.monotonic(), exc)
            raise
        _unavailable.pop(key, None)
        _shared[key] = store
        return store
