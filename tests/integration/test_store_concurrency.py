"""Several processes writing to one store at once lose nothing (WAL + busy timeout), even when
they all create and migrate a fresh database at the same moment."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

PROCESSES, ROWS = 4, 250


def _writer(path: str, worker: int, start) -> None:
    from hfcompare.store import Store

    start.wait()
    store = Store(Path(path))
    for i in range(ROWS):
        store.log_call("local", f"model-{worker}", "embeddings", 0.01 * i, ok=i % 7 != 0,
                       error_kind=None if i % 7 else "crashed", items=1)
        if i % 50 == 0:
            store.add_vote("generation", f"prompt {i}", f"model-{worker}", "other", "a")
    store.close()


def test_m_processes_writing_n_rows_each_leave_m_times_n_rows(tmp_path):
    path = str(tmp_path / "store.sqlite3")
    context = mp.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=_writer, args=(path, w, start)) for w in range(PROCESSES)]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    from hfcompare.store import Store

    store = Store(Path(path))
    calls = store.calls()
    assert len(calls) == PROCESSES * ROWS
    assert {c["model"] for c in calls} == {f"model-{w}" for w in range(PROCESSES)}
    assert len(store.votes("generation")) == PROCESSES * (ROWS // 50)
    assert store.warnings == []
    store.close()
