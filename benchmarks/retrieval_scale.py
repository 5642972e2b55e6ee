"""Retrieval evaluation at scale: 20,000 corpus texts against 3 bundled models.

Prints, per model, the time to embed and to search and the metrics; then the memory the search
took with the chunked top-k (its score blocks stay under a budget) against one full
query-by-corpus score matrix, and the whole process's peak resident memory.
Run: .venv/bin/python benchmarks/retrieval_scale.py [--corpus 20000] [--queries 1000]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.embed_overhead import make_texts  # noqa: E402

MODELS = ["local:sentence-transformers/all-MiniLM-L6-v2", "onnx:sentence-transformers/all-MiniLM-L6-v2",
          "lexical:tfidf"]


def make_dataset(n_corpus: int, n_queries: int, seed: int = 0):
    """Support-style texts; each query is one text with words dropped and shuffled, and should find it."""
    from hfcompare.retrieval.labeled import RetrievalDataset

    rng = random.Random(seed)
    corpus = {f"d{i}": t for i, t in enumerate(make_texts(n_corpus, seed))}
    queries, qrels = {}, {}
    for n, i in enumerate(rng.sample(range(n_corpus), n_queries)):
        words = corpus[f"d{i}"].split()
        kept = [w for w in words if rng.random() > 0.3] or words[:3]
        rng.shuffle(kept)
        queries[f"q{n}"] = " ".join(kept)
        qrels[f"q{n}"] = {f"d{i}": 1}
    return RetrievalDataset(queries, corpus, qrels, name="synthetic")


def peak_traced(fn):
    """(result, peak bytes numpy and Python allocated while fn ran)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--budget-mb", type=float, default=64)
    args = parser.parse_args()
    os.environ["HFCOMPARE_HOME"] = tempfile.mkdtemp(prefix="hfcompare-bench-")

    from hfcompare.refs import ModelRef
    from hfcompare.retrieval.evaluation import evaluate_model
    from hfcompare.retrieval.metrics import top_k
    from hfcompare.storage.cache import EmbeddingCache

    dataset = make_dataset(args.corpus, args.queries)
    budget = int(args.budget_mb * 2**20)
    print(f"{args.corpus:,} corpus texts, {args.queries:,} queries, {os.cpu_count()} CPUs, "
          f"score budget {args.budget_mb:g} MB")
    cache = EmbeddingCache()
    kept = None
    for model in MODELS:
        started = time.perf_counter()
        result = evaluate_model(dataset, ModelRef.parse(model), cache, budget_bytes=budget)
        total = time.perf_counter() - started
        if not result.ok:
            print(f"{model}: failed: {result.error}")
            continue
        print(f"{model:<46} embed {result.embed_s:7.1f} s  search {result.search_s:5.2f} s  total {total:7.1f} s  "
              f"ndcg@10 {result.metrics['ndcg@10']:.3f}  recall@10 {result.metrics['recall@10']:.3f}")
        if kept is None:
            kept = result
    if kept is not None:
        queries, corpus = kept.query_vectors, kept.corpus_vectors
        _, chunked = peak_traced(lambda: top_k(queries, corpus, budget_bytes=budget))
        _, full = peak_traced(lambda: top_k(queries, corpus, budget_bytes=2**40))
        n_by_n = 4 * args.corpus**2
        print(f"search memory (first model): chunked {chunked / 2**20:.0f} MB vs one full score matrix "
              f"{full / 2**20:.0f} MB ({full / chunked:.1f}x); a corpus-by-corpus float32 matrix would be "
              f"{n_by_n / 2**20:,.0f} MB")
    print(f"peak resident memory of the whole run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:,.0f} MB")


if __name__ == "__main__":
    main()
