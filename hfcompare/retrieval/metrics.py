"""Retrieval: chunked top-k search and the IR metrics of sentence-transformers'
InformationRetrievalEvaluator (same definitions, same tie-breaking), per query and averaged.

Relevance. A document is relevant when its judged grade is above 0; accuracy, precision, recall,
MRR and MAP count relevant documents only, whatever their grade. nDCG uses the grades when the
judgments have them: the gain of a document is its grade (linear gain, grades below 0 count as 0),
and the ideal ranking sorts the judged grades, as trec_eval's `ndcg_cut` (and pytrec_eval, ranx)
compute it. With binary judgments (0/1) every gain is 1 and the figures are exactly the
evaluator's. Queries without a relevant document are left out, as the evaluator does.

Ties. Documents with equal scores are ordered by ascending document id (text ids for data typed
or uploaded as CSV/JSONL are content hashes, so input order never wins a tie), as
sentence-transformers' evaluator orders them. trec_eval (and pytrec_eval) order equal scores by
document id in *descending* lexical order instead, so on runs with exact ties near a relevant
document the per-query figures can differ from trec_eval's; with distinct scores they are equal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ACCURACY_AT = (1, 3, 5, 10)
PRECISION_RECALL_AT = (1, 3, 5, 10)
MRR_AT = (10,)
NDCG_AT = (10,)
MAP_AT = (100,)
TOP_K = max(*ACCURACY_AT, *PRECISION_RECALL_AT, *MRR_AT, *NDCG_AT, *MAP_AT)
PRIMARY_METRIC = "ndcg@10"   # higher is better, like every metric here

#: Bytes one block of query-by-document scores may take; the corpus is scored in chunks below it.
SCORE_BUDGET_BYTES = 64 * 2**20


def metric_names() -> list[str]:
    """Every metric, in the order tables show them."""
    names = [f"accuracy@{k}" for k in ACCURACY_AT]
    names += [f"precision@{k}" for k in PRECISION_RECALL_AT] + [f"recall@{k}" for k in PRECISION_RECALL_AT]
    names += [f"mrr@{k}" for k in MRR_AT] + [f"ndcg@{k}" for k in NDCG_AT] + [f"map@{k}" for k in MAP_AT]
    return names


def normalize(vectors):
    """Rows scaled to unit length (zero rows stay zero), as float32. Sparse matrices (TF-IDF,
    already L2-normalized by scikit-learn) pass through."""
    import scipy.sparse

    if scipy.sparse.issparse(vectors):
        return vectors.tocsr()
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def chunk_size_for(n_queries: int, budget_bytes: int = SCORE_BUDGET_BYTES) -> int:
    """How many documents one block of float32 scores for `n_queries` queries may hold."""
    return max(1, budget_bytes // (4 * max(1, n_queries)))


@dataclass
class Ranking:
    """Each query's top documents, best first: positions into the corpus and cosine scores."""

    indices: np.ndarray   # (n_queries, k) int64
    scores: np.ndarray    # (n_queries, k) float32


def top_k(queries: np.ndarray, corpus: np.ndarray, k: int = TOP_K, tie_rank: np.ndarray | None = None,
          budget_bytes: int = SCORE_BUDGET_BYTES, progress=None) -> Ranking:
    """The k most similar corpus rows for every query, by cosine, scoring the corpus in chunks so
    no block of scores outgrows `budget_bytes`.

    Equal scores are ordered by `tie_rank` (a rank per corpus row; the evaluator breaks ties by
    ascending document id), else by position. `progress(done, total)` follows the chunks.
    """
    q = normalize(queries)
    c = normalize(corpus)
    n_queries, n = q.shape[0], c.shape[0]
    k = min(k, n)
    ties = np.arange(n) if tie_rank is None else np.asarray(tie_rank)
    best_idx = np.empty((n_queries, 0), dtype=np.int64)
    best_score = np.empty((n_queries, 0), dtype=np.float32)
    step = chunk_size_for(n_queries, budget_bytes)
    for start in range(0, n, step):
        block = q @ c[start:start + step].T
        block = np.asarray(block.toarray() if hasattr(block, "toarray") else block, dtype=np.float32)
        if block.shape[1] > k:
            # keep every document that scores at least the k-th best, so ties at the edge survive
            kth = np.partition(block, block.shape[1] - k, axis=1)[:, block.shape[1] - k]
            keep = block >= kth[:, None]
        else:
            keep = np.ones_like(block, dtype=bool)
        merged_idx, merged_score = [], []
        for row in range(n_queries):
            cols = np.flatnonzero(keep[row])
            idx = np.concatenate([best_idx[row], cols + start])
            score = np.concatenate([best_score[row], block[row, cols]])
            order = np.lexsort((ties[idx], -score))[:k]
            merged_idx.append(idx[order])
            merged_score.append(score[order])
        best_idx, best_score = np.stack(merged_idx), np.stack(merged_score)
        if progress:
            progress(min(n, start + step), n)
    return Ranking(indices=best_idx, scores=best_score)


