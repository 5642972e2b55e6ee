"""2D views of an embedding space: sampling, PCA (scikit-learn) or UMAP when installed, clusters."""

from __future__ import annotations

import importlib.util

import numpy as np

#: Points one scatter shows at most; larger corpora are sampled (judged documents kept first).
MAX_POINTS = 3_000


def umap_available() -> bool:
    """True when umap-learn is installed (it is optional)."""
    return importlib.util.find_spec("umap") is not None


def methods() -> list[str]:
    """The projections this machine offers, default first."""
    return ["PCA", "UMAP"] if umap_available() else ["PCA"]


def sample_indices(n: int, max_n: int = MAX_POINTS, keep: list[int] | None = None, seed: int = 0) -> np.ndarray:
    """Up to `max_n` row positions out of `n`, sorted: every position in `keep` first (as many as
    fit), the rest drawn at random with a fixed seed so the view is stable."""
    if n <= max_n:
        return np.arange(n)
    kept = np.unique(np.asarray(keep or [], dtype=np.int64))[:max_n]
    rest = np.setdiff1d(np.arange(n), kept)
    drawn = np.random.default_rng(seed).choice(rest, size=max_n - len(kept), replace=False)
    return np.sort(np.concatenate([kept, drawn]))


def _dense(vectors) -> np.ndarray:
    return np.asarray(vectors.toarray() if hasattr(vectors, "toarray") else vectors, dtype=np.float32)


def project(vectors, method: str = "PCA", seed: int = 0) -> np.ndarray:
    """(n, 2) coordinates of the rows of `vectors` (dense or sparse)."""
    n = vectors.shape[0]
    if n < 3:
        return np.zeros((n, 2), dtype=np.float32)
    if method == "UMAP" and umap_available():
        import umap

        reducer = umap.UMAP(n_components=2, random_state=seed, n_neighbors=min(15, n - 1), metric="cosine")
        return np.asarray(reducer.fit_transform(_dense(vectors)), dtype=np.float32)
    if hasattr(vectors, "toarray"):  # sparse TF-IDF: TruncatedSVD is PCA without centring the matrix
        from sklearn.decomposition import TruncatedSVD

        return TruncatedSVD(n_components=2, random_state=seed).fit_transform(vectors).astype(np.float32)
    from sklearn.decomposition import PCA

    return PCA(n_components=2, random_state=seed).fit_transform(_dense(vectors)).astype(np.float32)


def clusters(vectors, k: int = 8, seed: int = 0) -> np.ndarray:
    """A k-means cluster number per row (MiniBatchKMeans, so large sets stay quick)."""
    from sklearn.cluster import MiniBatchKMeans

    n = vectors.shape[0]
    k = max(1, min(k, n))
    return MiniBatchKMeans(n_clusters=k, random_state=seed, n_init=3).fit_predict(vectors).astype(int)
