"""Retrieval metrics against sentence-transformers' InformationRetrievalEvaluator, and chunked top-k."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfcompare.retrieval.metrics import mean_metrics, metric_names, per_query_metrics, top_k

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from sentence_transformers.evaluation import InformationRetrievalEvaluator


def evaluator_metrics(queries, corpus, relevant, scores) -> dict[str, float]:
    """The evaluator's own compute_metrics on the full list of (document, score) hits per query."""
    ev = InformationRetrievalEvaluator(queries, corpus, relevant, write_csv=False)
    hits = [[{"corpus_id": did, "score": float(s)} for did, s in zip(corpus, scores[qi])]
            for qi, qid in enumerate(queries) if qid in ev.queries_ids]
    raw = ev.compute_metrics(hits)
    return {f"{name[:-2]}@{k}": float(v) for name, per_k in raw.items() for k, v in per_k.items()}


def vectors_scoring(scores: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """A query and corpus vectors whose cosine similarities rank exactly as the integer `scores` do, equal scores
    giving identical vectors (so exact ties): score s sits at angle 0.3 * (4 - s) from the query."""
    angles = 0.3 * (4 - np.asarray(scores, dtype=np.float64))
    corpus = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)
    return np.array([[1.0, 0.0]], dtype=np.float32), corpus


def ours(queries, corpus, relevant, scores) -> dict[str, float]:
    """Our pipeline: the real top_k over vectors that score as `scores`, with evaluate_model's tie ranks (ascending
    document id), then the metrics."""
    from hfcompare.retrieval.evaluation import _tie_ranks

    doc_ids = list(corpus)
    ranked = {}
    for qi, qid in enumerate(queries):
        query, docs = vectors_scoring(scores[qi])
        ranking = top_k(query, docs, k=100, tie_rank=_tie_ranks(doc_ids))
        ranked[qid] = [doc_ids[i] for i in ranking.indices[0]]
    qrels = {q: {d: 1 for d in docs} for q, docs in relevant.items()}
    return mean_metrics(per_query_metrics(ranked, qrels))


def test_ties_break_by_document_id_as_the_evaluator_does():
    """Twelve equally scored documents: the evaluator ranks them by id ('d0', 'd1', 'd10', 'd11', 'd2', ...), so the
    relevant 'd10' comes third, not eleventh as by position."""
    corpus = {f"d{i}": f"doc {i}" for i in range(12)}
    queries, relevant, scores = {"q0": "query"}, {"q0": {"d10"}}, [[2] * 12]
    expected = evaluator_metrics(queries, corpus, relevant, scores)
    got = ours(queries, corpus, relevant, scores)
    assert expected["mrr@10"] == pytest.approx(1 / 3)
    assert got["mrr@10"] == pytest.approx(expected["mrr@10"])
    assert got["ndcg@10"] == pytest.approx(expected["ndcg@10"])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_metrics_match_the_evaluator_including_ties(data):
    n_docs = data.draw(st.integers(1, 130), label="docs")
    n_queries = data.draw(st.integers(1, 6), label="queries")
    corpus = {f"d{i}": f"doc {i}" for i in range(n_docs)}
    queries = {f"q{i}": f"query {i}" for i in range(n_queries)}
    relevant = {}
    for qid in queries:
        docs = data.draw(st.sets(st.sampled_from(list(corpus)), max_size=min(5, n_docs)), label=qid)
        if docs:
            relevant[qid] = docs
    if not relevant:
        return
    # few distinct values, so ties are common
    scores = data.draw(st.lists(st.lists(st.integers(0, 4), min_size=n_docs, max_size=n_docs),
                                min_size=n_queries, max_size=n_queries), label="scores")
    expected = evaluator_metrics(queries, corpus, relevant, scores)
    got = ours(queries, corpus, relevant, scores)
    assert set(metric_names()) <= set(expected)
    for name in metric_names():
        assert got[name] == pytest.approx(expected[name], abs=1e-9), name


