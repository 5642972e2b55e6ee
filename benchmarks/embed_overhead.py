"""How much hfcompare's local backend costs over sentence-transformers, and what the cache saves.

Prints medians and ratios on N texts (default 1,000) with the bundled all-MiniLM-L6-v2:
  1. hfcompare cold cache vs calling sentence-transformers directly (target: at most 1.05x);
  2. a warm-cache rerun vs the cold run (target: at least 100x faster);
  3. one text per call (the brief's one-request-per-text script) vs batched calls.
Run: .venv/bin/python benchmarks/embed_overhead.py [--n 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SUBJECTS = ["invoice", "payment", "refund", "subscription", "receipt", "credit note", "billing address",
            "tax rate", "late fee", "payment reminder", "card", "bank transfer", "quote", "discount code"]
ACTIONS = ["How do I change the", "Why can't I find my", "Can you explain the", "I was charged for a",
           "Where do I download the", "Is it possible to cancel the", "Who can approve the", "Help with the"]
TAILS = ["", " for last month", " on my account", " for a customer in Germany", " after it was sent",
         " in the mobile app", " before the due date", " that shows the wrong amount"]


def make_texts(n: int, seed: int = 0) -> list[str]:
    """n distinct support-style questions of realistic length."""
    rng = random.Random(seed)
    texts = []
    for i in range(n):
        text = f"{rng.choice(ACTIONS)} {rng.choice(SUBJECTS)}{rng.choice(TAILS)}? (ticket {i})"
        if rng.random() < 0.3:
            text += " I already tried the settings page and the help article but nothing changed."
        texts.append(text)
    return texts


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    from sentence_transformers import SentenceTransformer

    from hfcompare.backends import get_backend
    from hfcompare.backends.local.sentence_transformer import MINILM_ID, bundled_minilm_dir
    from hfcompare.embeddings.runs import embed_with_stats
    from hfcompare.refs import ModelRef
    from hfcompare.storage.cache import EmbeddingCache

    texts = make_texts(args.n)
    ref = ModelRef("local", MINILM_ID)
    direct_model = SentenceTransformer(str(bundled_minilm_dir()), device="cpu")
    get_backend("local").load(MINILM_ID)  # both sides start with the model in memory
    direct_model.encode(texts[:64], batch_size=32)  # warm both code paths once
    embed_with_stats(texts[:64], ref, None, speed_passes=0)

    direct, cold, warm = [], [], []
    for repeat in range(args.repeats):
        with tempfile.TemporaryDirectory() as folder:
            cache = EmbeddingCache(Path(folder) / "cache")
            direct.append(timed(lambda: direct_model.encode(texts, batch_size=32, normalize_embeddings=True)))
            cold.append(timed(lambda: embed_with_stats(texts, ref, cache, speed_passes=0)))
            for _ in range(3):
                warm.append(timed(lambda: embed_with_stats(texts, ref, cache, speed_passes=0)))
            cache.close()
        print(f"  repeat {repeat + 1}: direct {direct[-1]:.2f}s, hfcompare cold {cold[-1]:.2f}s, warm {warm[-1]*1000:.1f}ms",
              flush=True)

    single_n = min(args.n, 300)
    single = timed(lambda: [direct_model.encode([t], normalize_embeddings=True) for t in texts[:single_n]])
    batched = timed(lambda: direct_model.encode(texts[:single_n], batch_size=32, normalize_embeddings=True))

    d, c, w = statistics.median(direct), statistics.median(cold), statistics.median(warm)
    print()
    print(f"embed_overhead: {args.n} texts, {MINILM_ID} (bundled), CPU with {os.cpu_count()} cores, "
          f"medians of {args.repeats} runs (warm: {len(warm)} runs)")
    print(f"  sentence-transformers directly : {d:8.3f} s  ({1000 * d / args.n:.2f} ms/text)")
    print(f"  hfcompare local, cold cache    : {c:8.3f} s  -> {c / d:.3f}x direct (target <= 1.05x)")
    print(f"  hfcompare local, warm cache    : {w * 1000:8.1f} ms -> {c / w:.0f}x faster than cold (target >= 100x)")
    print(f"  one text per call ({single_n} texts)  : {single:8.3f} s  -> {single / batched:.1f}x slower than batched "
          f"({1000 * single / single_n:.2f} vs {1000 * batched / single_n:.2f} ms/text)")


if __name__ == "__main__":
    main()
