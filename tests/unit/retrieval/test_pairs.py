"""Labeled pairs: parsing, the figures against their references (sentence-transformers'
EmbeddingSimilarityEvaluator, scikit-learn's ROC AUC), intervals, the paired test, the worst pairs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hfcompare.retrieval import pairs as P
from hfcompare.refs import ModelRef

MINILM = "sentence-transformers/all-MiniLM-L6-v2"


def test_the_sample_has_forty_pairs_some_of_them_hard():
    sample = P.load_sample()
    assert len(sample) >= 40 and sample.binary and sample.primary == "roc_auc"
    assert 0.3 < sum(sample.labels) / len(sample) < 0.7
    assert ("Delete an invoice", "Delete my account", 0.0) in zip(sample.text1, sample.text2, sample.labels)


@pytest.mark.parametrize("raw, source", [
    ("text1,text2,label\nPay an invoice,Settle a bill,1\nPay an invoice,Delete my account,0\n", "pairs.csv"),
    ("sentence1\tsentence2\tscore\nPay an invoice\tSettle a bill\t4.5\nPay an invoice\tDelete my account\t0.2\n",
     "sts.tsv"),
    ('{"text1": "Pay an invoice", "text2": "Settle a bill", "label": "similar"}\n'
     '{"text1": "Pay an invoice", "text2": "Delete my account", "label": "not similar"}\n', "pairs.jsonl"),
])
def test_pairs_files_in_our_layout_and_the_sts_layout(raw, source):
    found = P.parse_pairs(raw, source)
    assert found.text1 == ("Pay an invoice", "Pay an invoice") and found.text2[1] == "Delete my account"
    assert found.labels[0] > found.labels[1]


@pytest.mark.parametrize("raw, message", [
    ("a,b,c\nx,y,1\n", "no first text column"),
    ("text1,text2,label\nx,y,7\nz,w,0\n", "row 1: the label 7 is outside 0 to 5"),
    ("text1,text2,label\nx,,1\nz,w,0\n", "row 1: both texts are needed"),
    ("text1,text2,label\nx,y,1\nz,w,1\n", "every pair has the label 1"),
    ("text1,text2,label\nx,y,maybe\n", "the label 'maybe' is not a number"),
    ("text1,text2,label\nx,y,1\n", "at least 2 labeled pairs"),
    ('{"text1": "x"\n', "line 1: not a JSON object"),
])
def test_a_bad_pairs_file_says_where_and_why(raw, message):
    with pytest.raises(P.PairsError, match=message):
        P.parse_pairs(raw, "pairs.jsonl" if raw.startswith("{") else "pairs.csv")


def test_correlations_equal_sentence_transformers_evaluator_on_the_same_vectors():
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.evaluation import EmbeddingSimilarityEvaluator

    from hfcompare.backends.local.sentence_transformer import bundled_minilm_dir

    sample = P.load_sample()
    model = SentenceTransformer(str(bundled_minilm_dir()), device="cpu")
    reference = EmbeddingSimilarityEvaluator(list(sample.text1), list(sample.text2), list(sample.labels),
                                             similarity_fn_names=["cosine"])(model)
    ours = P.metrics(P.pair_similarities(model.encode(list(sample.text1)), model.encode(list(sample.text2))),
                     np.asarray(sample.labels))
    assert ours["spearman"] == pytest.approx(reference[next(k for k in reference if k.endswith("spearman_cosine"))], abs=1e-6)
    assert ours["pearson"] == pytest.approx(reference[next(k for k in reference if k.endswith("pearson_cosine"))], abs=1e-6)


def test_roc_auc_equals_scikit_learn_ties_included():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(3)
    for _ in range(20):
        labels = rng.integers(0, 2, 30)
        labels[:2] = [0, 1]
        scores = np.round(rng.normal(size=30), 1)  # rounded: ties
        assert P.roc_auc(scores, labels) == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)


def test_gap_is_the_mean_similarity_of_similar_minus_not_similar_pairs():
    found = P.metrics(np.array([0.9, 0.7, 0.4, 0.2]), np.array([1, 1, 0, 0]))
    assert found["gap"] == pytest.approx(0.8 - 0.3) and found["roc_auc"] == 1.0
    graded = P.metrics(np.array([0.9, 0.7, 0.4]), np.array([5.0, 3.0, 0.5]))
    assert "roc_auc" not in graded and graded["spearman"] == pytest.approx(1.0)


def test_a_bootstrap_interval_contains_the_estimate():
    sample = P.load_sample()
    rng = np.random.default_rng(0)
    sims = np.asarray(sample.labels) * 0.3 + rng.normal(0, 0.2, len(sample))
    value = P.metrics(sims, np.asarray(sample.labels))["roc_auc"]
    intervals = P.bootstrap_intervals(sims, np.asarray(sample.labels), n_resamples=300)
    low, high = intervals["roc_auc"]
    assert low <= value <= high and high - low > 0.02 and set(intervals) == {"spearman", "pearson", "roc_auc", "gap"}


def test_the_paired_test_finds_a_real_difference_and_not_a_made_up_one():
    rng = np.random.default_rng(1)
    labels = np.repeat([0.0, 1.0], 60)
    good = labels + rng.normal(0, 0.4, 120)
    bad = labels + rng.normal(0, 3.0, 120)
    assert P.compare(good, bad, labels, "roc_auc", n_permutations=500).p_value < 0.01
    same = P.compare(good, good * 2 + 1, labels, "roc_auc", n_permutations=500)   # same ranks, another scale
    assert same.difference == 0 and same.p_value == 1.0
    graded = np.linspace(0, 5, 120)
    assert P.metric_value(good, graded, "spearman") == pytest.approx(P.metrics(good, graded)["spearman"], abs=1e-12)


def test_the_paired_test_holds_its_level_by_simulation():
    """Two equally good models on 40 pairs: p < 0.05 in about 5% of 200 runs (at most 10%)."""
    rng = np.random.default_rng(7)
    labels = np.repeat([0.0, 1.0], 20)
    rejected = 0
    for run in range(200):
        a = labels + rng.normal(0, 1.0, 40)
        b = labels + rng.normal(0, 1.0, 40)
        rejected += P.compare(a, b, labels, "roc_auc", n_permutations=200, seed=run).p_value < 0.05
    assert rejected / 200 <= 0.10


def test_models_are_evaluated_on_the_sample_and_the_worst_pairs_named(fake_backend):
    sample = P.load_sample()
    refs = [ModelRef("fake", "fake-a"), ModelRef("fake", "fake-broken"), ModelRef("lexical", "tfidf")]
    found = P.evaluate_pairs(sample, refs)
    assert [e.ok for e in found] == [True, False, True] and "fake-broken" in found[1].error
    for evaluation in (found[0], found[2]):
        assert set(evaluation.scores) == {"spearman", "pearson", "roc_auc", "gap"}
        low, high = evaluation.intervals["roc_auc"]
        assert low <= evaluation.scores["roc_auc"] <= high
    compared = P.comparisons(found, sample)
    assert len(compared) == 1 and compared[0][2].metric == "roc_auc" and compared[0][3] >= compared[0][2].p_value
    worst = P.worst_pairs(found[2], sample, n=3)
    assert len(worst) == 3 and worst[0]["off_by"] >= worst[-1]["off_by"]
    assert not math.isnan(worst[0]["similarity"])


def test_a_pairs_run_is_a_performance_source_of_the_scorecard_with_paired_replicates(fake_backend):
    from hfcompare.decide.scorecard import best_source, cell_for, measured_from_pairs

    sample = P.load_sample()
    refs = [ModelRef("fake", "fake-a"), ModelRef("lexical", "tfidf"), ModelRef("fake", "fake-broken")]
    found = measured_from_pairs(sample, P.evaluate_pairs(sample, refs))
    assert set(found) == {"fake:fake-a", "lexical:tfidf"}
    tfidf = found["lexical:tfidf"]["pairs_roc_auc"]
    assert tfidf.value == pytest.approx(0.362, abs=0.001) and tfidf.low <= tfidf.value <= tfidf.high
    assert tfidf.statistic == "draw" and len(tfidf.samples) == P.N_RESAMPLES
    assert tfidf.paired_on == found["fake:fake-a"]["pairs_roc_auc"].paired_on   # the same pairs, the same resamples
    assert tfidf.provenance.unit == "pairs" and tfidf.provenance.texts == len(sample)
    names = list(found)
    assert best_source("embeddings", "performance", names, found) == "measured:pairs_roc_auc"
    assert cell_for("lexical:tfidf", "measured:pairs_roc_auc", found).known
