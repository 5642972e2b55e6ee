"""Scorecard math: normalization, weights, missing values, sensitivity (with property tests)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hfcompare.decide.scoring import (
    Candidate,
    Cell,
    Criterion,
    ScoringError,
    normalize_values,
    normalize_weights,
    rank_stability,
    score,
    weight_to_flip,
    with_weight,
)

PERF = Criterion("perf", "Performance", 40)
SPEED = Criterion("speed", "Speed", 30, higher_is_better=False, log_scale=True)
SIZE = Criterion("size", "Size", 20, higher_is_better=False, log_scale=True)
MULTI = Criterion("multi", "Multilingual", 10)
CRITERIA = [PERF, SPEED, SIZE, MULTI]


def cand(name, **values):
    return Candidate(name, {k: Cell(v, "test") for k, v in values.items()})


CANDIDATES = [cand("a", perf=0.9, speed=10.0, size=1e8, multi=0.0),
              cand("b", perf=0.8, speed=2.0, size=3e7, multi=1.0),
              cand("c", perf=0.5, speed=1.0, size=1e9, multi=0.0)]


def test_min_max_with_direction_and_log_scale():
    assert normalize_values([1.0, 2.0, 3.0]) == [0.0, 0.5, 1.0]
    assert normalize_values([1.0, 2.0, 3.0], higher_is_better=False) == [1.0, 0.5, 0.0]
    assert normalize_values([1e7, 1e8, 1e9], log_scale=True) == pytest.approx([0.0, 0.5, 1.0])
    assert normalize_values([5.0, None, 5.0]) == [0.5, None, 0.5]
    assert normalize_values([0.0, 0.0, None], binary=True) == [0.0, 0.0, None]
    assert normalize_values([1.0, 0.0], higher_is_better=False, binary=True) == [0.0, 1.0]
    assert normalize_values([None, None]) == [None, None]
    assert normalize_values([0.0, 10.0, 100.0], log_scale=True) == [None, 0.0, 1.0]  # log of 0 is unknown
    assert normalize_values([math.nan, 1.0, 2.0]) == [None, 0.0, 1.0]


def test_weights_are_normalized_and_bad_ones_refused():
    assert normalize_weights({"a": 40, "b": 30, "c": 20, "d": 10}) == pytest.approx(
        {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1})
    for bad in ({"a": -1, "b": 2}, {"a": math.nan}, {"a": math.inf}, {"a": 0, "b": 0}, {"a": "x"}):
        with pytest.raises(ScoringError):
            normalize_weights(bad)


def test_contributions_sum_to_the_score_and_rank_follows():
    result = score(CANDIDATES, CRITERIA)
    for i in range(3):
        assert np.nansum([result.contributions[k][i] for k in result.contributions]) == pytest.approx(result.scores[i])
    assert result.winner == "b"
    assert sorted(result.ranks.tolist()) == [1, 2, 3]


def test_missing_values_skip_or_penalize_never_silent_zero():
    gappy = [cand("full", perf=0.5, speed=5.0), cand("gap", perf=1.0), cand("low", perf=0.0, speed=1.0)]
    crits = [PERF, SPEED]
    skipped = score(gappy, crits, "skip")
    penalized = score(gappy, crits, "penalize")
    assert skipped.missing["gap"] == ["speed"]
    # skip: judged on performance alone (where it is best) -> 1.0; penalize: speed counts as 0
    assert skipped.scores[1] == pytest.approx(1.0)
    assert penalized.scores[1] == pytest.approx(40 / 70)
    assert skipped.normalized["speed"][1] is None
    assert math.isnan(penalized.contributions["speed"][1]) and math.isnan(skipped.contributions["speed"][1])


def test_unknown_counts_as_the_worst_by_default():
    gappy = [cand("known", perf=0.2, speed=5.0), cand("unknown", perf=1.0)]
    assert score(gappy, [PERF, SPEED]).policy == "penalize"
    assert score(gappy, [PERF, SPEED]).scores[1] == pytest.approx(40 / 70)


def test_only_candidates_with_three_quarters_of_the_weight_known_are_recommended():
    crits = [PERF, SPEED, SIZE, MULTI]       # 40, 30, 20, 10
    rows = [cand("all", perf=0.1, speed=50.0, size=1e9, multi=0.0),
            cand("no-speed", perf=0.9, size=1e7, multi=1.0),             # 70% known
            cand("no-multi", perf=0.5, speed=10.0, size=1e8)]            # 90% known
    for policy in ("penalize", "skip"):
        result = score(rows, crits, policy)
        assert result.known_weight.tolist() == pytest.approx([1.0, 0.7, 0.9])
        assert result.eligible.tolist() == [True, False, True]
        assert result.recommended in ("all", "no-multi")
        assert result.names[result.order()[-1]] == "no-speed"       # ranked after every eligible one
        assert result.ranks[1] == 3
    alone = score([rows[1]], crits)
    assert alone.recommended is None and alone.winner == "no-speed"


def test_known_score_and_best_case_bound_the_unknowns():
    rows = [cand("a", perf=1.0, speed=1.0), cand("b", perf=0.0)]
    result = score(rows, [PERF, SPEED])
    assert result.known_score(1) == pytest.approx(0.0)
    assert result.best_case(1) == pytest.approx(30 / 70)


def test_changing_a_weight_changes_the_winner_where_the_flip_table_says():
    flips = {f.criterion: f for f in weight_to_flip(CANDIDATES, CRITERIA)}
    perf = flips["perf"]
    assert perf.flips_at is not None and perf.new_winner == "a"
    just_past = perf.flips_at + 0.01 if perf.flips_at > perf.current else perf.flips_at - 0.01
    assert score(CANDIDATES, with_weight(CRITERIA, "perf", just_past)).winner == perf.new_winner
    halfway = (perf.current + perf.flips_at) / 2
    assert score(CANDIDATES, with_weight(CRITERIA, "perf", halfway)).winner == "b"


def test_rank_stability_rows_are_distributions_and_a_dominant_model_always_wins():
    shares = rank_stability(CANDIDATES, CRITERIA, samples=200)
    assert shares.shape == (3, 3) and np.allclose(shares.sum(axis=1), 1) and np.allclose(shares.sum(axis=0), 1)
    dominant = [cand("best", perf=1.0, speed=1.0, size=1e6, multi=1.0), *CANDIDATES]
    assert rank_stability(dominant, CRITERIA, samples=100)[0, 0] == 1.0


values = st.floats(min_value=0.001, max_value=1e9, allow_nan=False)


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(values, values, st.one_of(st.none(), values)), min_size=1, max_size=6),
       weights=st.lists(st.floats(min_value=0, max_value=100), min_size=3, max_size=3).filter(lambda w: sum(w) > 0),
       policy=st.sampled_from(["skip", "penalize"]))
@example(rows=[(1.0, 1.0, None)], weights=[0.0, 2.225073858507e-311, 1.0], policy="skip")  # a subnormal known weight
def test_scores_stay_in_range_and_ignore_weight_scale(rows, weights, policy):
    crits = [Criterion("x", "X", weights[0]), Criterion("y", "Y", weights[1], False, True),
             Criterion("z", "Z", weights[2])]
    candidates = [cand(f"m{i}", x=a, y=b, z=c) for i, (a, b, c) in enumerate(rows)]
    result = score(candidates, crits, policy)
    assert np.all(result.scores >= -1e-9) and np.all(result.scores <= 1 + 1e-9)
    scaled = score(candidates, [Criterion(c.key, c.label, c.weight * 7.5, c.higher_is_better, c.log_scale)
                                for c in crits], policy)
    assert np.allclose(result.scores, scaled.scores)
    for values_of_criterion in result.normalized.values():
        known = [v for v in values_of_criterion if v is not None]
        assert all(0 <= v <= 1 for v in known)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=2, max_size=8))
def test_normalization_keeps_order_and_spans_zero_to_one(raw):
    scaled = normalize_values(raw)
    if max(raw) > min(raw):
        assert min(scaled) == 0.0 and max(scaled) == 1.0
    for (a, b), (sa, sb) in zip(zip(raw, raw[1:]), zip(scaled, scaled[1:])):
        assert (a < b) <= (sa <= sb)


def test_numpy_scalars_are_known_values_and_booleans_are_not():
    assert Cell(np.float32(0.5)).known and Cell(np.int64(3)).known and Cell(np.float64(2.0)).known
    assert not Cell(True).known and not Cell(np.bool_(True)).known and not Cell(np.float32("nan")).known
    assert cand("a", perf=np.float32(0.25)).value("perf") == 0.25


def test_tied_scores_break_the_same_way_in_ranking_explanation_and_flips():
    from hfcompare.decide.explain import explain
    from hfcompare.decide.scorecard import ranking_table

    twins = [cand("zeta", perf=0.5, speed=2.0), cand("alpha", perf=0.5, speed=2.0), cand("mid", perf=0.1, speed=9.0)]
    crits = [PERF, SPEED]
    result = score(twins, crits)
    assert result.scores[0] == result.scores[1] and result.winner == "alpha"       # by name
    assert ranking_table(result, crits)["model"].iloc[0] == "alpha"
    text = explain("x", result, twins, crits, 1.0, margin=0.0)
    assert text.get("winner").text.startswith("x (performance 57%, speed 43%) ranks alpha first")
    flips = weight_to_flip(twins, crits)
    assert all(f.new_winner != "alpha" for f in flips)   # every flip names a change away from alpha
    # float noise below the rounding is a tie too, broken the same way
    noisy = [cand("zeta", perf=0.5 + 1e-15, speed=2.0), cand("alpha", perf=0.5, speed=2.0),
             cand("mid", perf=0.1, speed=9.0)]
    assert score(noisy, crits).winner == "alpha"
