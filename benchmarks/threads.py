"""llama.cpp thread counts on a shared CPU (issue 27, groundwork for the thread policy): tokens/s of
the bundled SmolLM2-135M-Instruct GGUF through llama-cpp-python directly, for every generation and
batch thread count from 1 to the CPU count, quiet and with N CPU-bound background processes.

The background processes are busy loops this script starts, bounded in time (they end on their own
after --busy-seconds) and ended by their pid when a case is done. Runs of the thread counts are
interleaved, so a drift in machine load hits every count alike. Prints the median tokens/s (decode
rate after the first token, as hfcompare measures it), the fastest and slowest run, and the CPU count.
Run: .venv/bin/python benchmarks/threads.py [--repeats 5] [--max-tokens 64] [--busy 0 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.busy import start_busy, stop_busy  # noqa: E402
from benchmarks.generation import direct_tokens_per_s as tokens_per_s  # noqa: E402 - the same decode rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--busy", type=int, nargs="+", default=[0, 2], help="background processes per case")
    parser.add_argument("--busy-seconds", type=float, default=600.0, help="a busy loop ends by itself after this")
    args = parser.parse_args()

    from llama_cpp import Llama

    from hfcompare.backends.local.gguf import bundled_gguf

    cpus = os.cpu_count() or 1
    counts = list(range(1, cpus + 1))
    models = {n: Llama(model_path=str(bundled_gguf()), n_ctx=2048, n_threads=n, n_threads_batch=n, verbose=False)
              for n in counts}
    for llm in models.values():
        tokens_per_s(llm, 8)   # warm up
    print(f"llama-cpp-python directly, SmolLM2-135M-Instruct GGUF, {args.max_tokens} new tokens, temperature 0; "
          f"os.cpu_count() = {cpus}; medians of {args.repeats} interleaved runs")
    for busy in args.busy:
        background = start_busy(busy, args.busy_seconds)
        try:
            time.sleep(1.0 if busy else 0.0)
            runs: dict[int, list[float]] = {n: [] for n in counts}
            for _ in range(args.repeats):
                for n in counts:
                    runs[n].append(tokens_per_s(models[n], args.max_tokens))
        finally:
            stop_busy(background)
        load = os.getloadavg()[0]
        for n in counts:
            values = [v for v in runs[n] if v == v]
            print(f"  {busy} busy processes, {n} thread{'s' if n > 1 else ' '}: median {statistics.median(values):7.1f} "
                  f"tokens/s (runs {min(values):.1f}–{max(values):.1f}; load average after {load:.1f})")


if __name__ == "__main__":
    main()
