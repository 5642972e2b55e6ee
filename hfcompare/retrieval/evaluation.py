"""Retrieval evaluation of several embedding models on one labeled dataset.

Each model embeds the corpus as documents and the queries as queries, each with the model's
prompt for that role (see hfcompare.embeddings.prompts), through the cache; searches the corpus in chunks;
and is scored per query. One failing model never stops the others.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from hfcompare.backends import BackendError, Capability, can, get_backend
from hfcompare.backends.prompts import NO_PROMPTS, PromptOverride, Prompts
from hfcompare.embeddings.prompts import resolve_prompts
from hfcompare.embeddings.runs import EmbeddingResult, embed_with_stats
from hfcompare.refs import ModelRef
from hfcompare.retrieval.labeled import RetrievalDataset
from hfcompare.retrieval.metrics import (
    PRIMARY_METRIC,
    SCORE_BUDGET_BYTES,
    TOP_K,
    mean_metrics,
    per_query_metrics,
    top_k,
)
from hfcompare.storage.cache import EmbeddingCache

#: progress(ref, done, total, stage) with stage "loading", "embedding" or "searching".
EvalProgress = Callable[[ModelRef, int, int, str], None]


@dataclass
class ModelEvaluation:
    """One model's retrieval results on one dataset."""

    ref: ModelRef
    metrics: dict[str, float] = field(default_factory=dict)
    per_query: dict[str, dict[str, float]] = field(default_factory=dict)
    ranked: dict[str, list[str]] = field(default_factory=dict)       # query id -> top document ids
    corpus_vectors: Any = None     # dense (n, d) array, or a sparse matrix for lexical baselines
    query_vectors: Any = None
    embedding: EmbeddingResult | None = None
    #: the query and document prompts the model ran with, and where each came from
    prompts: Prompts = NO_PROMPTS
    embed_s: float = 0.0
    search_s: float = 0.0
    error: str | None = None
    error_kind: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def values(self, metric: str = PRIMARY_METRIC) -> np.ndarray:
        """The per-query values of `metric`, in query order."""
        return np.array([m[metric] for m in self.per_query.values()], dtype=float)


def _tie_ranks(doc_ids: list[str]) -> np.ndarray:
    """Each document's position in ascending id order (the evaluator's tie-break)."""
    ranks = np.empty(len(doc_ids), dtype=np.int64)
    ranks[np.argsort(np.array(doc_ids, dtype=object), kind="stable")] = np.arange(len(doc_ids))
    return ranks


def _vectors(documents: list[str], queries: list[str], ref: ModelRef, cache: EmbeddingCache | None,
             progress: EvalProgress | None, settings: Any, evaluation: ModelEvaluation,
             override: PromptOverride | None):
    """Document then query vectors from one model, each role with its prompt: sparse for lexical
    baselines (the prompts, if any, put before the texts), else through the cache."""
    backend = get_backend(ref.backend, settings)
    evaluation.prompts = prompts = resolve_prompts(ref.model, override, backend.configured_prompts(ref.model))
    texts = [prompts.document + d for d in documents] + [prompts.query + q for q in queries]
    if can(backend, Capability.SPARSE):
        if progress:
            progress(ref, 0, len(texts), "embedding")
        started = time.perf_counter()
        matrix = backend.sparse_vectors(ref.model, texts)
        evaluation.embed_s = time.perf_counter() - started
        return matrix
    total = len(documents) + len(queries)

    def shifted(offset: int) -> EvalProgress | None:
        if progress is None:
            return None
        return lambda r, done, n, stage: progress(r, offset + done, total, stage)

    parts = [embed_with_stats(documents, ref, cache, shifted(0), settings=settings, role="document",
                              prompt=prompts.document)]
    if parts[0].ok:  # the speed is measured once, on the documents
        parts.append(embed_with_stats(queries, ref, cache, shifted(len(documents)), settings=settings,
                                      speed_passes=0, role="query", prompt=prompts.query))
    evaluation.embedding = result = _together(parts)
    evaluation.embed_s = result.load_s + result.compute_s
    if not result.ok:
        raise _EmbeddingFailed(result.error or "failed", result.error_kind or "failed")
    return result.vectors


