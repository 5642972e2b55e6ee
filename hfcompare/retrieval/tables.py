"""Tables of a retrieval evaluation: metrics with intervals, pairwise significance, per-query
disagreement, and the sample of queries and documents a heatmap can show."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from hfcompare.retrieval.evaluation import ModelEvaluation
from hfcompare.retrieval.labeled import RetrievalDataset
from hfcompare.retrieval.metrics import PRIMARY_METRIC, metric_names
from hfcompare.retrieval.significance import (
    ALPHA,
    PairedComparison,
    bootstrap_ci,
    holm,
    min_differing_queries,
    paired_comparison,
)

#: What each metric means, for column help.
METRIC_HELP = {
    "accuracy": "Share of queries with at least one relevant text in the top k.",
    "precision": "Share of the top k results that are relevant, averaged over queries.",
    "recall": "Share of each query's relevant texts found in the top k, averaged over queries.",
    "mrr": "Mean reciprocal rank: 1 when the first relevant text is ranked first, 1/2 when second, … (0 beyond k).",
    "ndcg": "Normalized discounted cumulative gain: rewards relevant texts near the top; 1 is a perfect ranking.",
    "map": "Mean average precision: precision at each relevant text found, averaged; rewards ranking all of them high.",
}


def metric_help(name: str) -> str:
    return METRIC_HELP[name.split("@")[0]] + f" (k = {name.split('@')[1]})"


#: The columns that say which prompts each model ran with (text put before each query / document,
#: "" for none, and where they came from: you, the model configuration, or the catalog).
PROMPT_COLUMNS = ["query prompt", "document prompt", "prompts from"]


def metrics_table(evaluations: list[ModelEvaluation], names: dict) -> pd.DataFrame:
    """One row per model that ran: every metric, a bootstrap interval for the primary one, and the
    query and document prompts it ran with."""
    rows = []
    for ev in evaluations:
        if not ev.ok:
            continue
        low, high = bootstrap_ci(ev.values(PRIMARY_METRIC))
        rows.append({"model": names[ev.ref], "reference": str(ev.ref), **ev.metrics,
                     f"{PRIMARY_METRIC} low": low, f"{PRIMARY_METRIC} high": high,
                     "queries": len(ev.per_query), "embed s": ev.embed_s, "search s": ev.search_s,
                     "query prompt": ev.prompts.query, "document prompt": ev.prompts.document,
                     "prompts from": ev.prompts.origin})
    columns = ["model", "reference", *metric_names(), f"{PRIMARY_METRIC} low", f"{PRIMARY_METRIC} high",
               "queries", "embed s", "search s", *PROMPT_COLUMNS]
    return pd.DataFrame(rows, columns=columns)


def significance_table(evaluations: list[ModelEvaluation], names: dict, metric: str = PRIMARY_METRIC,
                       alpha: float = ALPHA) -> pd.DataFrame:
    """Every pair of models that ran: the mean difference on `metric`, its interval, the paired
    permutation test's p-value, and that p after Holm's correction for the number of pairs tested.

    A pair is called different only when its Holm-adjusted p is below `alpha`; when the models
    differ on too few queries for even a clean sweep to get there, the verdict says so."""
    ok = [ev for ev in evaluations if ev.ok]
    pairs = list(combinations(ok, 2))
    columns = ["model A", "model B", "verdict", "A − B", "low", "high", "p-value", "Holm p"]
    if not pairs:
        return pd.DataFrame(columns=columns)
    comparisons = [paired_comparison(a.values(metric), b.values(metric)) for a, b in pairs]
    adjusted = holm([c.p_value for c in comparisons])
    needed = min_differing_queries(alpha, len(pairs))
    rows = []
    for (a, b), cmp, holm_p in zip(pairs, comparisons, adjusted):
        rows.append({"model A": names[a.ref], "model B": names[b.ref], "A − B": cmp.mean_difference,
                     "low": cmp.low, "high": cmp.high, "p-value": cmp.p_value, "Holm p": holm_p,
                     "verdict": _verdict(cmp, holm_p, names[a.ref], names[b.ref], len(pairs), needed, alpha)})
    return pd.DataFrame(rows, columns=columns)


def _verdict(cmp: PairedComparison, holm_p: float, name_a: str, name_b: str, pairs: int, needed: int,
             alpha: float) -> str:
    corrected = " after Holm correction" if pairs > 1 else ""
    if cmp.n_differing == 0:
        return "no difference: the same score on every query"
    if holm_p < alpha:  # first: Holm's step-down can pass a pair with fewer queries than `needed` assumes
        return f"{name_a if cmp.mean_difference > 0 else name_b} is better (p < {alpha:g}{corrected})"
    if cmp.n_differing < needed:  # even with every difference on one side, p could not get below alpha
        differ = (f"{cmp.n_queries} queries" if cmp.n_differing == cmp.n_queries
                  else f"they differ on only {cmp.n_differing} of {cmp.n_queries} queries")
        return f"too few queries to tell: {differ} ({needed} needed)"
    if cmp.p_value < alpha:
        return f"not significant{corrected} (p < {alpha:g} for this pair alone)"
    return "no significant difference"


def per_query_table(dataset: RetrievalDataset, evaluations: list[ModelEvaluation], names: dict,
                    metric: str = PRIMARY_METRIC) -> pd.DataFrame:
    """One row per judged query: each model's `metric` and first result, and how far the models
    disagree (best minus worst), most disputed first."""
    ok = [ev for ev in evaluations if ev.ok]
    rows = []
    for qid in dataset.judged_queries:
        row = {"query": dataset.queries[qid]}
        for ev in ok:
            row[names[ev.ref]] = ev.per_query[qid][metric]
        values = [row[names[ev.ref]] for ev in ok]
        row["spread"] = (max(values) - min(values)) if values else 0.0
        relevant = {d for d, s in dataset.qrels[qid].items() if s > 0}
        for ev in ok:
            top = ev.ranked[qid][0] if ev.ranked.get(qid) else None
            row[f"{names[ev.ref]} · first result"] = (("✓ " if top in relevant else "✗ ") + dataset.corpus[top]
                                                     if top else "")
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.sort_values("spread", ascending=False, kind="stable").reset_index(drop=True) if rows else frame


def heatmap_sample(dataset: RetrievalDataset, max_queries: int = 25, max_docs: int = 50,
                   seed: int = 0) -> tuple[list[str], list[str]]:
    """Query ids and document ids small enough for a readable heatmap: a fixed random sample of
    judged queries and their relevant documents (the whole set when it is small)."""
    rng = np.random.default_rng(seed)
    queries = dataset.judged_queries
    if len(queries) > max_queries:
        queries = [queries[i] for i in sorted(rng.choice(len(queries), size=max_queries, replace=False))]
    docs: list[str] = []
    for qid in queries:
        for did, score in dataset.qrels[qid].items():
            if score > 0 and did not in docs and len(docs) < max_docs:
                docs.append(did)
    return queries, docs


#: Colours one projection shows by relevance before the rest are grouped as "other judged".
MAX_LABELLED_QUERIES = 12
MAX_QUERY_POINTS = 500


def projection_frame(dataset: RetrievalDataset, evaluation: ModelEvaluation, method: str = "PCA",
                     colour_by: str = "relevance", max_points: int | None = None) -> pd.DataFrame:
    """Points of one model's embedding map: a sample of the corpus (judged texts first) and the
    judged queries, with x, y, kind, label, text, and the id behind each point."""
    from hfcompare.retrieval.projection import MAX_POINTS, clusters, project, sample_indices

    doc_ids = list(dataset.corpus)
    query_ids = dataset.judged_queries[:MAX_QUERY_POINTS]
    position = {d: i for i, d in enumerate(doc_ids)}
    judged_docs = [position[d] for q in query_ids for d, s in dataset.qrels[q].items() if s > 0]
    docs = sample_indices(len(doc_ids), max_points or MAX_POINTS, judged_docs)
    corpus_part = evaluation.corpus_vectors[docs]
    query_part = evaluation.query_vectors[: len(query_ids)]
    import scipy.sparse

    stacked = (scipy.sparse.vstack([corpus_part, query_part]).tocsr() if scipy.sparse.issparse(corpus_part)
               else np.vstack([corpus_part, query_part]))
    xy = project(stacked, method)
    ids = [doc_ids[i] for i in docs] + query_ids
    kinds = ["text"] * len(docs) + ["query"] * len(query_ids)
    texts = [dataset.corpus[doc_ids[i]] for i in docs] + [dataset.queries[q] for q in query_ids]
    if colour_by == "cluster":
        labels = [f"cluster {c + 1}" for c in clusters(stacked)]
    else:
        named = {q: f"q{n + 1}: {dataset.queries[q][:32]}" for n, q in enumerate(query_ids[:MAX_LABELLED_QUERIES])}
        first_query = {}
        for q in query_ids:
            for d, s in dataset.qrels[q].items():
                if s > 0:
                    first_query.setdefault(d, q)
        labels = [named.get(first_query.get(doc_ids[i]), "other judged" if doc_ids[i] in first_query
                            else "not judged") for i in docs]
        labels += [named.get(q, "other judged") for q in query_ids]
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "kind": kinds, "label": labels, "text": texts, "id": ids})
