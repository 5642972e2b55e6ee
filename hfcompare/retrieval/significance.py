"""Uncertainty of per-query metrics: bootstrap confidence intervals (scipy.stats.bootstrap), a
paired comparison of two models (paired bootstrap interval of the difference; a sign-flip
permutation test for its p-value, scipy.stats.permutation_test, exact up to EXACT_MAX_QUERIES
differing queries), and Holm's correction when several pairs are tested."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

N_RESAMPLES = 2_000
#: Random sign flips for the test when the exact enumeration (2^n) would be too long.
N_PERMUTATIONS = 10_000
#: Sign patterns evaluated at once (bounds memory on long query sets).
BATCH = 1_000
#: Up to this many queries on which two models differ, the test enumerates all 2^n sign flips.
EXACT_MAX_QUERIES = 16
CONFIDENCE = 0.95
ALPHA = 1 - CONFIDENCE
SEED = 0


@dataclass
class PairedComparison:
    """Model A minus model B on one metric, over the same queries."""

    mean_difference: float
    low: float
    high: float
    p_value: float
    n_queries: int
    n_differing: int = 0      # queries on which the two models score differently (the test's n)
    exact: bool = True        # p from all 2^n sign flips (else from N_PERMUTATIONS random ones)

    def significant(self, alpha: float = ALPHA) -> bool:
        return self.p_value < alpha


def smallest_p(n_differing: int) -> float:
    """The smallest two-sided p the exact sign-flip test can give on `n_differing` queries: every
    difference on the same side, 2 of the 2^n equally likely sign patterns."""
    return min(1.0, 2.0 ** (1 - n_differing)) if n_differing > 0 else 1.0


def min_differing_queries(alpha: float = ALPHA, comparisons: int = 1) -> int:
    """Fewest queries on which two models must differ before the test could reach `alpha`, even
    with every difference on one side, after Holm's correction over `comparisons` pairs (the
    smallest p of m is multiplied by m)."""
    n = 1
    while comparisons * smallest_p(n) >= alpha:
        n += 1
    return n


def holm(p_values) -> list[float]:
    """Holm's step-down adjusted p-values (reject where adjusted p < alpha).

    Written out because it is a few lines: scipy.stats offers only false-discovery-rate control
    (false_discovery_control), and statsmodels (multipletests) is not a dependency. Tests check it
    against the step-down procedure applied at each alpha."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(scaled)
    return adjusted.tolist()


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
                       method="percentile", rng=np.random.default_rng(seed))
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def sign_flip_test(differences, n_permutations: int = N_PERMUTATIONS, seed: int = SEED) -> tuple[float, bool]:
    """(two-sided p, exact?) of the paired permutation test on per-query differences: under the
    null hypothesis each difference is as likely to have the other sign. Queries with no difference
    change nothing and are left out; up to EXACT_MAX_QUERIES others, all 2^n sign patterns are
    enumerated (an exact test), beyond that `n_permutations` random ones."""
    from scipy.stats import permutation_test

    d = np.asarray(differences, dtype=float)
    d = d[d != 0]
    if d.size < 2:  # one difference: its two sign patterns are equally extreme (scipy needs two)
        return 1.0, True
    exact = d.size <= EXACT_MAX_QUERIES
    test = permutation_test((d,), lambda x, axis=-1: np.mean(x, axis=axis), permutation_type="samples",
                            vectorized=True, n_resamples=math.inf if exact else n_permutations,
                            batch=None if exact else BATCH, alternative="two-sided", rng=np.random.default_rng(seed))
    return float(test.pvalue), exact


def paired_comparison(a, b, n_resamples: int = N_RESAMPLES, confidence: float = CONFIDENCE,
                      seed: int = SEED) -> PairedComparison:
    """Is A better than B on the same queries? The mean difference, its paired bootstrap interval,
    and a two-sided paired permutation test (each query's difference flipped in sign at random)."""
    from scipy.stats import bootstrap

    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.size == 0:
        raise ValueError("a paired comparison needs the same, non-empty set of queries for both models")
    diff = x - y
    p_value, exact = sign_flip_test(diff, seed=seed)
    differing = int(np.count_nonzero(diff))
    if np.all(diff == diff[0]):  # every resample has the same mean: the bootstrap interval is that point
        low = high = float(diff[0])
    else:
        def mean_difference(u, v, axis=-1):
            return np.mean(u - v, axis=axis)

        interval = bootstrap((x, y), mean_difference, paired=True, vectorized=True, n_resamples=n_resamples,
                             confidence_level=confidence, method="percentile",
                             rng=np.random.default_rng(seed)).confidence_interval
        low, high = float(interval.low), float(interval.high)
    return PairedComparison(float(diff.mean()), low, high, p_value, len(diff), differing, exact)
