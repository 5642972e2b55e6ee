"""Uncertainty of per-query metrics: bootstrap confidence intervals (scipy.stats.bootstrap) and a
paired comparison of two models (paired bootstrap of the difference, and a paired permutation
test for its p-value, scipy.stats.permutation_test)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_RESAMPLES = 2_000
CONFIDENCE = 0.95
SEED = 0


@dataclass
class PairedComparison:
    """Model A minus model B on one metric, over the same queries."""

    mean_difference: float
    low: float
    high: float
    p_value: float
    n_queries: int

    def significant(self, alpha: float = 1 - CONFIDENCE) -> bool:
        return self.p_value < alpha


def bootstrap_ci(values, n_resamples: int = N_RESAMPLES, confidence: float = CONFIDENCE,
                 seed: int = SEED) -> tuple[float, float]:
    """A percentile bootstrap interval for the mean of `values` (queries resampled with replacement)."""
    from scipy.stats import bootstrap

    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return float("nan"), float("nan")
    if data.size == 1 or np.all(data == data[0]):
        return float(data[0]), float(data[0])
    result = bootstrap((data,), np.mean, n_resamples=n_resamples, confidence_level=confidence,
                       method="percentile", random_state=np.random.default_rng(seed))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def paired_comparison(a, b, n_resamples: int = N_RESAMPLES, confidence: float = CONFIDENCE,
                      seed: int = SEED) -> PairedComparison:
    """Is A better than B on the same queries? The mean difference, its paired bootstrap interval,
    and a two-sided paired permutation test (each query's pair of scores swapped at random)."""
    from scipy.stats import bootstrap, permutation_test

    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.size == 0:
        raise ValueError("a paired comparison needs the same, non-empty set of queries for both models")
    diff = x - y
    if np.all(diff == diff[0]):
        return PairedComparison(float(diff[0]), float(diff[0]), float(diff[0]), 1.0 if diff[0] == 0 else 0.0,
                                len(diff))

    def mean_difference(u, v, axis=-1):
        return np.mean(u - v, axis=axis)

    interval = bootstrap((x, y), mean_difference, paired=True, vectorized=True, n_resamples=n_resamples,
                         confidence_level=confidence, method="percentile",
                         random_state=np.random.default_rng(seed)).confidence_interval
    test = permutation_test((x, y), mean_difference, permutation_type="samples", vectorized=True,
                            n_resamples=n_resamples, alternative="two-sided",
                            random_state=np.random.default_rng(seed))
    return PairedComparison(float(diff.mean()), float(interval.low), float(interval.high), float(test.pvalue),
                            len(diff))
