"""One CPU budget for every local model in this process: local models take turns (one computes at a
time, so no local model's timings include another's work), and the one whose turn it is gets as many
threads as the CPU has cores free of other work.

Why not simply all cores: llama.cpp's threads wait for each other at every step, so when another
process holds a core, two threads on two cores run slower than one (measured on 2 cores, SmolLM2:
2 threads 99.8 tokens/s quiet but 10.8 beside two busy processes, where 1 thread gives 40.4;
benchmarks/threads.py). The choice is made per turn from how busy the other processes kept the CPU.

Set the count yourself with $HFCOMPARE_THREADS or the config file's `[local] threads` ("auto" or a
whole number); see `configured_threads`.
"""

from __future__ import annotations

import math
import os
import threading
import time
import contextlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

THREADS_ENV = "HFCOMPARE_THREADS"

#: A core counts as free for another thread when other processes leave at least this share of it idle.
FREE_CORE_SHARE = 0.75
#: Other processes' CPU use is read over at least this long before a choice ...
MIN_WINDOW_S = 0.1
#: ... and a reading over a longer window than this (an idle app) is too old: a fresh one is taken.
MAX_WINDOW_S = 5.0
#: A choice is reused for this long (an embedding run makes many short calls).
REUSE_S = 1.0

_turn = threading.RLock()
_granted = threading.local()


@dataclass(frozen=True)
class ThreadChoice:
    """The threads a turn runs with, and why."""

    threads: int
    cores: int
    others_busy: float | None  # cores' worth of CPU other processes used; None when unknown or fixed
    configured: bool = False

    def describe(self) -> str:
        """e.g. "1 of 2 cores (other processes kept 1.3 busy)"."""
        if self.configured:
            return f"{self.threads} thread{'s' if self.threads != 1 else ''} (set by {THREADS_ENV} or the config file)"
        busy = "" if self.others_busy is None else f", other processes kept {self.others_busy:.1f} busy"
        return f"{self.threads} thread{'s' if self.threads != 1 else ''} of {self.cores} cores{busy}"


def choose_threads(cores: int, others_busy: float | None) -> int:
    """Threads for one local model: the cores other processes leave free (a core counts when at least
    FREE_CORE_SHARE of it is idle), at least 1; all cores when the others' use is unknown."""
    if others_busy is None:
        return max(1, cores)
    free = cores - max(0.0, others_busy)
    return max(1, min(cores, math.floor(free + 1 - FREE_CORE_SHARE)))


def configured_threads() -> int | None:
    """The thread count set by $HFCOMPARE_THREADS, else the config file's `[local] threads`; None
    for "auto" or unset. A value that is not a whole number of at least 1 counts as "auto"
    (`threads_problem` says why)."""
    value, _ = _setting()
    return value


def threads_problem() -> str | None:
    """Why the thread setting is ignored, or None."""
    return _setting()[1]


def _setting() -> tuple[int | None, str | None]:
    from hfcompare.config import ConfigError, read_config

    raw: object = os.environ.get(THREADS_ENV, "").strip()
    where = THREADS_ENV
    if not raw:
        try:
            section = read_config().get("local", {})
        except ConfigError:
            return None, None
        raw = section.get("threads", "") if isinstance(section, dict) else ""
        where = "[local] threads"
    if raw in ("", "auto"):
        return None, None
    try:
        count = int(raw) if not isinstance(raw, (bool, float)) else -1
    except (TypeError, ValueError):
        count = -1
    if count < 1:
        return None, f"{where} is {raw!r}; it must be \"auto\" or a whole number of at least 1, so \"auto\" is used."
    return count, None


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity, capped by a container's CPU quota."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    quota = _cgroup_quota()
    return max(1, min(cores, math.ceil(quota)) if quota else cores)


def _cgroup_quota() -> float | None:
    """The CPU quota of a cgroup v2 container, in cores (None when unlimited or unknown)."""
    try:
        limit, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return None
    return None if limit == "max" else int(limit) / int(period)


def busy_seconds(stat: str, cpus: set[int] | None = None) -> float | None:
    """CPU seconds spent busy (not idle or waiting for I/O) since boot, from the text of /proc/stat,
    over `cpus` (all when None)."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, found = 0.0, False
    for line in stat.splitlines():
        name, *fields = line.split()
        if not name.startswith("cpu") or name == "cpu":
            continue
        if cpus is not None and int(name[3:]) not in cpus:
            continue
        values = [int(v) for v in fields[:8]]
        total += sum(values) - values[3] - values[4]  # minus idle and iowait
        found = True
    return total / tick if found else None


def _machine_busy() -> float | None:
    """Busy CPU seconds of what shares our cores: the container under a quota, else our cores."""
    if _cgroup_quota():
        try:
            for line in Path("/sys/fs/cgroup/cpu.stat").read_text().splitlines():
                if line.startswith("usage_usec "):
                    return int(line.split()[1]) / 1e6
        except (OSError, ValueError):
            return None
    try:
        cpus = set(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = None
    try:
        return busy_seconds(Path("/proc/stat").read_text(), cpus)
    except OSError:
        return None


def _own_seconds() -> float:
    times = os.times()
    return times.user + times.system


class _Meter:
    """How many cores' worth of CPU other processes used since the last reading."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.busy: float | None = None
        self.own = 0.0

    def _read(self) -> None:
        self.at, self.busy, self.own = time.monotonic(), _machine_busy(), _own_seconds()

    def others_busy(self) -> float | None:
        if self.at is None or time.monotonic() - self.at > MAX_WINDOW_S:
            self._read()
        waited = time.monotonic() - self.at
        if waited < MIN_WINDOW_S:
            time.sleep(MIN_WINDOW_S - waited)
        at, busy, own = self.at, self.busy, self.own
        self._read()
        if busy is None or self.busy is None:
            return None
        return max(0.0, (self.busy - busy) - (self.own - own)) / max(self.at - at, 1e-9)


