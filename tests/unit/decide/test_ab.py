"""An A/B verdict stays final (issue 28 point 3): once both variants reach the plan, the test reads
only the outcomes logged up to that point; later outcomes (of users already tested, and of users
beyond the plan) are kept apart, "after the plan". On SQLite and PostgreSQL alike."""

from __future__ import annotations

import math

import pytest

from hfcompare.decide.ab import AfterPlan, analyze, assign, plan, results, two_proportion_test


def users_of(variant: str, count: int, experiment: str = "exp", prefix: str = "user") -> list[str]:
    found, i = [], 0
    while len(found) < count:
        if assign(f"{prefix}-{i}", experiment) == variant:
            found.append(f"{prefix}-{i}")
        i += 1
    return found


def test_the_issues_verdict_stays_when_the_same_users_log_later_outcomes(make_store):
    """B 87/200 against A 61/200 (p = 0.007) at the plan; 15 of B's satisfied users then log an
    unsatisfied outcome, which re-read as their last would give 72/200 (p = 0.243)."""
    store = make_store()
    plan("exp", 200, split=0.5, store=store)
    a_users, b_users = users_of("A", 214), users_of("B", 205)
    tested_a, extra_a, tested_b, new_b = a_users[:200], a_users[200:210], b_users[:200], b_users[200:]
    same_instant = 1000.0          # every row at one timestamp: the order of logging decides
    for i in range(199):
        store.log_outcome("exp", tested_a[i], "A", float(i < 61), ts=same_instant)
        store.log_outcome("exp", tested_b[i], "B", float(i < 86), ts=same_instant)
    store.log_outcome("exp", tested_a[199], "A", 0.0, ts=same_instant)
    for user in extra_a:            # A already has its 200: these users are beyond the plan, untested
        store.log_outcome("exp", user, "A", 1.0, ts=same_instant)
    store.log_outcome("exp", tested_b[100], "A", 1.0, ts=same_instant)   # wrong variant: counts for B, flagged
    store.log_outcome("exp", tested_b[199], "B", 0.0, ts=same_instant)   # B's 200th user: the plan is reached
    at_plan = results("exp", store=store)
    assert (at_plan.status, at_plan.verdict) == ("complete", "a significant difference")
    assert (at_plan.n_a, at_plan.successes_a, at_plan.n_b, at_plan.successes_b) == (200, 61, 200, 87)
    assert at_plan.p_value == pytest.approx(0.007, abs=5e-4) and at_plan.mismatched_users == 1
    assert at_plan.outcomes_at_plan == len(store.outcomes("exp")) and at_plan.reached_at == same_instant
    assert at_plan.after_plan["A"] == AfterPlan(users=10, new_users=10, outcomes=10, satisfied=10)
    assert at_plan.after_plan["B"] == AfterPlan()

    for user in tested_b[:15]:      # later outcomes of users already counted, one of them backdated
        store.log_outcome("exp", user, "B", 0.0, ts=1.0 if user == tested_b[0] else same_instant + 60)
    for i, user in enumerate(new_b):  # users beyond the plan
        store.log_outcome("exp", user, "B", float(i < 2), ts=same_instant + 60)
    for user in tested_a[:4]:
        store.log_outcome("exp", user, "A", 1.0, ts=same_instant + 60)
    assert two_proportion_test(61, 200, 72, 200)[1] == pytest.approx(0.243, abs=5e-4)  # what re-reading would say

    later = results("exp", store=store)
    assert later.verdict == "a significant difference"
    assert (later.n_a, later.successes_a, later.n_b, later.successes_b) == (200, 61, 200, 87)
    assert (later.z, later.p_value, later.interval_a, later.interval_b) == (
        at_plan.z, at_plan.p_value, at_plan.interval_a, at_plan.interval_b)
    assert later.outcomes_at_plan == at_plan.outcomes_at_plan and later.reached_at == same_instant
    assert later.after_plan["B"] == AfterPlan(users=20, new_users=5, outcomes=20, satisfied=2)
    assert later.after_plan["A"] == AfterPlan(users=14, new_users=10, outcomes=14, satisfied=14)
    assert later.beyond_plan == 15 and later.mismatched_users == 1
    assert later == analyze(store.outcomes("exp"), "exp", planned_per_variant=200)


def test_the_plan_is_reached_by_the_event_that_gives_the_second_variant_its_last_planned_user():
    a, b = users_of("A", 4), users_of("B", 3)
    event = lambda user, outcome, variant=None: {"user_id": user, "variant": variant or assign(user, "exp"),
                                                  "outcome": outcome}
    events = [event(a[0], 0.0), event(a[1], 0.0), event(b[0], 0.0),
              event(a[2], 1.0),                       # A reaches 3 users; B has 1
              event(a[3], 1.0),                       # beyond the plan for A, before the plan is reached
              event(a[0], 1.0),                       # a tested user's later outcome before the plan: counts
              event(b[1], 1.0, variant="A"),          # B's second user, first logged under A: counted for B
              event(b[2], 1.0),                       # B's third user: the plan is reached here
              event(a[1], 1.0), event(b[0], 1.0)]     # after the plan
    result = analyze(events, "exp", planned_per_variant=3)
    assert result.status == "complete" and result.outcomes_at_plan == 8 and result.reached_at is None
    assert (result.successes_a, result.successes_b) == (2, 2)       # a0 (1 by then), a2; b1, b2
    assert result.after_plan == {"A": AfterPlan(users=2, new_users=1, outcomes=2, satisfied=2),
                                 "B": AfterPlan(users=1, new_users=0, outcomes=1, satisfied=1)}
    assert result.beyond_plan == 1 and result.mismatched_users == 1
    assert math.isclose(result.after_plan["A"].rate, 1.0) and math.isnan(AfterPlan().rate)


def test_before_the_plan_is_reached_every_outcome_counts_and_nothing_is_after_the_plan():
    a, b = users_of("A", 3), users_of("B", 1)
    events = [{"user_id": u, "variant": assign(u, "exp"), "outcome": 0.0} for u in a + b]
    events.append({"user_id": a[0], "variant": "A", "outcome": 1.0})
    for planned in (None, 2):
        result = analyze(events, "exp", planned_per_variant=planned)
        assert result.verdict is None and result.successes_a == 1 and result.n_a + result.n_b == 4
        assert result.after_plan == {} and result.outcomes_at_plan is None and result.beyond_plan == 0
