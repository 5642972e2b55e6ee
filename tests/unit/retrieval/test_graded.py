"""Graded relevance: nDCG uses the grades as trec_eval's ndcg_cut does, checked against pytrec_eval
(the test dependency pytrec-eval-terrier); binary judgments keep the evaluator's figures
(tests/unit/retrieval/test_metrics.py); ties are ordered by ascending document id."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hfcompare.retrieval.evaluation import _tie_ranks, evaluate_model
from hfcompare.retrieval.labeled import parse_beir
from hfcompare.retrieval.metrics import grade_range, is_graded, per_query_metrics, query_metrics, top_k

import pytrec_eval  # noqa: E402  (pytrec-eval-terrier, requirements-test.txt)


def trec_ndcg10(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> dict[str, float]:
    found = pytrec_eval.RelevanceEvaluator(qrels, {"ndcg_cut.10"}).evaluate(run)
    return {qid: m["ndcg_cut_10"] for qid, m in found.items()}


def graded_set(n_queries: int = 36, n_docs: int = 80, seed: int = 7):
    """Random vectors and 0/1/2 judgments (a few -1), BEIR-style: every query has something relevant."""
    rng = np.random.default_rng(seed)
    queries, corpus = rng.normal(size=(n_queries, 16)), rng.normal(size=(n_docs, 16))
    doc_ids = [f"doc{i}" for i in range(n_docs)]
    qrels = {}
    for q in range(n_queries):
        judged = rng.choice(n_docs, size=12, replace=False)
        grades = rng.choice([-1, 0, 1, 1, 2, 2], size=12)
        grades[0] = 2
        qrels[f"q{q}"] = {doc_ids[d]: int(g) for d, g in zip(judged, grades)}
    return queries, corpus, doc_ids, qrels


def test_graded_ndcg_equals_pytrec_eval_per_query():
    """36 queries, graded 0/1/2: every query's nDCG@10 within 1e-6 of trec_eval's ndcg_cut.10, through the real
    top_k (scores distinct, so both order the same). Binary relevance would differ on many of them."""
    queries, corpus, doc_ids, qrels = graded_set()
    ranking = top_k(queries, corpus, k=100, tie_rank=_tie_ranks(doc_ids))
    ranked = {f"q{q}": [doc_ids[i] for i in row] for q, row in enumerate(ranking.indices)}
    run = {f"q{q}": {doc_ids[i]: float(s) for i, s in zip(row, scores)}
           for q, (row, scores) in enumerate(zip(ranking.indices, ranking.scores))}
    ours = per_query_metrics(ranked, qrels)
    reference = trec_ndcg10(qrels, run)
    assert set(ours) == set(reference) and len(ours) == 36
    diffs = [abs(ours[q]["ndcg@10"] - reference[q]) for q in ours]
    assert max(diffs) < 1e-6
    binary = per_query_metrics(ranked, {q: {d: int(g > 0) for d, g in j.items()} for q, j in qrels.items()})
    assert sum(abs(binary[q]["ndcg@10"] - reference[q]) > 1e-6 for q in ours) >= 5


def test_graded_ndcg_equals_pytrec_eval_end_to_end_on_a_beir_set(fake_backend):
    """A BEIR-style set with graded qrels, parsed and evaluated as the page and the CLI do."""
    docs = [f"invoice {w} {i}" for i, w in enumerate(["refund", "tax", "due date", "currency", "discount",
                                                       "credit note", "payment", "reminder", "vat", "export"] * 3)]
    corpus = "\n".join(json.dumps({"_id": f"d{i}", "text": t}) for i, t in enumerate(docs))
    questions = ["how do refunds work", "what tax applies", "when is the invoice due", "which currency",
                 "can i get a discount", "send a reminder"]
    queries = "\n".join(json.dumps({"_id": f"q{i}", "text": t}) for i, t in enumerate(questions))
    rng = np.random.default_rng(3)
    lines = ["query-id\tcorpus-id\tscore"]
    for q in range(len(questions)):
        for d in rng.choice(len(docs), size=8, replace=False):
            lines.append(f"q{q}\td{d}\t{rng.choice([0, 1, 2])}")
        lines.append(f"q{q}\td{q}\t2")
    dataset = parse_beir(corpus, queries, "\n".join(lines))
    assert is_graded(dataset.qrels) and grade_range(dataset.qrels) == (0, 2)
    from hfcompare.refs import ModelRef

    result = evaluate_model(dataset, ModelRef("fake", "fake-mini"))
    assert result.ok, result.error
    unit = lambda m: m / np.linalg.norm(m, axis=1, keepdims=True)  # noqa: E731
    scores = unit(np.asarray(result.query_vectors, dtype=np.float32)) @ unit(
        np.asarray(result.corpus_vectors, dtype=np.float32)).T
    doc_ids, query_ids = list(dataset.corpus), list(dataset.queries)
    run = {qid: {did: float(scores[qi, di]) for di, did in enumerate(doc_ids)} for qi, qid in enumerate(query_ids)}
    reference = trec_ndcg10(dataset.qrels, run)
    for qid, metrics in result.per_query.items():
        assert metrics["ndcg@10"] == pytest.approx(reference[qid], abs=1e-6), qid


def test_binary_judgments_are_not_graded_and_keep_the_binary_ndcg():
    assert not is_graded({"q": {"a": 1, "b": 0}})
    assert query_metrics(["b", "a"], {"a": 1, "b": 0}) == query_metrics(["b", "a"], {"a"})


def test_other_metrics_count_any_grade_above_zero():
    graded = query_metrics(["c", "a", "b"], {"a": 2, "b": 1, "c": 0})
    binary = query_metrics(["c", "a", "b"], {"a", "b"})
    for name in graded:
        if not name.startswith("ndcg"):
            assert graded[name] == binary[name], name
    assert graded["ndcg@10"] != binary["ndcg@10"]


def test_ties_go_to_the_smaller_id_where_trec_eval_takes_the_larger():
    """Two equally scored documents: ours ranks 'a' first (ascending id, as sentence-transformers' evaluator);
    trec_eval ranks 'b' first (descending id). The module docstring and docs/evaluation.md say so."""
    corpus = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
    ranking = top_k(np.array([[1.0, 0.0]]), corpus, k=2, tie_rank=_tie_ranks(["a", "b"]))
    assert [["a", "b"][i] for i in ranking.indices[0]] == ["a", "b"]
    qrels = {"q": {"a": 1, "b": 0}}
    assert query_metrics(["a", "b"], qrels["q"])["ndcg@10"] == 1.0
    assert trec_ndcg10(qrels, {"q": {"a": 0.5, "b": 0.5}})["q"] == pytest.approx(1 / np.log2(3))


def test_a_csv_score_column_keeps_its_grades():
    from hfcompare.retrieval.labeled import parse_csv

    dataset = parse_csv("query,document,score\nrefunds,refund policy,2\nrefunds,refund form,1\n,vat rates,\n")
    (judged,) = dataset.qrels.values()
    assert sorted(judged.values()) == [1, 2] and dataset.graded
    assert not parse_csv("query,document\nrefunds,refund policy\n").graded
