"""The persistent embedding cache: one float32 vector per (backend, model, variant, options, text)."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hfcompare.config import home

_STATS_KEY = "meta|stats"
_TIMING_PREFIX = "meta|timing|"


def text_hash(text: str) -> str:
    """A stable hash of a text (the cache never stores texts)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def vector_key(backend: str, model: str, fingerprint: str, options: dict[str, Any], text: str) -> str:
    """The cache key of one text's vector; covers everything that changes the vector."""
    parts = [backend, model, fingerprint, json.dumps(options, sort_keys=True), text_hash(text)]
    return "vec|" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass
class CacheStats:
    """What the sidebar shows."""

    entries: int
    size_bytes: int
    hits: int
    misses: int
    path: str


class CacheUnavailable(RuntimeError):
    """The cache cannot be used: this user may not read or write it, or it stayed locked."""


def open_recovering(directory: Path, warnings: list[str]):
    """A diskcache at `directory`. A busy (locked) one is waited for and retried; only one whose
    database fails its integrity check is moved aside (with a warning) and started afresh; one this
    user may not read or write raises CacheUnavailable saying so."""
    import diskcache

    from hfcompare.storage.store import BUSY_ATTEMPTS, _is_busy, _is_permission, integrity

    for attempt in range(BUSY_ATTEMPTS):
        try:
            cache = diskcache.Cache(str(directory))
            cache.get(_STATS_KEY)  # touches the database, so corruption shows here
            return cache
        except (sqlite3.DatabaseError, OSError) as exc:
            verdict = "busy" if _is_busy(exc) else integrity(directory / "cache.db")
            if verdict == "busy":
                time.sleep(min(0.05 * 2 ** attempt, 2.0) * (0.5 + random.random()))
                continue
            if verdict == "corrupt":
                aside = directory.with_name(f"{directory.name}.corrupt-{int(time.time())}")
                shutil.move(str(directory), str(aside))
                warnings.append(
                    f"The cache in {directory} was unreadable ({type(exc).__name__}); it was moved to {aside} "
                    "and a new, empty one was started."
                )
                return diskcache.Cache(str(directory))
            if _is_permission(exc):
                raise CacheUnavailable(
                    f"The cache in {directory} cannot be opened for reading and writing ({exc}): check that this "
                    "user may read and write it and its folder ($HFCOMPARE_HOME).") from exc
            raise CacheUnavailable(f"The cache in {directory} cannot be used ({type(exc).__name__}: {exc}); it "
                                   "passed its integrity check, so it was left in place.") from exc
    raise CacheUnavailable(f"The cache in {directory} stayed locked by another process; try again shortly.")


#: diskcache's database file in its folder.
_DATABASE = "cache.db"


