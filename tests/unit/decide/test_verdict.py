"""The verdict (issue 26, point 2): P(best) from resampling what each value rests on (a paired bootstrap
over shared queries, the timed passes of each speed), and three verdicts: recommend, too close to
call (with what would separate them), none qualifies (with the gap)."""

from __future__ import annotations

import numpy as np
import pytest

from hfcompare.decide.explain import explain, ranges_overlap, verdict
from hfcompare.decide.scoring import Candidate, Cell, Criterion, Limit, ValueScale, p_best, queries_to_separate, score
from hfcompare.retrieval.significance import paired_comparison

PERF = Criterion("performance", "Performance", 70, scale=ValueScale(0.0, 1.0))
SPEED = Criterion("speed", "Speed", 30, higher_is_better=False, log_scale=True, unit="ms/text",
                  scale=ValueScale(1000.0, 1.0, log=True))


def quality(per_query, paired_on="q20") -> Cell:
    values = np.asarray(per_query, dtype=float)
    return Cell(float(values.mean()), "t", float(values.min()), float(values.max()), tuple(values), paired_on)


def speed(passes) -> Cell:
    return Cell(float(np.median(passes)), "t", float(min(passes)), float(max(passes)), tuple(passes), "", "median")


def paired_case(lead: float = 0.032, n: int = 20, seed: int = 1):
    """Two models on the same queries: B's per-query scores vary widely (so their intervals overlap),
    A is B plus a small, steady lead."""
    rng = np.random.default_rng(seed)
    b = rng.uniform(0.5, 1.0, n) - lead
    a = b + lead + rng.normal(0, 0.004, n)
    return a, b


def test_a_steady_paired_lead_is_real_although_the_intervals_overlap():
    """The issue's case: a paired difference of 0.032 with a tight interval and a tiny p. The evaluation
    page calls it significant; the Scorecard said "the order rests on measurement noise". Now both
    judge it query by query."""
    a, b = paired_case()
    test = paired_comparison(a, b)
    assert test.significant() and test.low > 0
    ma, mb = Candidate("A", {"performance": quality(a), "speed": speed([10, 11, 12])}), \
        Candidate("B", {"performance": quality(b), "speed": speed([10, 11, 12])})
    assert ma.cell("performance").low <= mb.cell("performance").high     # the unpaired ranges overlap
    assert not ranges_overlap(ma, mb, "performance")                      # but the paired test decides
    scored = score([ma, mb], [PERF, SPEED])
    text = explain("Test", scored, [ma, mb], [PERF, SPEED], 1.0).text
    assert "measurement noise" not in text and "not reliable" not in text
    chances = p_best([ma, mb], [PERF, SPEED])
    assert chances[0] >= 0.9
    assert verdict(scored, [ma, mb], [PERF, SPEED], chances).kind == "recommend"


def test_the_scorecard_and_the_evaluation_page_agree_on_whether_a_quality_lead_is_real():
    for lead, seed in [(0.0, 2), (0.003, 3), (0.01, 4), (0.032, 5), (0.1, 6)]:
        a, b = paired_case(lead, seed=seed)
        ma, mb = Candidate("A", {"performance": quality(a)}), Candidate("B", {"performance": quality(b)})
        assert ranges_overlap(ma, mb, "performance") == (not paired_comparison(a, b).significant())


def test_p_best_is_a_distribution_and_the_paired_draw_is_shared():
    a, b = paired_case(0.0, seed=7)
    models = [Candidate("A", {"performance": quality(a)}), Candidate("B", {"performance": quality(b)}),
              Candidate("C", {"performance": quality(b - 0.2)})]
    chances = p_best(models, [PERF])
    assert chances.sum() == pytest.approx(1.0) and chances[2] == 0.0
    # a model identical to another on every query never beats it by resampling: one shared draw
    twin = [Candidate("A", {"performance": quality(a)}), Candidate("A2", {"performance": quality(a)})]
    assert p_best(twin, [PERF]).tolist() == [1.0, 0.0]                  # equal scores: the name breaks the tie
    unpaired = [Candidate("A", {"performance": quality(a, "x")}), Candidate("A2", {"performance": quality(a, "y")})]
    assert 0.2 < p_best(unpaired, [PERF])[1] < 0.8                      # independent draws: either may lead


def test_p_best_reaches_its_stated_meaning_by_simulation():
    """Two models whose true means differ by half a standard error: the one truly ahead should be
    P(best)-favoured in most simulated experiments, and a verdict of "recommend" (P(best) >= 0.9)
    should pick the truly better model in at least 90% of the experiments that recommend at all."""
    rng = np.random.default_rng(11)
    recommended, right = 0, 0
    for _ in range(150):
        base = rng.uniform(0.3, 0.9, 30)
        a = np.clip(base + 0.03 + rng.normal(0, 0.06, 30), 0, 1)
        b = np.clip(base + rng.normal(0, 0.06, 30), 0, 1)
        models = [Candidate("A", {"performance": quality(a)}), Candidate("B", {"performance": quality(b)})]
        chances = p_best(models, [PERF], rounds=300, seed=int(rng.integers(1e9)))
        if chances.max() >= 0.9:
            recommended += 1
            right += int(chances[0] >= 0.9)
    assert recommended > 30 and right / recommended >= 0.9


def test_too_close_to_call_says_how_many_queries_would_separate_them():
    a, b = paired_case(0.004, n=20, seed=8)
    noisy_b = b + np.random.default_rng(9).normal(0, 0.05, 20)
    ma, mb = Candidate("A", {"performance": quality(a)}), Candidate("B", {"performance": quality(noisy_b)})
    scored = score([ma, mb], [PERF])
    chances = p_best([ma, mb], [PERF])
    found = verdict(scored, [ma, mb], [PERF], chances, margin=0.0)
    assert found.kind == "too_close" and set(found.models) == {"A", "B"}
    needed = queries_to_separate(ma.cell("performance"), mb.cell("performance"))
    assert needed > 20 and f"about {needed:,} labeled queries in all (now 20)" in found.text
    assert "P(best)" in found.text


def test_a_tie_under_the_margin_is_never_a_recommendation():
    ma = Candidate("A", {"performance": Cell(0.801, "catalog")})
    mb = Candidate("B", {"performance": Cell(0.800, "catalog")})
    scored = score([ma, mb], [PERF])
    chances = p_best([ma, mb], [PERF])                      # published figures: nothing to resample
    assert chances.tolist() == [1.0, 0.0]
    found = verdict(scored, [ma, mb], [PERF], chances)
    assert found.kind == "too_close" and "under the tie margin" in found.text


def test_none_qualifies_names_the_gap():
    ma = Candidate("A", {"performance": Cell(0.9, "t"), "speed": Cell(50.0, "t")})
    scored = score([ma], [PERF, SPEED], limits=[Limit("speed", at_most=20.0)])
    found = verdict(scored, [ma], [PERF, SPEED], p_best([ma], [PERF, SPEED], limits=[Limit("speed", at_most=20.0)]))
    assert found.kind == "none" and "Speed 50 ms/text is over the limit of 20 ms/text" in found.text
