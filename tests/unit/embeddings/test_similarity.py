"""Similarity functions against reference implementations (scikit-learn, scipy, brute force)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import spearmanr
from sklearn.metrics.pairwise import cosine_similarity

from hfcompare.embeddings.similarity import (
    agreement_table,
    cosine_matrix,
    neighbour_overlap,
    normalize_rows,
    spearman_agreement,
    top_k,
    upper_triangle,
)

# tiny non-zero norms are treated as zero by scikit-learn; real embeddings are far from them
finite = st.floats(-10, 10, allow_nan=False, width=32).filter(lambda x: x == 0 or abs(x) > 1e-3)


def random_vectors(n: int, d: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


def test_normalize_rows_gives_unit_norms_and_keeps_zero_rows():
    vectors = random_vectors(5, 8)
    vectors[2] = 0
    normalized = normalize_rows(vectors)
    assert normalized.dtype == np.float32
    norms = np.linalg.norm(normalized, axis=1)
    assert np.allclose(norms[[0, 1, 3, 4]], 1.0, atol=1e-6)
    assert norms[2] == 0


def test_normalize_rows_rejects_non_matrix():
    with pytest.raises(ValueError):
        normalize_rows(np.zeros(3))


@settings(max_examples=60, deadline=None)
@given(arrays(np.float32, st.tuples(st.integers(2, 12), st.integers(1, 10)), elements=finite))
def test_cosine_matrix_matches_scikit_learn(vectors):
    expected = cosine_similarity(vectors.astype(np.float64))
    got = cosine_matrix(vectors)
    assert got.dtype == np.float32
    assert np.allclose(got, np.clip(expected, -1, 1), atol=1e-5)


def test_cosine_matrix_between_two_sets():
    a, b = random_vectors(4, 6, 1), random_vectors(7, 6, 2)
    assert np.allclose(cosine_matrix(a, b), cosine_similarity(a, b), atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 15), st.integers(1, 20), st.integers(0, 10_000))
def test_top_k_matches_brute_force(n, k, seed):
    sim = cosine_matrix(random_vectors(n, 5, seed))
    indices, scores = top_k(sim, k)
    for row in range(n):
        candidates = sorted((j for j in range(n) if j != row), key=lambda j: (-sim[row, j], j))
        expected = candidates[: min(k, n - 1)]
        assert indices[row].tolist() == expected
        assert np.allclose(scores[row], sim[row, expected])


def test_top_k_can_include_self():
    sim = cosine_matrix(random_vectors(4, 3))
    indices, _ = top_k(sim, 1, exclude_self=False)
    assert indices[:, 0].tolist() == [0, 1, 2, 3]


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 15), st.integers(0, 10_000))
def test_spearman_agreement_matches_scipy(n, seed):
    a = cosine_matrix(random_vectors(n, 4, seed))
    b = cosine_matrix(random_vectors(n, 4, seed + 1))
    expected = spearmanr(upper_triangle(a), upper_triangle(b)).statistic
    assert np.isclose(spearman_agreement(a, b), expected, atol=1e-9)


def test_spearman_agreement_of_a_model_with_itself_is_one_and_undefined_cases_are_nan():
    sim = cosine_matrix(random_vectors(6, 4))
    assert spearman_agreement(sim, sim) == pytest.approx(1.0)
    assert np.isnan(spearman_agreement(sim[:2, :2], sim[:2, :2]))
    flat = np.ones((4, 4), dtype=np.float32)
    assert np.isnan(spearman_agreement(flat, sim[:4, :4]))


def brute_force_neighbours(sim: np.ndarray, k: int) -> list[set[int]]:
    """Each row's k most similar other rows, by a plain sort (ties: lower index first)."""
    n = sim.shape[0]
    return [set(sorted((j for j in range(n) if j != i), key=lambda j: (-sim[i, j], j))[:k]) for i in range(n)]


def test_neighbour_overlap_matches_a_hand_count():
    # four texts; model A pairs 0-1 and 2-3, model B pairs 0-2 and 1-3 (with 0-1 second for text 0):
    a = np.array([[1, .9, .1, .2], [.9, 1, .3, .1], [.1, .3, 1, .8], [.2, .1, .8, 1]])
    b = np.array([[1, .7, .9, .1], [.7, 1, .2, .8], [.9, .2, 1, .3], [.1, .8, .3, 1]])
    # top-1 neighbours: A -> 1, 0, 3, 2; B -> 2, 3, 0, 1: none shared
    assert neighbour_overlap(a, b, k=1) == 0.0
    # top-2: A -> {1,3}, {0,2}, {3,1}, {2,0}; B -> {2,1}, {3,0}, {0,3}, {1,2}: one shared each
    assert neighbour_overlap(a, b, k=2) == pytest.approx(0.5)
    assert neighbour_overlap(a, a, k=2) == 1.0


@settings(max_examples=40, deadline=None)
@given(st.integers(3, 12), st.integers(1, 6), st.integers(0, 10_000))
def test_neighbour_overlap_matches_brute_force(n, k, seed):
    sim_a = cosine_matrix(random_vectors(n, 4, seed))
    sim_b = cosine_matrix(random_vectors(n, 4, seed + 1))
    kk = min(k, n - 1)
    expected = np.mean([len(x & y) / kk for x, y in zip(brute_force_neighbours(sim_a, kk),
                                                        brute_force_neighbours(sim_b, kk))])
    assert neighbour_overlap(sim_a, sim_b, k=k) == pytest.approx(expected)


def test_agreement_table_has_one_row_per_pair():
    matrices = {name: cosine_matrix(random_vectors(5, 3, i)) for i, name in enumerate("abc")}
    rows = agreement_table(matrices, k=2)
    assert [(r["model A"], r["model B"]) for r in rows] == [("a", "b"), ("a", "c"), ("b", "c")]
    assert all("top-2 overlap" in r for r in rows)
