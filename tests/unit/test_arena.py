"""Rating math against independent references: Bradley-Terry against a logistic regression
(scikit-learn) on the same battles; Elo against a hand-worked update; the A/B statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hfcompare.ab import analyze, assign, sample_size, two_proportion_test
from hfcompare.arena import SCALE, Battle, bootstrap_intervals, bradley_terry, elo, leaderboard


def random_battles(seed: int = 0, n: int = 600) -> list[Battle]:
    rng = np.random.default_rng(seed)
    true = {"alpha": 1.2, "beta": 0.4, "gamma": 0.0, "delta": -0.7}
    names = list(true)
    out = []
    for _ in range(n):
        a, b = rng.choice(names, size=2, replace=False)
        p = 1 / (1 + math.exp(-(true[a] - true[b])))
        r = rng.random()
        out.append(Battle(a, b, "tie" if abs(r - p) < 0.05 else ("a" if r < p else "b")))
    return out


def logistic_regression_ratings(battles: list[Battle]) -> dict[str, float]:
    """The reference: unregularized logistic regression on +1/-1 design rows; ties count as one
    win for each side at half weight."""
    from sklearn.linear_model import LogisticRegression

    names = sorted({b.model_a for b in battles} | {b.model_b for b in battles})
    col = {m: i for i, m in enumerate(names)}
    rows, y, weight = [], [], []
    for b in battles:
        x = np.zeros(len(names))
        x[col[b.model_a]], x[col[b.model_b]] = 1, -1
        outcomes = {"a": [(1, 1.0)], "b": [(0, 1.0)]}.get(b.winner, [(1, 0.5), (0, 0.5)])
        for label, w in outcomes:
            rows.append(x)
            y.append(label)
            weight.append(w)
    model = LogisticRegression(C=np.inf, fit_intercept=False, tol=1e-12, max_iter=10_000)
    model.fit(np.array(rows), np.array(y), sample_weight=np.array(weight))
    ratings = model.coef_[0] * SCALE / math.log(10)
    ratings += 1000 - ratings.mean()
    return dict(zip(names, ratings))


def test_bradley_terry_matches_logistic_regression():
    battles = random_battles()
    ours, reference = bradley_terry(battles), logistic_regression_ratings(battles)
    for model in reference:
        assert ours[model] == pytest.approx(reference[model], abs=0.01)
    assert list(sorted(ours, key=ours.get, reverse=True)) == ["alpha", "beta", "gamma", "delta"]


def test_bootstrap_intervals_cover_the_estimate_and_shrink_with_data():
    battles = random_battles(n=800)
    point = bradley_terry(battles, prior=1.0)
    wide = bootstrap_intervals(battles[:100], rounds=100)
    narrow = bootstrap_intervals(battles, rounds=100)
    for model, (low, high) in narrow.items():
        assert low <= point[model] <= high
        assert (high - low) < (wide[model][1] - wide[model][0])


def test_a_model_that_won_everything_stays_finite_in_the_leaderboard():
    battles = [Battle("best", "worst", "a")] * 5 + [Battle("mid", "worst", "a"), Battle("best", "mid", "tie")]
    table = leaderboard(battles, rounds=50)
    assert table["model"].iloc[0] == "best" and np.isfinite(table["rating"]).all()
    assert table.set_index("model").loc["worst", "losses"] == 6
    assert table.set_index("model").loc["best", "ties"] == 1


def test_elo_update_by_hand():
    ratings = elo([Battle("x", "y", "a")], k=32)
    assert ratings["x"] == pytest.approx(1016) and ratings["y"] == pytest.approx(984)
    tie = elo([Battle("x", "y", "a"), Battle("x", "y", "tie")], k=32)
    expected = 1 / (1 + 10 ** ((984 - 1016) / 400))
    assert tie["x"] == pytest.approx(1016 + 32 * (0.5 - expected))


def test_assignment_is_deterministic_and_follows_the_split():
    users = [f"user-{i}" for i in range(20_000)]
    first = [assign(u, "exp", split=0.3) for u in users]
    assert first == [assign(u, "exp", split=0.3) for u in users]
    assert abs(first.count("A") / len(users) - 0.3) < 0.02
    assert assign("user-1", "exp", split=0.0) == "B" and assign("user-1", "exp", split=1.0) == "A"
    with pytest.raises(ValueError):
        assign("u", "exp", split=1.5)


def test_two_proportion_test_against_scipy_chi_square():
    from scipy.stats import chi2_contingency

    z, p = two_proportion_test(120, 1000, 90, 1000)
    _, chi_p, _, _ = chi2_contingency([[120, 880], [90, 910]], correction=False)
    assert p == pytest.approx(chi_p, rel=1e-9) and z > 0


def test_sample_size_and_analysis():
    assert sample_size(0.10, 0.12) == pytest.approx(3841, abs=5)  # standard table value at 80% power
    assert sample_size(0.5, 0.5) is None
    events = [{"user_id": f"u{i}", "variant": "A" if i % 2 else "B", "outcome": float(i % 3 == 0)}
              for i in range(300)]
    events.append({"user_id": "u1", "variant": "A", "outcome": 1.0})  # the last outcome of a user counts
    result = analyze(events)
    assert result.n_a == 150 and result.n_b == 150
    assert 0 <= result.interval_a[0] <= result.rate_a <= result.interval_a[1] <= 1
    assert result.still_needed is None or result.still_needed >= 0
