"""CPU-bound background processes for the benchmarks that measure a shared CPU: busy loops this
process starts, bounded in time (each ends on its own after `seconds`) and ended by their pid."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from typing import Iterator

BUSY_LOOP = "import time, sys\nend = time.monotonic() + float(sys.argv[1])\nwhile time.monotonic() < end:\n    pass\n"


def start_busy(count: int, seconds: float) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", BUSY_LOOP, str(seconds)]) for _ in range(count)]


def stop_busy(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


@contextmanager
def busy(count: int, seconds: float = 600.0) -> Iterator[None]:
    """`count` busy processes for the duration of the block (at most `seconds`)."""
    background = start_busy(count, seconds)
    try:
        yield
    finally:
        stop_busy(background)
