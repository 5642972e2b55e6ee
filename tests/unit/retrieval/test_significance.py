"""Intervals and the paired comparison: the bootstrap half against a plain numpy resampling reference,
the bound-aware half against the textbook Agresti-Coull interval, the difference against its formula; the
exact sign-flip test against an enumeration of every sign pattern; Holm's correction against the
step-down procedure; and the verdicts of the pairwise table."""

from __future__ import annotations

from itertools import product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfcompare.refs import ModelRef
from hfcompare.retrieval.evaluation import ModelEvaluation
from hfcompare.retrieval.significance import (
    EXACT_MAX_QUERIES,
    bootstrap_ci,
    bounded_interval,
    holm,
    min_differing_queries,
    paired_comparison,
    smallest_p,
)
from hfcompare.retrieval.tables import significance_table


def numpy_percentile_ci(values, n=4000, seed=1):
    rng = np.random.default_rng(seed)
    values = np.asarray(values)
    means = values[rng.integers(0, len(values), size=(n, len(values)))].mean(axis=1)
    return np.percentile(means, [2.5, 97.5])


def test_bootstrap_interval_agrees_with_a_numpy_resampling_reference():
    values = np.random.default_rng(0).uniform(size=200)
    low, high = bootstrap_ci(values, n_resamples=4000, bounds=None)
    ref_low, ref_high = numpy_percentile_ci(values)
    assert low < values.mean() < high
    assert low == pytest.approx(ref_low, abs=0.01) and high == pytest.approx(ref_high, abs=0.01)
    wide_low, wide_high = bootstrap_ci(values, n_resamples=4000)      # bounded in [0, 1]: at least as wide
    assert wide_low <= low and high <= wide_high and wide_high - wide_low < 1.1 * (high - low)