def test_metrics_match_the_evaluator_end_to_end_on_the_bundled_model_and_sample():
    """The same data through InformationRetrievalEvaluator (with its own encoding and search) and
    through hfcompare.retrieval.evaluation on the bundled model: every metric within 1e-6."""
    from sentence_transformers import SentenceTransformer

    from hfcompare.backends.local.sentence_transformer import bundled_minilm_dir
    from hfcompare.refs import ModelRef
    from hfcompare.retrieval.evaluation import evaluate_model
    from hfcompare.samples import load_retrieval_sample

    dataset = load_retrieval_sample()
    model = SentenceTransformer(str(bundled_minilm_dir()), device="cpu")
    relevant = {q: {d for d, s in docs.items() if s > 0} for q, docs in dataset.qrels.items()}
    reference = InformationRetrievalEvaluator(dataset.queries, dataset.corpus, relevant, write_csv=False,
                                              name="ref")(model)
    result = evaluate_model(dataset, ModelRef.parse("local:sentence-transformers/all-MiniLM-L6-v2"))
    assert result.ok, result.error
    for name in metric_names():
        assert result.metrics[name] == pytest.approx(reference[f"ref_cosine_{name}"], abs=1e-6), name


@pytest.mark.parametrize("budget", [4 * 3 * 1, 4 * 3 * 7, 64 * 2**20])
def test_chunked_top_k_equals_a_full_sort_for_any_memory_budget(budget):
    rng = np.random.default_rng(0)
    queries, corpus = rng.normal(size=(3, 8)), rng.normal(size=(50, 8))
    corpus[10] = corpus[20]  # an exact tie
    seen = []
    ranking = top_k(queries, corpus, k=12, budget_bytes=budget, progress=lambda done, total: seen.append(done))
    unit = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)  # noqa: E731
    full = unit(queries) @ unit(corpus).T
    for row in range(3):
        expected = np.lexsort((np.arange(50), -full[row].astype(np.float32)))[:12]
        assert list(ranking.indices[row]) == list(expected)
        assert np.allclose(ranking.scores[row], full[row][expected], atol=1e-5)
    assert seen[-1] == 50 and (len(seen) > 1) == (budget < 4 * 3 * 50)


def test_top_k_takes_sparse_vectors():
    import scipy.sparse

    corpus = scipy.sparse.csr_matrix(np.eye(5, dtype=np.float32))
    queries = scipy.sparse.csr_matrix(np.array([[0, 0, 1, 0, 0]], dtype=np.float32))
    assert top_k(queries, corpus, k=2).indices[0][0] == 2


def test_queries_without_relevant_documents_are_left_out():
    per_query = per_query_metrics({"q1": ["a", "b"], "q2": ["b"]}, {"q1": {"a": 1}, "q2": {"b": 0}})
    assert list(per_query) == ["q1"] and per_query["q1"]["mrr@10"] == 1.0


def test_search_embeds_documents_and_the_query_each_with_its_prompt(fake_backend):
    """The retrieval Arena's search: e5's catalog prompts, as an evaluation would use them."""
    from hfcompare.refs import ModelRef
    from hfcompare.retrieval.evaluation import search

    documents = ["Creating your first invoice", "Refund policy", "Resetting your password"]
    found = search("how do i create an invoice", documents, ModelRef("fake", "intfloat/e5-base-v2"), 2)
    assert found.ok and len(found.ranked["query"]) == 2
    embedded = [t for call in fake_backend.calls for t in call]
    assert "passage: Creating your first invoice" in embedded
    assert "query: how do i create an invoice" in embedded
    assert found.prompts.query == "query: " and found.prompts.document == "passage: "


def test_search_ranks_with_a_lexical_baseline_and_reports_a_failure(fake_backend):
    from hfcompare.refs import ModelRef
    from hfcompare.retrieval.evaluation import search

    documents = ["Creating your first invoice", "Refund policy", "Resetting your password"]
    lexical = search("refund", documents, ModelRef("lexical", "tfidf"), 5)
    assert lexical.ok and lexical.ranked["query"][0] == "1"
    broken = search("refund", documents, ModelRef("fake", "fake-broken"), 2)
    assert not broken.ok and broken.error_kind and "fake-broken" in broken.error