def _dcg(gains: list[float], k: int) -> float:
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains[:k]))


def is_graded(qrels: dict[str, dict[str, int]]) -> bool:
    """Whether the judgments use more than one grade of relevance (some grade above 1)."""
    return any(grade > 1 for judged in qrels.values() for grade in judged.values())


def grade_range(qrels: dict[str, dict[str, int]]) -> tuple[int, int]:
    """The lowest and highest judged grade (0 counts as the lowest when nothing is judged below it)."""
    grades = [grade for judged in qrels.values() for grade in judged.values()]
    return min([0, *grades]), max([0, *grades])


def graded_note(qrels: dict[str, dict[str, int]]) -> str | None:
    """What the page and the CLI say about graded judgments, or None when they are binary."""
    if not is_graded(qrels):
        return None
    low, high = grade_range(qrels)
    return (f"graded relevance ({low}\u2013{high}): nDCG uses the grades (gain = grade, as trec_eval's ndcg_cut); "
            "the other metrics count any grade above 0 as relevant")


def query_metrics(ranked: list[str], relevant: set[str] | dict[str, int]) -> dict[str, float]:
    """Every metric for one query, from its ranked document ids and its relevant ids, or a mapping of
    judged document id to grade (then nDCG uses the grades; the other metrics, grades above 0)."""
    grades = dict(relevant) if isinstance(relevant, dict) else dict.fromkeys(relevant, 1)
    relevant = {doc for doc, grade in grades.items() if grade > 0}
    hits = [1 if doc in relevant else 0 for doc in ranked]
    gains = [max(grades.get(doc, 0), 0) for doc in ranked]
    ideal = sorted((grades[doc] for doc in relevant), reverse=True)
    out: dict[str, float] = {}
    for k in ACCURACY_AT:
        out[f"accuracy@{k}"] = float(any(hits[:k]))
    for k in PRECISION_RECALL_AT:
        out[f"precision@{k}"] = sum(hits[:k]) / k
        out[f"recall@{k}"] = sum(hits[:k]) / len(relevant)
    for k in MRR_AT:
        first = next((rank for rank, hit in enumerate(hits[:k]) if hit), None)
        out[f"mrr@{k}"] = 0.0 if first is None else 1.0 / (first + 1)
    for k in NDCG_AT:
        out[f"ndcg@{k}"] = _dcg(gains, k) / _dcg(ideal, k)
    for k in MAP_AT:
        found, total = 0, 0.0
        for rank, hit in enumerate(hits[:k]):
            if hit:
                found += 1
                total += found / (rank + 1)
        out[f"map@{k}"] = total / min(k, len(relevant))
    return out


def per_query_metrics(rankings: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    """Metrics per query id, for every query with at least one relevant document."""
    out = {}
    for qid, ranked in rankings.items():
        judged = qrels.get(qid, {})
        if any(grade > 0 for grade in judged.values()):
            out[qid] = query_metrics(ranked, judged)
    return out


def mean_metrics(per_query: dict[str, dict[str, float]]) -> dict[str, float]:
    """The average of each metric over queries (a flat dict, like the evaluator's)."""
    if not per_query:
        return {name: float("nan") for name in metric_names()}
    return {name: float(np.mean([m[name] for m in per_query.values()])) for name in metric_names()}
