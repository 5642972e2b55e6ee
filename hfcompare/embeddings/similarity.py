"""Similarity matrices, nearest neighbours and agreement between models (numpy, float32)."""

from __future__ import annotations

import numpy as np


def normalize_rows(vectors: np.ndarray) -> np.ndarray:
    """float32 rows scaled to unit L2 norm; all-zero rows stay zero."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise ValueError(f"expected a 2-D array of vectors, got shape {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def cosine_matrix(a: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """Cosine similarities between the rows of `a` and of `b` (default `a`), shape (len(a), len(b))."""
    a = normalize_rows(a)
    b = a if b is None else normalize_rows(b)
    return np.clip(a @ b.T, -1.0, 1.0)


def top_k(similarity: np.ndarray, k: int, exclude_self: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Each row's k most similar columns, best first: (indices, scores), each (n, k').

    With `exclude_self` the diagonal is skipped (a square matrix of a set against itself).
    Ties keep the lower index first, so results are deterministic.
    """
    sim = np.array(similarity, dtype=np.float32, copy=True)
    if exclude_self:
        np.fill_diagonal(sim, -np.inf)
    k = max(0, min(k, sim.shape[1] - (1 if exclude_self else 0)))
    if k == 0:
        return np.zeros((sim.shape[0], 0), dtype=np.int64), np.zeros((sim.shape[0], 0), dtype=np.float32)
    order = np.argsort(-sim, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(sim, order, axis=1)


def upper_triangle(similarity: np.ndarray) -> np.ndarray:
    """The pairwise similarities above the diagonal, as a flat vector."""
    rows, cols = np.triu_indices(similarity.shape[0], k=1)
    return np.asarray(similarity)[rows, cols]


def _ranks(values: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(values, method="average")


def spearman_agreement(sim_a: np.ndarray, sim_b: np.ndarray) -> float:
    """Spearman correlation of two models' pairwise similarities over the same texts.

    1 means both models order every pair of texts the same way; NaN when it is undefined
    (fewer than two pairs, or one model rates every pair alike).
    """
    a, b = upper_triangle(sim_a).astype(np.float64), upper_triangle(sim_b).astype(np.float64)
    if a.size < 2:
        return float("nan")
    ra, rb = _ranks(a), _ranks(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denominator = np.sqrt((ra * ra).sum() * (rb * rb).sum())
    return float((ra * rb).sum() / denominator) if denominator > 0 else float("nan")


def neighbour_overlap(sim_a: np.ndarray, sim_b: np.ndarray, k: int = 3) -> float:
    """Mean share of each text's top-k neighbours that two models have in common (0 to 1)."""
    idx_a, _ = top_k(sim_a, k)
    idx_b, _ = top_k(sim_b, k)
    if idx_a.shape[1] == 0:
        return float("nan")
    shared = [len(set(ra) & set(rb)) / idx_a.shape[1] for ra, rb in zip(idx_a.tolist(), idx_b.tolist())]
    return float(np.mean(shared))


def agreement_table(matrices: dict[str, np.ndarray], k: int = 3) -> list[dict]:
    """Spearman agreement and top-k overlap for every pair of models, as rows."""
    names = list(matrices)
    rows = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            rows.append(
                {
                    "model A": first,
                    "model B": second,
                    "spearman": spearman_agreement(matrices[first], matrices[second]),
                    f"top-{k} overlap": neighbour_overlap(matrices[first], matrices[second], k),
                }
            )
    return rows
