"""Endpoint replicas: embedding throughput through 1, 2 and 4 replicas of one model.

Each replica is the scripted test server answering its `latency-N` model after N ms (default 50),
with room for one request at a time (a model server's single slot), so a replica's own throughput is
fixed and only the spreading of batches differs. Embeds `--n` texts in batches of `--batch-size` with
`--concurrency` requests in flight, three times per replica count; prints the median wall time,
texts/s, the ratio to one replica, and the CPU count.
Run: .venv/bin/python benchmarks/replicas.py [--n 512] [--batch-size 8] [--concurrency 4] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hfcompare.backends import RemoteSettings, get_backend  # noqa: E402
from tests.integration.fault_server import FaultServer  # noqa: E402


def run(urls: list[str], texts: list[str], args) -> float:
    settings = RemoteSettings(base_url=",".join(urls), batch_size=args.batch_size, concurrency=args.concurrency,
                              timeout_s=30.0)
    backend = get_backend("openai", settings)
    started = time.perf_counter()
    vectors = backend.embed_batch(f"latency-{args.latency_ms}", texts)
    assert vectors.shape[0] == len(texts)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts = [f"support question number {i} about invoices" for i in range(args.n)]
    print(f"CPU: os.cpu_count() = {os.cpu_count()}; {args.n} texts, batches of {args.batch_size}, "
          f"{args.concurrency} in flight, {args.latency_ms} ms per request, one request at a time per replica")
    base = None
    for count in (1, 2, 4):
        with ExitStack() as stack:
            servers = [stack.enter_context(FaultServer(capacity=1)) for _ in range(count)]
            run([s.url for s in servers], texts[:16], args)  # warm-up: clients built, connections open
            times = [run([s.url for s in servers], texts, args) for _ in range(args.runs)]
        median = statistics.median(times)
        base = base or median
        print(f"  {count} replica(s): median {median:.2f} s over {args.runs} runs "
              f"({', '.join(f'{t:.2f}' for t in times)}), {args.n / median:,.0f} texts/s, {base / median:.2f}x")


if __name__ == "__main__":
    main()
