"""The store on SQLite and on PostgreSQL: what production monitoring and voting cost.

For each engine (a SQLite file in a temp folder, WAL, synchronous=NORMAL as the store sets it; a
throwaway PostgreSQL cluster from tests/postgres.py with its default durability, fsync on):
- `monitoring.track` on the caller's path: the median cost of one call (it only queues);
- tracking throughput: P processes each tracking `--rows` calls and flushing, rows per second
  from the start signal until the last process is done;
- one vote (`Store.add_vote`, a committed transaction): the median latency;
- 4 processes voting at once: votes per second.
Medians of 3 runs; prints the CPU count. Skips PostgreSQL where it is not installed.
Run: .venv/bin/python benchmarks/store_engines.py [--rows 2000] [--processes 8]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _tracker(url: str, rows: int, start, done) -> None:
    os.environ["HFCOMPARE_DATABASE_URL"] = url
    from hfcompare import monitoring
    from hfcompare.storage.store import shared_store

    shared_store()   # connected and migrated before the clock starts
    start.wait()
    for i in range(rows):
        monitoring.track(model=f"m{i % 3}", latency_s=0.01, ok=True, variant="ab"[i % 2], source="bench")
    monitoring.flush(600.0)
    done.put(monitoring.dropped())


def _voter(url: str, votes: int, start, done) -> None:
    os.environ["HFCOMPARE_DATABASE_URL"] = url
    from hfcompare.storage.store import shared_store

    store = shared_store()
    start.wait()
    for i in range(votes):
        store.add_vote("generation", f"p{i}", "local:a", "local:b", "a")
    done.put(0)


def _in_processes(target, url: str, count: int, per_process: int) -> float:
    """Seconds from the start signal until every process is done."""
    context = mp.get_context("spawn")
    start, done = context.Event(), context.Queue()
    workers = [context.Process(target=target, args=(url, per_process, start, done)) for _ in range(count)]
    for worker in workers:
        worker.start()
    time.sleep(3.0)   # all imported and connected
    started = time.perf_counter()
    start.set()
    dropped = [done.get(timeout=600) for _ in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    assert sum(dropped) == 0, f"{sum(dropped)} rows dropped"
    return elapsed


def _track_call_us(url: str) -> float:
    """Median cost of one `track` call on the caller's thread, in microseconds."""
    os.environ["HFCOMPARE_DATABASE_URL"] = url
    from hfcompare import monitoring

    timings = []
    for i in range(5_000):
        started = time.perf_counter()
        monitoring.track(model="m", latency_s=0.01, ok=True, source="bench-hot-path")
        timings.append(time.perf_counter() - started)
    monitoring.flush(600.0)
    return statistics.median(timings) * 1e6


def _vote_ms(url: str) -> float:
    from hfcompare.storage.store import Store

    store = Store(url=url)
    timings = []
    for i in range(200):
        started = time.perf_counter()
        store.add_vote("latency", f"p{i}", "local:a", "local:b", "tie")
        timings.append(time.perf_counter() - started)
    store.close()
    return statistics.median(timings) * 1e3


def measure(name: str, url: str, args) -> None:
    from hfcompare.storage.store import Store

    Store(url=url).close()   # migrated once, before anything is timed
    hot = _track_call_us(url)
    tracking = statistics.median(_in_processes(_tracker, url, args.processes, args.rows) for _ in range(3))
    vote = _vote_ms(url)
    voting = statistics.median(_in_processes(_voter, url, 4, args.votes) for _ in range(3))
    rows = args.processes * args.rows
    print(f"{name:<11} track() {hot:6.1f} µs/call | {args.processes} processes × {args.rows:,} tracked: "
          f"{tracking:5.2f} s ({rows / tracking:8,.0f} rows/s) | one vote {vote:5.2f} ms | "
          f"4 processes × {args.votes} votes: {4 * args.votes / voting:6,.0f} votes/s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000)
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--votes", type=int, default=250)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; medians of 3 runs")
    from tests.postgres import postgres_bin, postgres_cluster

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        measure("SQLite", f"sqlite:///{folder / 'store.sqlite3'}", args)
        if postgres_bin() is None:
            print("PostgreSQL: not installed here; skipped")
            return
        measure("PostgreSQL", stack.enter_context(postgres_cluster(durable=True)), args)


if __name__ == "__main__":
    main()
