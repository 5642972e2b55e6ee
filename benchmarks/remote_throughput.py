"""Embedding throughput through an OpenAI-compatible server: hfcompare's batched, concurrent calls
against one sequential request per text (the brief's benchmark script pattern).

1. llama-cpp-python's server with the bundled SmolLM2-135M-Instruct GGUF on loopback: a server
   that computes on this machine's two cores (and answers one vector per token);
2. the scripted test server's `latency-20` model: answers at once after 20 ms per request,
   like a fast server across a network, so only the calls' pattern differs.
Embeds N texts (default 5,000) both ways on each and prints wall times, texts/s and ratios.
Run: .venv/bin/python benchmarks/remote_throughput.py [--n 5000] [--batch-size 32] [--concurrency 4]
     [--skip-llama]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.embed_overhead import make_texts  # noqa: E402
from tests.integration.conftest import SMOLLM_ALIAS, start_llama_server  # noqa: E402
from tests.integration.fault_server import FaultServer  # noqa: E402
from tests.servers import stop  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-llama", action="store_true", help="only the 20 ms latency server")
    args = parser.parse_args()

    import openai

    from hfcompare.backends import RemoteSettings
    from hfcompare.embeddings.runs import embed_with_stats
    from hfcompare.refs import ModelRef
    from hfcompare.storage.cache import EmbeddingCache

    def measure(url: str, model: str, folder: Path) -> tuple[float, float, float]:
        settings = RemoteSettings(base_url=url, timeout_s=300, batch_size=args.batch_size,
                                  concurrency=args.concurrency)
        ref = ModelRef("openai", model)
        embed_with_stats(texts[:16], ref, None, settings=settings, speed_passes=0)  # warm the server once
        cache = EmbeddingCache(folder / f"cache-{model}")
        started = time.perf_counter()
        result = embed_with_stats(texts, ref, cache, settings=settings, speed_passes=0)
        batched = time.perf_counter() - started
        assert result.ok, result.error
        started = time.perf_counter()
        warm = embed_with_stats(texts, ref, cache, settings=settings, speed_passes=0)
        cached = time.perf_counter() - started
        assert warm.cache_hits == len(texts)
        client = openai.OpenAI(base_url=url, api_key="no-key", timeout=300, max_retries=0)
        started = time.perf_counter()
        for text in texts:
            client.embeddings.create(model=model, input=[text], encoding_format="float")
        return batched, time.perf_counter() - started, cached

    def report(title: str, batched: float, sequential: float, cached: float) -> None:
        print(f"  {title}")
        print(f"    hfcompare openai backend, batch {args.batch_size} x {args.concurrency} in flight : "
              f"{batched:8.1f} s ({args.n / batched:8.1f} texts/s)")
        print(f"    one sequential request per text (the brief's pattern)     : "
              f"{sequential:8.1f} s ({args.n / sequential:8.1f} texts/s) -> {sequential / batched:.2f}x slower")
        print(f"    the same texts again from hfcompare's cache               : {cached:8.2f} s")

    texts = make_texts(args.n, seed=1)
    print(f"remote_throughput: {args.n} texts, servers on loopback, CPU with {os.cpu_count()} cores, one run each")
    with tempfile.TemporaryDirectory() as folder:
        with FaultServer() as server:
            report("scripted server, 20 ms per request (a fast server across a network):",
                   *measure(server.url, "latency-20", Path(folder)))
        if not args.skip_llama:
            process, url = start_llama_server(Path(folder) / "server.log")
            try:
                timings = measure(url, SMOLLM_ALIAS, Path(folder))
            finally:
                stop(process)
            report(f"llama.cpp server (llama-cpp-python) with {SMOLLM_ALIAS}, computing on the same 2 cores:",
                   *timings)


if __name__ == "__main__":
    main()