def _cannot_write(exc: BaseException) -> bool:
    """Whether a cache write failed for want of room or permission (not for a lock, nor a bug)."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES,
                                                   errno.EPERM, errno.EFBIG):
        return True
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and any(
        part in text for part in ("full", "readonly", "read-only", "disk i/o", "unable to open"))


class _Reopening:
    """Reopens the caches of `_parts` when their folder was removed while the process runs (a new,
    empty one, with a warning), instead of failing every later call ("unable to open database file");
    and keeps results it cannot write (a full disk, a read-only folder) out of the cache, with a
    warning, instead of failing the run that computed them."""

    directory: Path
    warnings: list[str]
    _parts: dict[str, Path]   # attribute name -> folder of each diskcache
    _reopen_lock: threading.Lock

    def _open_parts(self) -> None:
        for name, folder in self._parts.items():
            setattr(self, name, open_recovering(folder, self.warnings))

    def _reopen_if_gone(self) -> None:
        if all((folder / _DATABASE).exists() for folder in self._parts.values()):
            return
        with self._reopen_lock:
            if all((folder / _DATABASE).exists() for folder in self._parts.values()):
                return   # another thread reopened it
            for name in self._parts:
                try:
                    getattr(self, name).close()
                except Exception:  # noqa: BLE001 - the old files are gone; closing is a courtesy
                    pass
            self._open_parts()
            self.warnings.append(f"The cache in {self.directory} was removed while the app ran; a new, empty one "
                                 "was started (results computed before that are computed again when asked for).")

    def _keep(self, write) -> None:
        """`write()`; when the disk is full or the cache read-only, the result is used without being
        kept, and the sidebar says so (once)."""
        import diskcache

        try:
            write()
        except (sqlite3.OperationalError, OSError, diskcache.Timeout) as exc:
            if isinstance(exc, diskcache.Timeout):   # diskcache's word for any failed BEGIN: a lock, or read-only
                reason = "it stayed locked, or it is read-only"
            elif _cannot_write(exc):
                reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            else:
                raise
            said = (f"The cache in {self.directory} cannot be written ({reason}): results are computed and shown, "
                    "but not kept for next time.")
            if said not in self.warnings:
                self.warnings.append(said)


class EmbeddingCache(_Reopening):
    """diskcache under `$HFCOMPARE_HOME/cache`; a corrupt cache is moved aside and started afresh, and
    one removed while the app runs is started again."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory) if directory else home() / "cache"
        self.warnings: list[str] = []
        self._reopen_lock = threading.Lock()
        # counters and speed records live beside the vectors, so len() counts vectors only
        self._parts = {"_cache": self.directory, "_meta": self.directory / "meta"}
        self._open_parts()

    def get_vectors(self, keys: list[str]) -> dict[str, np.ndarray]:
        """The cached vectors among `keys`, read in one transaction."""
        self._reopen_if_gone()
        found: dict[str, np.ndarray] = {}
        with self._cache.transact():
            for key in keys:
                raw = self._cache.get(key)
                if raw is not None:
                    found[key] = np.frombuffer(raw, dtype=np.float32)
        return found

    def set_vectors(self, items: dict[str, np.ndarray]) -> None:
        """Store vectors (as raw float32 bytes) in one transaction."""
        self._reopen_if_gone()

        def write() -> None:
            with self._cache.transact():
                for key, vector in items.items():
                    self._cache.set(key, np.ascontiguousarray(vector, dtype=np.float32).tobytes())

        self._keep(write)

    def count(self, hits: int, misses: int) -> None:
        """Add to the lifetime hit and miss counters."""
        if hits or misses:
            self._reopen_if_gone()

            def write() -> None:
                with self._meta.transact():
                    old_hits, old_misses = self._meta.get(_STATS_KEY, (0, 0))
                    self._meta.set(_STATS_KEY, (old_hits + hits, old_misses + misses))

            self._keep(write)

    def record_timing(self, ident: str, record: dict) -> None:
        """Remember the last measured speed of a model (a `SpeedStats.to_record()`), so a fully cached
        run can still show it."""
        self._reopen_if_gone()
        self._keep(lambda: self._meta.set(_TIMING_PREFIX + ident, record))

    def timing_record(self, ident: str) -> dict | None:
        """The last speed record for `ident` (read with `SpeedStats.from_record`), if any."""
        self._reopen_if_gone()
        record = self._meta.get(_TIMING_PREFIX + ident)
        if not isinstance(record, dict) or "ms_per_text" not in record:
            return None
        return record

    def stats(self) -> CacheStats:
        self._reopen_if_gone()
        hits, misses = self._meta.get(_STATS_KEY, (0, 0))
        size = int(self._cache.volume() + self._meta.volume())
        return CacheStats(len(self._cache), size, hits, misses, str(self.directory))

    def clear(self) -> None:
        """Remove every entry, counters included."""
        self._reopen_if_gone()
        self._cache.clear()
        self._meta.clear()

    def close(self) -> None:
        self._cache.close()
        self._meta.close()


class GenerationCache(_Reopening):
    """Generated answers with their timings, under `$HFCOMPARE_HOME/generations`."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory) if directory else home() / "generations"
        self.warnings: list[str] = []
        self._reopen_lock = threading.Lock()
        self._parts = {"_cache": self.directory}
        self._open_parts()

    def get(self, key: str) -> dict[str, Any] | None:
        self._reopen_if_gone()
        return self._cache.get(key)

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._reopen_if_gone()
        self._keep(lambda: self._cache.set(key, value))

    def __len__(self) -> int:
        self._reopen_if_gone()
        return len(self._cache)

    def clear(self) -> None:
        self._reopen_if_gone()
        self._cache.clear()
