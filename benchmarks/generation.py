"""Generation speed: hfcompare's local engine against llama.cpp called directly, quiet and on a busy
CPU, and concurrent models on servers against the slowest one alone.

1. tokens/s of the bundled SmolLM2-135M-Instruct GGUF through `hfcompare.generation.runs` against
   llama-cpp-python called directly, same prompt and parameters:
   - quiet, against llama-cpp-python with os.cpu_count() threads (target: at least 0.9x);
   - with 2 CPU-bound background processes (benchmarks/busy.py, bounded in time), against the best
     llama-cpp-python reaches over every thread count from 1 to the CPU count (target: at least 0.8x).
     hfcompare chooses its threads itself (hfcompare.backends.local.cpu).
2. wall time of three models streaming from servers at once against the slowest alone
   (target: at most 1.2x). The servers are the scripted test server's `paced-N` models, which
   stream one token every N ms without using CPU: this measures hfcompare's concurrency, not
   this machine's two cores.
Runs are interleaved, so a drift in machine load hits every side alike.
Run: .venv/bin/python benchmarks/generation.py [--repeats 5] [--max-tokens 128] [--busy-repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROMPT = "Explain in a few sentences how a small business should handle an overdue invoice."


def direct_tokens_per_s(llm, max_tokens: int) -> float:
    """llama-cpp-python directly: decode rate after the first token, as hfcompare measures it."""
    started, first, pieces = time.perf_counter(), None, []
    for chunk in llm.create_chat_completion(messages=[{"role": "user", "content": PROMPT}], max_tokens=max_tokens,
                                            temperature=0.0, stream=True):
        piece = chunk["choices"][0]["delta"].get("content")
        if piece:
            first = first or time.perf_counter()
            pieces.append(piece)
    ended = time.perf_counter()
    tokens = len(llm.tokenize("".join(pieces).encode(), add_bos=False, special=True))
    return (tokens - 1) / (ended - first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--busy-repeats", type=int, default=5)
    args = parser.parse_args()

    from llama_cpp import Llama

    from benchmarks.busy import busy
    from hfcompare.backends import GenerationParams, RemoteSettings
    from hfcompare.backends.local.gguf import bundled_gguf
    from hfcompare.backends.local.cpu import on_cpu_thread
    from hfcompare.backends.local.llamacpp import use_threads
    from hfcompare.generation.runs import compare_generations, generate_one
    from hfcompare.refs import ModelRef
    from tests.integration.fault_server import FaultServer

    cpus = os.cpu_count() or 1
    params = GenerationParams(max_tokens=args.max_tokens, temperature=0.0)
    local = ModelRef("local", "HuggingFaceTB/SmolLM2-135M-Instruct")
    # llama.cpp keeps an OpenMP team per calling thread and a second team slows the first, so the
    # direct side runs on the thread hfcompare runs llama.cpp on (cpu.CPU_THREAD): one team for both
    direct_llm = on_cpu_thread(Llama, model_path=str(bundled_gguf()), n_ctx=4096, n_threads=cpus, verbose=False)
    generate_one(local, "warm up", GenerationParams(max_tokens=8))
    on_cpu_thread(direct_tokens_per_s, direct_llm, 8)

    def ours_once() -> tuple[float, int]:
        timings = generate_one(local, PROMPT, params).timings
        return timings.tokens_per_s, timings.threads

    def direct_once(threads: int) -> float:
        use_threads(direct_llm, threads)
        return on_cpu_thread(direct_tokens_per_s, direct_llm, args.max_tokens)

    ours, direct = [], []
    for _ in range(args.repeats):  # interleaved, so drifts in machine load hit both sides alike
        ours.append(ours_once()[0])
        direct.append(direct_once(cpus))
    o, d = statistics.median(ours), statistics.median(direct)

    counts = list(range(1, cpus + 1))
    busy_ours, busy_threads, busy_direct = [], [], {n: [] for n in counts}
    with busy(2, seconds=600.0):
        time.sleep(1.0)
        for _ in range(args.busy_repeats):
            rate, threads = ours_once()
            busy_ours.append(rate)
            busy_threads.append(threads)
            for n in counts:
                busy_direct[n].append(direct_once(n))
    use_threads(direct_llm, cpus)
    bo = statistics.median(busy_ours)
    direct_medians = {n: statistics.median(v) for n, v in busy_direct.items()}
    best = max(direct_medians, key=direct_medians.get)

    with FaultServer() as server:
        settings = {"openai": RemoteSettings(base_url=server.url, timeout_s=60)}
        remote = [ModelRef("openai", f"paced-{ms}") for ms in (10, 15, 20)]
        prompts = ["first question", "second question", "third question"]
        paced = GenerationParams(max_tokens=60)
        compare_generations(["warm up"], remote, GenerationParams(max_tokens=2), settings=settings)
        alone_runs, together_runs = [], []
        for _ in range(3):
            started = time.perf_counter()
            compare_generations(prompts, remote[-1:], paced, settings=settings)
            alone_runs.append(time.perf_counter() - started)
            started = time.perf_counter()
            results = compare_generations(prompts, remote, paced, settings=settings)
            together_runs.append(time.perf_counter() - started)
            assert all(r.ok for r in results), [r.error for r in results if not r.ok]
        alone, together = statistics.median(alone_runs), statistics.median(together_runs)

    print(f"generation: CPU with {cpus} cores, medians of interleaved runs, {args.max_tokens} new tokens, "
          "temperature 0, SmolLM2-135M Q4_1; tokens/s = tokens after the first / time after the first token")
    print(f"  quiet, {args.repeats} runs:")
    print(f"    llama-cpp-python directly, {cpus} threads : {d:7.1f} tokens/s")
    print(f"    hfcompare local engine                : {o:7.1f} tokens/s -> {o / d:.3f}x direct (target >= 0.9x)")
    print(f"  2 CPU-bound background processes, {args.busy_repeats} runs:")
    for n in counts:
        print(f"    llama-cpp-python directly, {n} thread{'s' if n > 1 else ' '} : {direct_medians[n]:7.1f} tokens/s")
    print(f"    hfcompare local engine (chose {min(busy_threads)}-{max(busy_threads)} threads): {bo:7.1f} tokens/s -> "
          f"{bo / direct_medians[best]:.3f}x the best direct ({best} thread{'s' if best > 1 else ''}) (target >= 0.8x)")
    print("  3 models x 3 prompts on servers (paced 10/15/20 ms per token, 60 tokens), medians of 3:")
    print(f"    slowest model alone  : {alone:6.2f} s")
    print(f"    all three at once    : {together:6.2f} s -> {together / alone:.2f}x the slowest alone (target <= 1.2x)")


if __name__ == "__main__":
    main()