def agresti_coull(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The textbook interval: z^2/2 successes and failures added, then the Wald interval."""
    n_tilde = n + z * z
    p = (successes + z * z / 2) / n_tilde
    half = z * np.sqrt(p * (1 - p) / n_tilde)
    return max(p - half, 0.0), min(p + half, 1.0)


@pytest.mark.parametrize("successes, n", [(0, 1), (1, 1), (7, 10), (10, 10), (0, 20), (3, 50), (120, 200)])
def test_on_zero_one_scores_the_bound_aware_interval_is_agresti_coull(successes, n):
    scores = [1.0] * successes + [0.0] * (n - successes)
    assert bounded_interval(scores) == pytest.approx(agresti_coull(successes, n), abs=1e-12)
    low, high = bootstrap_ci(scores)
    assert low <= agresti_coull(successes, n)[0] and agresti_coull(successes, n)[1] <= high


def test_the_bound_aware_interval_rescales_to_other_bounds():
    scores = np.array([0.2, 0.9, 1.0, 0.6])
    low, high = bounded_interval(scores)
    assert bounded_interval(10 * scores - 5, bounds=(-5, 5)) == pytest.approx((10 * low - 5, 10 * high - 5))
    # values outside the bounds widen them to the observed range instead of failing
    assert bounded_interval([0.5, 2.0]) == pytest.approx(tuple(2 * v for v in bounded_interval([0.25, 1.0])))


def test_degenerate_inputs():
    # Constant samples get an interval, not a point: three queries at 0.5 (or ten at 1.0, or one query)
    # do not show that the next query scores the same. Only bounds=None keeps the bootstrap's point.
    low, high = bootstrap_ci([0.5, 0.5, 0.5])
    assert low < 0.5 < high and (low, high) == pytest.approx((1 - high, 1 - low))
    assert bootstrap_ci([0.5, 0.5, 0.5], bounds=None) == (0.5, 0.5)
    assert bootstrap_ci([1.0] * 10) == pytest.approx((agresti_coull(10, 10)[0], 1.0))
    assert bootstrap_ci([0.8]) == pytest.approx(bounded_interval([0.8])) and bootstrap_ci([0.8])[0] < 0.8
    assert all(np.isnan(bootstrap_ci([]))) and all(np.isnan(bounded_interval([])))
    same = paired_comparison([0.2, 0.4], [0.2, 0.4])
    assert same.mean_difference == 0 and same.p_value == 1.0 and not same.significant()
    assert same.low < 0 < same.high      # the same scores on two queries do not show the models are the same


def test_the_difference_interval_is_the_paired_bootstrap_widened_by_bound_aware_standard_errors():
    def standard_error(values):   # the Agresti-Coull augmentation's standard error of the mean
        k, n = 1.959963984540054 ** 2 / 2, len(values) + 1.959963984540054 ** 2
        mean = (np.sum(values) + k) / n
        return np.sqrt(((np.square(values).sum() + k) / n - mean ** 2) / n)

    rng = np.random.default_rng(4)
    a = np.where(rng.random(30) < 0.6, 1.0, rng.uniform(0.3, 1.0, size=30))
    b = np.clip(a - rng.uniform(-0.1, 0.3, size=30), 0, 1)
    result, plain = paired_comparison(a, b), paired_comparison(a, b, bounds=None)
    se_a, se_b, r = standard_error(a), standard_error(b), np.corrcoef(a, b)[0, 1]
    half = 1.959963984540054 * np.sqrt(se_a ** 2 + se_b ** 2 - 2 * r * se_a * se_b)
    d = a.mean() - b.mean()
    assert result.low == pytest.approx(min(plain.low, d - half))
    assert result.high == pytest.approx(max(plain.high, d + half))
    assert (result.mean_difference, result.p_value) == (plain.mean_difference, plain.p_value)   # the test is untouched
    # both models at 1.0 on every query: r is undefined and taken as 0; the interval is not a point
    top = paired_comparison([1.0] * 20, [1.0] * 20)
    assert top.mean_difference == 0 and top.low < 0 < top.high
    plain = paired_comparison([1.0] * 20, [1.0] * 20, bounds=None)      # the paired bootstrap alone: a point
    assert (plain.low, plain.high) == (0.0, 0.0)


def test_a_steady_lead_on_correlated_queries_keeps_a_tight_interval():
    rng = np.random.default_rng(1)
    b = rng.uniform(0.5, 1.0, 20) - 0.032
    a = b + 0.032 + rng.normal(0, 0.004, 20)
    result = paired_comparison(a, b)
    assert 0 < result.low < result.mean_difference < result.high and result.high - result.low < 0.01


def test_clearly_better_model_is_significant_and_noise_is_not():
    rng = np.random.default_rng(0)
    base = rng.uniform(size=100)
    better = paired_comparison(np.clip(base + 0.2, 0, 1), base)
    assert better.significant() and better.low > 0 and better.n_queries == 100
    noise = paired_comparison(np.clip(base + rng.normal(0, 0.01, size=100), 0, 1), base)
    assert noise.low < 0 < noise.high


def test_mismatched_queries_are_refused():
    with pytest.raises(ValueError):
        paired_comparison([1.0], [1.0, 0.0])


def enumerated_p(differences) -> float:
    """The reference: every one of the 2^n sign patterns, two-sided as |mean| at least as large."""
    d = np.asarray(differences, dtype=float)
    observed = abs(d.mean())
    means = [abs(np.mean(np.array(signs) * d)) for signs in product((1, -1), repeat=len(d))]
    return float(np.mean([m >= observed - 1e-12 for m in means]))


def test_a_constant_difference_on_two_queries_is_not_significant():
    result = paired_comparison([1, 1], [0, 0])
    assert result.p_value == pytest.approx(0.5) and not result.significant() and result.exact


def test_one_query_is_never_significant():
    result = paired_comparison([1.0], [0.0])
    assert result.p_value == 1.0 and not result.significant()
    assert smallest_p(1) == 1.0 and smallest_p(5) == pytest.approx(0.0625) and smallest_p(6) == pytest.approx(0.03125)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.sampled_from([0.0, 0.25, 0.5, 1.0])),
                min_size=2, max_size=10))
def test_exact_test_equals_the_enumeration_of_every_sign_pattern(pairs):
    a, b = zip(*pairs)
    result = paired_comparison(a, b, n_resamples=200)
    assert result.exact and result.p_value == pytest.approx(enumerated_p(np.subtract(a, b)), abs=1e-12)


def test_the_test_is_exact_up_to_its_stated_size_and_random_beyond():
    rng = np.random.default_rng(3)
    assert paired_comparison(rng.uniform(size=EXACT_MAX_QUERIES) + 0.1, np.zeros(EXACT_MAX_QUERIES)).exact
    beyond = paired_comparison(rng.uniform(size=EXACT_MAX_QUERIES + 1), np.zeros(EXACT_MAX_QUERIES + 1))
    assert not beyond.exact and beyond.p_value > 0


def test_holm_on_a_worked_example():
    # sorted p 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 -> 0.02, 0.03, 0.06, 0.04 -> running max
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm([0.2]) == [0.2] and holm([0.5, 0.9]) == [1.0, 1.0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=1, max_size=15), st.sampled_from([0.01, 0.05, 0.1]))
def test_holm_rejects_what_the_step_down_procedure_rejects(p_values, alpha):
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    rejected = set()
    for rank, i in enumerate(order):  # reject the k-th smallest while p <= alpha / (m - k + 1); stop at the first
        if p_values[i] * (len(p_values) - rank) >= alpha:
            break
        rejected.add(i)
    adjusted = holm(p_values)
    assert {i for i, p in enumerate(adjusted) if p < alpha} == rejected
    assert all(q >= p for p, q in zip(p_values, adjusted))


def test_fewest_differing_queries_that_could_reach_alpha():
    assert min_differing_queries(0.05) == 6                       # 2/32 = 0.0625, 2/64 = 0.031
    assert min_differing_queries(0.05, comparisons=3) == 7        # 3 * 2/64 = 0.094, 3 * 2/128 = 0.047
    assert min_differing_queries(0.05, comparisons=15) == 10


def evaluation(name: str, values) -> ModelEvaluation:
    return ModelEvaluation(ModelRef.parse(f"fake:{name}"),
                           per_query={f"q{i}": {"ndcg@10": v} for i, v in enumerate(values)})


def table_of(*evaluations: ModelEvaluation):
    return significance_table(list(evaluations), {ev.ref: ev.ref.model for ev in evaluations})


def test_two_queries_swept_by_one_model_are_too_few_to_tell():
    table = table_of(evaluation("a", [1, 1]), evaluation("b", [0, 0]))
    row = table.iloc[0]
    assert row["p-value"] == pytest.approx(0.5) and row["Holm p"] == pytest.approx(0.5)
    assert row["verdict"] == "too few queries to tell: 2 queries (6 needed)"


def test_models_that_differ_on_few_queries_are_too_few_to_tell():
    base = np.full(20, 0.5)
    table = table_of(evaluation("a", base), evaluation("b", np.where(np.arange(20) < 3, 1.0, 0.5)),
                     evaluation("c", base + 0.2))
    row = table.set_index(["model A", "model B"]).loc[("a", "b")]
    assert row["verdict"] == "too few queries to tell: they differ on only 3 of 20 queries (7 needed)"


def test_a_clear_lead_is_called_after_holm_correction():
    base = np.random.default_rng(0).uniform(0.2, 0.6, size=40)
    table = table_of(evaluation("clear", base + 0.3), evaluation("base", base), evaluation("near", base + 0.01))
    rows = table.set_index(["model A", "model B"])
    assert rows.loc[("clear", "base"), "verdict"] == "clear is better (p < 0.05 after Holm correction)"
    assert table["Holm p"].tolist() == pytest.approx(holm(table["p-value"].tolist()))
    alone = table_of(evaluation("clear", base + 0.3), evaluation("base", base)).iloc[0]
    assert alone["verdict"] == "clear is better (p < 0.05)" and alone["Holm p"] == alone["p-value"]


def test_pairs_significant_alone_are_not_called_after_holm_correction():
    base = np.full(40, 0.5)
    step = np.array([0.1] * 10 + [-0.1] * 2)   # 10 of 12 up: exact p = 2 * 79 / 4096 = 0.0386
    first, second = base.copy(), base.copy()
    first[:12] += step
    second[20:32] += step
    table = table_of(evaluation("first", first), evaluation("second", second), evaluation("base", base))
    rows = table.set_index(["model A", "model B"])
    for pair in [("first", "base"), ("second", "base")]:
        assert rows.loc[pair, "p-value"] == pytest.approx(2 * 79 / 4096)
        assert rows.loc[pair, "Holm p"] >= 0.05
        assert rows.loc[pair, "verdict"] == ("not significant after Holm correction "
                                             "(p < 0.05 for this pair alone)")


def test_identical_models_show_no_difference():
    table = table_of(evaluation("a", [0.5, 1.0, 0.0]), evaluation("b", [0.5, 1.0, 0.0]))
    assert table.iloc[0]["verdict"] == "no difference: the same score on every query"


def test_a_significant_holm_p_is_never_called_too_few_queries():
    """Three pairs need 7 differing queries for the smallest p to pass Holm; a pair that differs on 6, all one
    way (p = 2/64), tested beside two clear leads, has Holm p = 0.031 < 0.05: the verdict says it is significant."""
    base = np.full(20, 0.5)
    table = table_of(evaluation("a", base), evaluation("b", np.where(np.arange(20) < 6, 0.6, 0.5)),
                     evaluation("c", base + 0.3))
    row = table.set_index(["model A", "model B"]).loc[("a", "b")]
    assert row["Holm p"] == pytest.approx(0.03125) and min_differing_queries(0.05, 3) == 7
    assert row["verdict"] == "b is better (p < 0.05 after Holm correction)"
    for _, row in table.iterrows():
        assert (row["Holm p"] < 0.05) == row["verdict"].endswith("is better (p < 0.05 after Holm correction)")


def test_a_mean_difference_of_exactly_zero_gives_p_1():
    """The same nDCG values over ten queries, in another order: the mean difference is 0 (to the last bit), and
    the exact test must say p = 1 (float rounding of the permuted sums gave 0.969 before)."""
    from hfcompare.retrieval.significance import sign_flip_test

    a = [0.31546487678572877, 0.3562071871080222, 0.5, 0.43067655807339306, 1.0, 1.0, 1.0, 0.6309297535714575,
         0.3010299956639812, 0.31546487678572877]
    b = [0.5, 0.3010299956639812, 0.43067655807339306, 1.0, 0.31546487678572877, 1.0, 0.6309297535714575, 1.0,
         0.3562071871080222, 0.31546487678572877]
    assert np.subtract(a, b).mean() == 0.0
    assert sign_flip_test(np.subtract(a, b)) == (1.0, True)
    assert paired_comparison(a, b, n_resamples=200).p_value == 1.0
    assert sign_flip_test(np.subtract(a, b)[::-1]) == (1.0, True)
    # beyond the exact size too
    assert sign_flip_test(np.concatenate([np.subtract(a, b)] * 3))[0] == 1.0
