"""Scorecard math: value scales, must-haves, weights, missing values, sensitivity (with property tests:
independence of the other candidates, and contributions in proportion to the size of a difference)."""

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
    Limit,
    ScoringError,
    ValueScale,
    normalize_values,
    normalize_weights,
    rank_stability,
    score,
    weight_to_flip,
    with_weight,
)

PERF = Criterion("perf", "Performance", 40, scale=ValueScale(0.0, 1.0))
SPEED = Criterion("speed", "Speed", 30, higher_is_better=False, log_scale=True, unit="ms/text",
                  scale=ValueScale(1000.0, 1.0, log=True))
SIZE = Criterion("size", "Size", 20, higher_is_better=False, log_scale=True, scale=ValueScale(1e10, 1e7, log=True))
MULTI = Criterion("multi", "Multilingual", 10, binary=True)
CRITERIA = [PERF, SPEED, SIZE, MULTI]


def cand(name, **values):
    return Candidate(name, {k: Cell(v, "test") for k, v in values.items()})


CANDIDATES = [cand("a", perf=0.9, speed=10.0, size=1e8, multi=0.0),
              cand("b", perf=0.8, speed=2.0, size=3e7, multi=1.0),
              cand("c", perf=0.5, speed=1.0, size=1e9, multi=0.0)]


def test_values_are_read_on_their_scale_with_direction_log_and_clipping():
    linear, lower, logs = ValueScale(0.0, 1.0), ValueScale(1.0, 0.0), ValueScale(1e10, 1e7, log=True)
    assert normalize_values([0.0, 0.25, 1.0], linear) == [0.0, 0.25, 1.0]
    assert normalize_values([0.0, 0.25, 1.0], lower) == [1.0, 0.75, 0.0]
    assert normalize_values([1e7, 1e8, 1e9, 1e10], logs) == pytest.approx([1.0, 2 / 3, 1 / 3, 0.0])
    assert normalize_values([5.0, None, -5.0], linear) == [1.0, None, 0.0]           # held at the anchors
    assert normalize_values([None, None], linear) == [None, None]
    assert normalize_values([0.0, 1e8], logs) == [None, pytest.approx(2 / 3)]       # log of 0 is unknown
    assert normalize_values([math.nan, 0.5], linear) == [None, 0.5]
    assert normalize_values([3.0, 3.0], ValueScale(0.0, 10.0)) == [0.3, 0.3]        # equal values keep their worth
    for bad in ((1.0, 1.0, False), (0.0, 10.0, True), (math.nan, 1.0, False)):
        with pytest.raises(ScoringError):
            ValueScale(*bad)
    with pytest.raises(ScoringError, match="no value scale"):
        Criterion("x", "X", 1.0).value_scale()
    assert ValueScale(1000.0, 1.0, log=True).describe("ms/text") == "0 at 1,000 ms/text, 1 at 1 ms/text, on log10"


def test_a_tiny_lead_is_worth_a_tiny_share_of_the_weight():
    """The issue's case: nDCG 0.851 against 0.850, the first twice as slow. Min-max gave the 0.001
    lead the whole performance weight (+0.40) and recommended the slower model; on the 0..1 scale it
    is worth 0.0004, and the faster model wins by its speed."""
    rows = [cand("slow", perf=0.851, speed=40.0), cand("fast", perf=0.850, speed=20.0)]
    result = score(rows, [PERF, SPEED])
    gap = result.contributions["perf"][0] - result.contributions["perf"][1]
    assert gap == pytest.approx(0.001 * 40 / 70)
    assert result.winner == "fast"


def test_a_worse_third_candidate_does_not_reorder_the_other_two():
    two = [cand("a", perf=0.50, speed=100.0), cand("b", perf=0.40, speed=20.0)]
    third = cand("c", perf=0.10, speed=900.0)
    order = [n for n in (score(two, [PERF, SPEED]).names[i] for i in score(two, [PERF, SPEED]).order())]
    with_third = score([*two, third], [PERF, SPEED])
    assert [with_third.names[i] for i in with_third.order() if with_third.names[i] != "c"] == order


def test_must_haves_exclude_with_the_reason_before_weights_count():
    limits = [Limit("speed", at_most=5.0), Limit("multi", at_least=1.0)]
    result = score(CANDIDATES, CRITERIA, limits=limits)
    assert result.excluded["a"] == ["Speed 10 ms/text is over the limit of 5 ms/text", "Multilingual: no (a must-have)"]
    assert result.excluded["c"] == ["Multilingual: no (a must-have)"]
    assert "b" not in result.excluded and result.recommended == "b"
    alone = score([CANDIDATES[0]], CRITERIA, limits=limits)
    assert alone.recommended is None and not alone.eligible[0]
    unknown = score([cand("u", perf=0.9, multi=1.0, size=1e8)], CRITERIA, limits=[Limit("speed", at_most=5.0)])
    assert unknown.excluded["u"] == ["Speed is unknown, so the must-have cannot be checked"]


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
    # skip: judged on performance alone (1.0 on its scale) -> 1.0; penalize: speed counts as 0
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
X_SCALE, Y_SCALE, Z_SCALE = ValueScale(0.0, 1e9), ValueScale(1e9, 0.001, log=True), ValueScale(1.0, 1e6, log=True)


