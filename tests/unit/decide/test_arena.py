"""Rating math against independent references: Bradley-Terry against a logistic regression
(scikit-learn) on the same battles; Elo against a hand-worked update; when a rating is reported
(one prior, intervals that contain their rating, enough votes, groups that never met); the A/B
statistics (each user once by assigned variant, a test only at the planned size)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfcompare.decide.ab import analyze, assign, log_outcome, plan, sample_size, two_proportion_test
from hfcompare.decide.arena import (
    LEADERBOARD_PRIOR,
    MIN_VOTES,
    SCALE,
    Battle,
    RatingError,
    bootstrap_intervals,
    bradley_terry,
    comparison_groups,
    elo,
    leaderboard,
    leaderboard_view,
)
from hfcompare.storage.store import Store


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


def test_bootstrap_intervals_cover_the_estimate_at_the_leaderboards_prior_and_shrink_with_data():
    battles = random_battles(n=800)
    point = bradley_terry(battles, prior=LEADERBOARD_PRIOR)
    wide = bootstrap_intervals(battles[:100], rounds=100)
    narrow = bootstrap_intervals(battles, rounds=100)
    for model, (low, high) in narrow.items():
        assert low <= point[model] <= high
        assert (high - low) < (wide[model][1] - wide[model][0])
    table = leaderboard(battles, rounds=100).set_index("model")
    for model, (low, high) in narrow.items():
        assert table.loc[model, "rating"] == pytest.approx(point[model])
        assert (table.loc[model, "low"], table.loc[model, "high"]) == pytest.approx((low, high))
    for seed in range(8):  # a dozen votes, where the prior matters (a bootstrap at another prior missed these)
        sparse = leaderboard(random_battles(seed=seed, n=12), rounds=100, min_votes=1)
        assert ((sparse["low"] <= sparse["rating"]) & (sparse["rating"] <= sparse["high"])).all()


def test_the_issues_example_rates_inside_its_own_intervals():
    # A>B 8 times, B>A 2, B>C 3: the old leaderboard gave B 1159 with 912-1113 and C 445 with 557-836
    battles = [Battle("A", "B", "a")] * 8 + [Battle("A", "B", "b")] * 2 + [Battle("B", "C", "a")] * 3
    table = leaderboard(battles, min_votes=1).set_index("model")
    for model, row in table.iterrows():
        assert row["low"] <= row["rating"] <= row["high"], model
    assert table.loc["C", "low"] == -math.inf and "lost every vote" in table.loc["C", "note"]
    assert list(table.index) == ["A", "B", "C"]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.sampled_from(["a", "b", "tie", "both_bad"])),
                min_size=1, max_size=30))
def test_every_interval_contains_its_rating(raw):
    battles = [Battle(f"m{i}", f"m{j}", winner) for i, j, winner in raw if i != j]
    if not battles:
        return
    table = leaderboard(battles, rounds=40, min_votes=1)
    assert table["rating"].notna().all()
    assert ((table["low"] <= table["rating"]) & (table["rating"] <= table["high"])).all()


def test_one_vote_is_not_enough_to_rate():
    table = leaderboard([Battle("A", "B", "a")])
    assert table["rating"].isna().all() and table["low"].isna().all() and table["elo"].isna().all()
    assert table["rank"].isna().all() and list(table["battles"]) == [1, 1] and list(table["wins"]) == [1, 0]
    assert all(note == f"not enough votes to rate (1 of {MIN_VOTES})" for note in table["note"])


def test_a_model_that_won_everything_is_finite_and_marked_a_lower_bound():
    battles = [Battle("best", "worst", "a")] * 5 + [Battle("mid", "worst", "a"), Battle("best", "mid", "a")]
    table = leaderboard(battles, rounds=50).set_index("model")
    assert table["rating"].idxmax() == "best" and np.isfinite(table.loc[["best", "worst"], "rating"]).all()
    assert table.loc["best", "high"] == math.inf and "won every vote" in table.loc["best", "note"]
    assert table.loc["worst", "low"] == -math.inf and table.loc["worst", "losses"] == 6
    assert math.isnan(table.loc["mid", "rating"]) and "not enough votes" in table.loc["mid", "note"]


def test_without_a_prior_an_unbeaten_model_is_named_instead_of_rated():
    battles = [Battle("A", "B", "a")] * 8 + [Battle("A", "B", "b")] * 2 + [Battle("B", "C", "a")] * 3
    with pytest.raises(RatingError, match="C lost every vote"):
        bradley_terry(battles)
    with pytest.raises(RatingError, match="group of models never lost"):   # A and B beat C and D, as a group
        bradley_terry([Battle("A", "B", "a"), Battle("B", "A", "a"), Battle("C", "D", "a"), Battle("D", "C", "a"),
                       Battle("A", "C", "a"), Battle("B", "D", "a")])


def test_models_that_never_met_are_rated_in_separate_groups():
    battles = ([Battle("A", "B", "a")] * 4 + [Battle("A", "B", "b")] * 2
               + [Battle("C", "D", "a")] * 3 + [Battle("C", "D", "b")] * 5 + [Battle("D", "E", "tie")] * 5)
    assert comparison_groups(battles) == [["C", "D", "E"], ["A", "B"]]
    with pytest.raises(RatingError, match="never met"):
        bradley_terry(battles, prior=LEADERBOARD_PRIOR)
    table = leaderboard(battles, rounds=50)
    assert list(table["group"]) == [1, 1, 1, 2, 2] and list(table["rank"]) == [1, 2, 3, 1, 2]
    assert list(table["model"]) == ["D", "E", "C", "A", "B"]
    for _, group in table.groupby("group"):   # each group on its own scale, mean 1000
        assert group["rating"].mean() == pytest.approx(1000)


def test_the_leaderboard_as_shown_has_no_number_where_there_is_no_rating():
    battles = ([Battle("best", "worst", "a")] * 5 + [Battle("mid", "worst", "a"), Battle("best", "mid", "a")]
               + [Battle("x", "y", "tie")] * 5)
    view = leaderboard_view(leaderboard(battles, rounds=50)).set_index("model")
    assert view.loc["best", "95% interval"].endswith(" to ∞")
    assert view.loc["worst", "95% interval"].startswith("−∞ to ")
    assert view.loc["mid", "rating"] == "" and view.loc["mid", "rank"] == "" and view.loc["mid", "elo"] == ""
    assert view.loc["best", "rank"] == "1" and view.loc["x", "rank"] == "1" and list(view["group"]) == [1, 1, 1, 2, 2]
    single = leaderboard_view(leaderboard([Battle("A", "B", "a")] * 6, rounds=20))
    assert "group" not in single.columns and list(single["votes"]) == [6, 6]


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
    users = [f"u{i}" for i in range(300)]
    events = [{"user_id": u, "variant": assign(u, "exp"), "outcome": 0.0} for u in users]
    result = analyze(events, "exp", planned_per_variant=100)
    assert result.status == "complete" and result.successes_a == result.successes_b == 0
    first_a = next(u for u in users if assign(u, "exp") == "A")
    events.insert(users.index(first_a) + 1,   # the last outcome of a user (before the plan is reached) counts
                  {"user_id": first_a, "variant": "A", "outcome": 1.0})
    result = analyze(events, "exp", planned_per_variant=100)
    assert result.successes_a == 1 and result.n_a == result.n_b == 100
    assert result.beyond_plan == 100 and result.mismatched_users == 0
    assert 0 <= result.interval_a[0] <= result.rate_a <= result.interval_a[1] <= 1


def test_a_user_logged_under_both_variants_counts_once_for_the_assigned_one():
    users = [f"u{i}" for i in range(40)]
    events = [{"user_id": u, "variant": assign(u, "exp"), "outcome": 1.0} for u in users]
    stray = users[0]
    other = "B" if assign(stray, "exp") == "A" else "A"
    events += [{"user_id": stray, "variant": other, "outcome": 0.0}] * 2
    result = analyze(events, "exp")
    assert result.n_a + result.n_b == len(users)
    assert result.mismatched_users == 1 and result.mismatched_outcomes == 2
    counted = result.successes_a if assign(stray, "exp") == "A" else result.successes_b
    assigned_users = sum(assign(u, "exp") == assign(stray, "exp") for u in users)
    assert counted == assigned_users - 1       # the stray's last outcome (0) counts, under its assigned variant


def test_the_test_is_run_only_at_the_planned_size():
    users = [f"u{i}" for i in range(400)]
    events = [{"user_id": u, "variant": assign(u, "exp"), "outcome": float(assign(u, "exp") == "A")} for u in users]
    unplanned = analyze(events, "exp")
    assert unplanned.status == "no plan" and math.isnan(unplanned.p_value) and not unplanned.significant()
    collecting = analyze(events, "exp", planned_per_variant=1000)
    assert collecting.status == "collecting" and math.isnan(collecting.p_value) and not collecting.significant()
    assert collecting.n_a + collecting.n_b == 400 and math.isnan(collecting.interval_a[0])
    done = analyze(events, "exp", planned_per_variant=150)
    assert done.status == "complete" and done.n_a == done.n_b == 150 and done.significant()
    assert done.p_value == pytest.approx(two_proportion_test(150, 150, 0, 150)[1])


def test_a_plan_is_fixed_once_and_sets_the_split(tmp_path):
    store = Store(tmp_path / "store.sqlite3")
    assert plan("exp", 200, split=0.3, store=store)["per_variant"] == 200
    assert plan("exp", 20, split=0.5, store=store)["per_variant"] == 200      # the horizon cannot move
    assert store.experiments() == ["exp"]
    variant = log_outcome("exp", "user-7", True, store=store)
    assert variant == assign("user-7", "exp", split=0.3)
    assert store.outcomes("exp")[0]["variant"] == variant
    with pytest.raises(ValueError):
        plan("other", 0, store=store)


def test_results_reads_the_plan_and_outcomes_and_gives_the_verdict_only_at_the_planned_size(tmp_path):
    from hfcompare.decide.ab import results

    store = Store(tmp_path / "store.sqlite3")
    for i in range(10):
        log_outcome("exp", f"u{i}", True, store=store)
    unplanned = results("exp", store=store)
    assert unplanned.status == "no plan" and unplanned.verdict is None and unplanned.n_a + unplanned.n_b == 10
    plan("exp", 20, split=0.5, store=store)
    assert results("exp", store=store).verdict is None                     # collecting
    users = [f"v{i}" for i in range(400)]
    for user in users:
        log_outcome("exp", user, assign(user, "exp") == "A", store=store)  # A always satisfied, B never
    done = results("exp", store=store)
    expected = analyze(store.outcomes("exp"), "exp", split=0.5, planned_per_variant=20)
    assert done == expected and done.status == "complete" and done.verdict == "a significant difference"


def test_a_repeated_battle_counts_once_with_its_latest_vote():
    """5 of a user's 8 votes were repeats of one cached battle (same prompt, same answers), each
    counted as a new vote; one battle is one independent judgement."""
    from hfcompare.decide.arena import independent_votes

    votes = [{"arena": "generation", "prompt": "Hi", "model_a": "x", "model_b": "y", "winner": "a"},
             *[{"arena": "generation", "prompt": "Hi", "model_a": "y", "model_b": "x", "winner": "b"}] * 4,
             {"arena": "generation", "prompt": "Yo", "model_a": "x", "model_b": "y", "winner": "tie"},
             {"arena": "retrieval", "prompt": "Hi", "model_a": "x", "model_b": "y", "winner": "b"},
             {"arena": "generation", "prompt": "Hi", "model_a": "x", "model_b": "z", "winner": "a"}]
    counted = independent_votes(votes)
    assert len(counted) == 4
    assert counted[0] == {"arena": "generation", "prompt": "Hi", "model_a": "y", "model_b": "x", "winner": "b"}
    assert [v["prompt"] for v in counted] == ["Hi", "Yo", "Hi", "Hi"]
