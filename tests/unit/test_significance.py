"""Bootstrap intervals and the paired comparison, against a plain numpy resampling reference."""

from __future__ import annotations

import numpy as np
import pytest

from hfcompare.significance import bootstrap_ci, paired_comparison


def numpy_percentile_ci(values, n=4000, seed=1):
    rng = np.random.default_rng(seed)
    values = np.asarray(values)
    means = values[rng.integers(0, len(values), size=(n, len(values)))].mean(axis=1)
    return np.percentile(means, [2.5, 97.5])


def test_bootstrap_interval_agrees_with_a_numpy_resampling_reference():
    values = np.random.default_rng(0).uniform(size=200)
    low, high = bootstrap_ci(values, n_resamples=4000)
    ref_low, ref_high = numpy_percentile_ci(values)
    assert low < values.mean() < high
    assert low == pytest.approx(ref_low, abs=0.01) and high == pytest.approx(ref_high, abs=0.01)


def test_degenerate_inputs():
    assert bootstrap_ci([0.5, 0.5, 0.5]) == (0.5, 0.5)
    assert np.isnan(bootstrap_ci([])[0])
    same = paired_comparison([0.2, 0.4], [0.2, 0.4])
    assert same.mean_difference == 0 and same.p_value == 1.0 and not same.significant()


def test_clearly_better_model_is_significant_and_noise_is_not():
    rng = np.random.default_rng(0)
    base = rng.uniform(size=100)
    better = paired_comparison(np.clip(base + 0.2, 0, 1), base)
    assert better.significant() and better.low > 0 and better.n_queries == 100
    noise = paired_comparison(base + rng.normal(0, 0.01, size=100), base)
    assert noise.low < 0 < noise.high


def test_mismatched_queries_are_refused():
    with pytest.raises(ValueError):
        paired_comparison([1.0], [1.0, 0.0])