def _together(parts: list[EmbeddingResult]) -> EmbeddingResult:
    """One result for the document and query passes: vectors stacked in that order, counts and
    times added, the documents' speed; the first error, if any."""
    first = parts[0]
    failed = next((p for p in parts if not p.ok), None)
    speed = next((p.speed for p in parts if p.speed is not None), None)
    return EmbeddingResult(
        ref=first.ref,
        vectors=None if failed else np.vstack([p.vectors for p in parts]),
        error=failed.error if failed else None,
        error_kind=failed.error_kind if failed else None,
        n_texts=sum(p.n_texts for p in parts),
        cache_hits=sum(p.cache_hits for p in parts),
        computed=sum(p.computed for p in parts),
        load_s=sum(p.load_s for p in parts),
        compute_s=sum(p.compute_s for p in parts),
        note=" ".join(dict.fromkeys(p.note for p in parts if p.note)),
        speed=speed,
    )


class _EmbeddingFailed(Exception):
    """embed_with_stats already turned the failure into a message and a kind."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def evaluate_model(dataset: RetrievalDataset, ref: ModelRef, cache: EmbeddingCache | None = None,
                   progress: EvalProgress | None = None, settings: Any = None,
                   budget_bytes: int = SCORE_BUDGET_BYTES, keep_vectors: bool = True,
                   prompts: PromptOverride | None = None) -> ModelEvaluation:
    """Embed, search and score one model; errors land in the result.

    The corpus is embedded as documents and the queries as queries, each with the model's prompt
    for that role: `prompts` (the user's override), else the model's own configuration, else the
    catalog's (see hfcompare.embeddings.prompts). The prompts used are in the result."""
    evaluation = ModelEvaluation(ref=ref)
    doc_ids, query_ids = list(dataset.corpus), dataset.judged_queries
    try:
        vectors = _vectors([dataset.corpus[d] for d in doc_ids], [dataset.queries[q] for q in query_ids], ref,
                           cache, progress, settings, evaluation, prompts)
        corpus, queries = vectors[: len(doc_ids)], vectors[len(doc_ids):]
        started = time.perf_counter()

        def searching(done: int, total: int) -> None:
            if progress:
                progress(ref, done, total, "searching")

        ranking = top_k(queries, corpus, TOP_K, _tie_ranks(doc_ids), budget_bytes, searching)
        evaluation.search_s = time.perf_counter() - started
        evaluation.ranked = {qid: [doc_ids[i] for i in row] for qid, row in zip(query_ids, ranking.indices)}
        evaluation.per_query = per_query_metrics(evaluation.ranked, dataset.qrels)
        evaluation.metrics = mean_metrics(evaluation.per_query)
        if keep_vectors:
            evaluation.corpus_vectors, evaluation.query_vectors = corpus, queries
    except (_EmbeddingFailed, BackendError) as exc:
        evaluation.error, evaluation.error_kind = str(exc), exc.kind
    except Exception as exc:  # noqa: BLE001 - one model's crash must not sink the evaluation
        evaluation.error, evaluation.error_kind = f"{type(exc).__name__}: {exc}", "crashed"
    return evaluation



def search(query: str, documents: list[str], ref: ModelRef, k: int, cache: EmbeddingCache | None = None,
           settings: Any = None) -> ModelEvaluation:
    """One query over `documents`, embedded as `evaluate_model` embeds (documents and query each with
    the model's prompt for its role); `ranked["query"]` holds the indices (as strings) of the `k`
    documents it ranks first. Errors land in the result. The retrieval Arena's battles use it."""
    evaluation = ModelEvaluation(ref=ref)
    try:
        vectors = _vectors(documents, [query], ref, cache, None, settings, evaluation, None)
        ranking = top_k(vectors[len(documents):], vectors[: len(documents)], min(k, len(documents)))
        evaluation.ranked = {"query": [str(i) for i in ranking.indices[0]]}
    except (_EmbeddingFailed, BackendError) as exc:
        evaluation.error, evaluation.error_kind = str(exc), exc.kind
    except Exception as exc:  # noqa: BLE001 - one model's crash must not sink the battle
        evaluation.error, evaluation.error_kind = f"{type(exc).__name__}: {exc}", "crashed"
    return evaluation

def evaluate(dataset: RetrievalDataset, refs: list[ModelRef], cache: EmbeddingCache | None = None,
             progress: EvalProgress | None = None, settings: dict[str, Any] | None = None,
             budget_bytes: int = SCORE_BUDGET_BYTES, keep_vectors: bool = True,
             prompts: dict[Any, PromptOverride] | None = None) -> list[ModelEvaluation]:
    """Every model's evaluation, in the order of `refs`. `settings` maps backend name to settings;
    `prompts` maps a model (its ModelRef or `backend:model` string) to the user's prompt override."""
    settings, prompts = settings or {}, prompts or {}
    return [evaluate_model(dataset, ref, cache, progress, settings.get(ref.backend), budget_bytes, keep_vectors,
                           prompts.get(ref) or prompts.get(str(ref)))
            for ref in refs]