_meter = _Meter()
_last: tuple[float, ThreadChoice] | None = None


def threads_now() -> ThreadChoice:
    """The threads a local model should use now (see the module's docstring)."""
    global _last
    cores = usable_cores()
    fixed = configured_threads()
    if fixed is not None:
        return ThreadChoice(fixed, cores, None, configured=True)
    if _last is not None and time.monotonic() - _last[0] < REUSE_S:
        return _last[1]
    others = _meter.others_busy()
    choice = ThreadChoice(choose_threads(cores, others), cores, None if others is None else round(others, 2))
    _last = (time.monotonic(), choice)
    return choice


@contextmanager
def turn() -> Iterator[ThreadChoice]:
    """Wait until no other local model computes in this process, then hold the CPU: yields the
    threads to use. Re-entrant: a turn inside a turn (same thread, or work sent to the CPU thread by
    the turn's holder) keeps the outer one's threads."""
    if threading.current_thread().name.startswith(CPU_THREAD) and getattr(_granted, "choice", None):
        yield _granted.choice  # the thread that sent this work holds the turn
        return
    with _turn:
        outer = getattr(_granted, "choice", None)
        _granted.choice = outer or threads_now()
        try:
            yield _granted.choice
        finally:
            _granted.choice = outer


#: The one thread that runs llama.cpp's work (`on_cpu_thread`). llama.cpp's CPU build parallelises
#: with OpenMP, which keeps a team of threads per calling thread: once a second thread has called it,
#: the first one's idle team competes with the new one. SmolLM2 answering 160 tokens took 1.6-1.9 s
#: from the thread that loaded it and 2.6-3.1 s from any other (2 cores, 2 threads); Streamlit and
#: the comparisons call from a new thread every time.
CPU_THREAD = "hfcompare-cpu"
_executor = None
_executor_guard = threading.Lock()


def _cpu_executor():
    global _executor
    with _executor_guard:
        if _executor is None:
            from concurrent.futures import ThreadPoolExecutor

            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=CPU_THREAD)
        return _executor


def _with_turn_of_caller(function):
    """`function` run with the calling thread's turn (its thread choice), wherever it runs."""
    choice = getattr(_granted, "choice", None)

    def run(*args, **kwargs):
        _granted.choice = choice
        try:
            return function(*args, **kwargs)
        finally:
            _granted.choice = None
    return run


def on_cpu_thread(function, *args, **kwargs):
    """`function(*args, **kwargs)` run on the process's one CPU thread (CPU_THREAD); its result or
    exception comes back here."""
    if threading.current_thread().name.startswith(CPU_THREAD):
        return function(*args, **kwargs)
    return _cpu_executor().submit(_with_turn_of_caller(function), *args, **kwargs).result()


def stream_on_cpu_thread(generator_function, *args, **kwargs) -> Iterator:
    """Iterate `generator_function(*args, **kwargs)` on the CPU thread, yielding its items here as
    they come (an exception in it is raised here). Abandoned early, the generator stops at its next
    item, so the CPU thread is free for the next turn."""
    import queue

    if threading.current_thread().name.startswith(CPU_THREAD):
        yield from generator_function(*args, **kwargs)
        return
    items: queue.Queue = queue.Queue()
    abandoned = threading.Event()

    def run() -> None:
        generator = generator_function(*args, **kwargs)
        try:
            for item in generator:
                if abandoned.is_set():
                    break
                items.put((True, item))
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
            items.put((False, exc))
        else:
            items.put((False, None))
        finally:
            generator.close()

    done = _cpu_executor().submit(_with_turn_of_caller(run))
    try:
        while True:
            is_item, value = items.get()
            if is_item:
                yield value
            elif value is not None:
                raise value
            else:
                return
    finally:
        abandoned.set()
        done.result()  # the CPU thread is free again before the turn ends


def granted() -> ThreadChoice:
    """The threads of the current turn (a fresh choice when called outside one)."""
    return getattr(_granted, "choice", None) or threads_now()


def turn_for(backend) -> contextlib.AbstractContextManager[ThreadChoice | None]:
    """`turn()` for a backend that computes on this CPU (Capability.SHARES_CPU), else nothing to wait for."""
    from hfcompare.backends.base import Capability, can

    return turn() if can(backend, Capability.SHARES_CPU) else contextlib.nullcontext()


def torch_threads(threads: int) -> None:
    """Run torch's CPU work on `threads` threads (process-wide; set only when it changes)."""
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def where_measured() -> str:
    """Where speeds are measured: the CPU count (no GPU is used by local backends)."""
    return f"CPU, {os.cpu_count()} cores"


def now_iso() -> str:
    """The current time as ISO-8601 UTC, to the second (e.g. 2025-05-01T12:34:56+00:00): when a
    measurement on this machine was made."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