def xyz(weights):
    return [Criterion("x", "X", weights[0], scale=X_SCALE), Criterion("y", "Y", weights[1], False, True, scale=Y_SCALE),
            Criterion("z", "Z", weights[2], scale=Z_SCALE)]


@settings(max_examples=80, deadline=None)
@given(rows=st.lists(st.tuples(values, values, st.one_of(st.none(), values)), min_size=1, max_size=6),
       weights=st.lists(st.floats(min_value=0, max_value=100), min_size=3, max_size=3).filter(lambda w: sum(w) > 0),
       policy=st.sampled_from(["skip", "penalize"]))
@example(rows=[(1.0, 1.0, None)], weights=[0.0, 2.225073858507e-311, 1.0], policy="skip")  # a subnormal known weight
def test_scores_stay_in_range_and_ignore_weight_scale(rows, weights, policy):
    crits = xyz(weights)
    candidates = [cand(f"m{i}", x=a, y=b, z=c) for i, (a, b, c) in enumerate(rows)]
    result = score(candidates, crits, policy)
    assert np.all(result.scores >= -1e-9) and np.all(result.scores <= 1 + 1e-9)
    scaled = score(candidates, xyz([w * 7.5 for w in weights]), policy)
    assert np.allclose(result.scores, scaled.scores)
    for values_of_criterion in result.normalized.values():
        known = [v for v in values_of_criterion if v is not None]
        assert all(0 <= v <= 1 for v in known)


@settings(max_examples=120, deadline=None)
@given(rows=st.lists(st.tuples(values, values, st.one_of(st.none(), values)), min_size=2, max_size=7),
       weights=st.lists(st.floats(min_value=0, max_value=100), min_size=3, max_size=3).filter(lambda w: sum(w) > 0),
       policy=st.sampled_from(["skip", "penalize"]), drop=st.integers(min_value=0, max_value=6))
def test_independence_adding_or_removing_a_candidate_never_reorders_the_others(rows, weights, policy, drop):
    """The property min-max broke: the order of the others, and each one's score, stay as they were."""
    candidates = [cand(f"m{i}", x=a, y=b, z=c) for i, (a, b, c) in enumerate(rows)]
    full = score(candidates, xyz(weights), policy)
    kept = [c for i, c in enumerate(candidates) if i != drop % len(candidates)]
    fewer = score(kept, xyz(weights), policy)
    left_out = candidates[drop % len(candidates)].name
    assert [full.names[i] for i in full.order() if full.names[i] != left_out] == [fewer.names[i] for i in fewer.order()]
    by_name = dict(zip(full.names, full.scores))
    assert all(by_name[name] == pytest.approx(s) for name, s in zip(fewer.names, fewer.scores))


@settings(max_examples=120, deadline=None)
@given(a=st.floats(min_value=0.0, max_value=1.0), b=st.floats(min_value=0.0, max_value=1.0),
       weight=st.floats(min_value=1.0, max_value=100.0), other=st.floats(min_value=0.0, max_value=100.0))
def test_magnitude_a_contribution_gap_is_the_raw_gap_times_the_weight_over_the_span(a, b, weight, other):
    """A criterion's share of the gap between two candidates is (raw difference ÷ the scale's span) ×
    its normalized weight: a 0.001 nDCG lead is worth 0.001 × weight, never the whole weight."""
    crits = [Criterion("perf", "P", weight, scale=ValueScale(0.0, 1.0)), Criterion("z", "Z", other, binary=True)]
    result = score([cand("a", perf=a, z=1.0), cand("b", perf=b, z=1.0)], crits)
    share = weight / (weight + other)
    assert result.contributions["perf"][0] - result.contributions["perf"][1] == pytest.approx((a - b) * share, abs=1e-12)
    percent = score([cand("a", perf=100 * a, z=0.0), cand("b", perf=100 * b, z=0.0)],
                    [Criterion("perf", "P", weight, scale=ValueScale(0.0, 100.0)), crits[1]])
    assert percent.contributions["perf"][0] - percent.contributions["perf"][1] == pytest.approx((a - b) * share,
                                                                                              abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=2, max_size=8))
def test_a_scale_keeps_order_and_stays_within_zero_and_one(raw):
    scaled = normalize_values(raw, ValueScale(-1e5, 1e5))
    assert all(0.0 <= v <= 1.0 for v in scaled)
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
    assert text.get("winner").text.startswith("With x (performance 57%, speed 43%), alpha ranks first")
    flips = weight_to_flip(twins, crits)
    assert all(f.new_winner != "alpha" for f in flips)   # every flip names a change away from alpha
    # float noise below the rounding is a tie too, broken the same way
    noisy = [cand("zeta", perf=0.5 + 1e-15, speed=2.0), cand("alpha", perf=0.5, speed=2.0),
             cand("mid", perf=0.1, speed=9.0)]
    assert score(noisy, crits).winner == "alpha"
