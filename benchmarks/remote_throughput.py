"""Embedding throughput through an OpenAI-compatible server: hfcompare's batched, concurrent calls
against one sequential request per text (the brief's benchmark script pattern).

Starts llama-cpp-python's server with the bundled SmolLM2-135M-Instruct GGUF on loopback,
embeds N texts (default 5,000) both ways, and prints wall times, texts/s and the ratio.
Run: .venv/bin/python benchmarks/remote_throughput.py [--n 5000] [--batch-size 32] [--concurrency 4]
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
from tests.servers import stop  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    import openai

    from hfcompare.backends import RemoteSettings
    from hfcompare.cache import EmbeddingCache
    from hfcompare.embedding import embed_with_stats
    from hfcompare.spec import ModelRef

    texts = make_texts(args.n, seed=1)
    with tempfile.TemporaryDirectory() as folder:
        process, url = start_llama_server(Path(folder) / "server.log")
        try:
            settings = RemoteSettings(base_url=url, timeout_s=300, batch_size=args.batch_size,
                                      concurrency=args.concurrency)
            ref = ModelRef("openai", SMOLLM_ALIAS)
            embed_with_stats(texts[:16], ref, None, settings=settings)  # warm the server once

            cache = EmbeddingCache(Path(folder) / "cache")
            started = time.perf_counter()
            result = embed_with_stats(texts, ref, cache, settings=settings)
            batched = time.perf_counter() - started
            assert result.ok, result.error

            started = time.perf_counter()
            warm = embed_with_stats(texts, ref, cache, settings=settings)
            cached = time.perf_counter() - started
            assert warm.cache_hits == len(texts)

            client = openai.OpenAI(base_url=url, api_key="no-key", timeout=300, max_retries=0)
            started = time.perf_counter()
            for text in texts:
                client.embeddings.create(model=SMOLLM_ALIAS, input=[text], encoding_format="float")
            sequential = time.perf_counter() - started
        finally:
            stop(process)

    print(f"remote_throughput: {args.n} texts, llama.cpp server (llama-cpp-python) with {SMOLLM_ALIAS} "
          f"on loopback, CPU with {os.cpu_count()} cores, one run each")
    print(f"  hfcompare openai backend, batch {args.batch_size} x {args.concurrency} in flight : "
          f"{batched:8.1f} s ({args.n / batched:7.1f} texts/s)")
    print(f"  one sequential request per text (the brief's pattern)     : "
          f"{sequential:8.1f} s ({args.n / sequential:7.1f} texts/s) -> {sequential / batched:.2f}x slower")
    print(f"  the same {args.n} texts again from hfcompare's cache        : {cached:8.2f} s")


if __name__ == "__main__":
    main()
