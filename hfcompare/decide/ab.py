"""Production A/B tests of two models (the brief's steps 2 and 3): deterministic assignment of
users to variants, a plan fixed in advance, logging outcomes, and one test at the planned size.

    from hfcompare.decide import ab
    ab.plan("support-bot-v2", per_variant=ab.sample_size(0.10, 0.12), split=0.5)   # once, before results
    variant = ab.assign(user_id, "support-bot-v2", split=0.5)     # "A" or "B", always the same
    ab.log_outcome("support-bot-v2", user_id, satisfied=True)      # counted for the assigned variant
    ab.results("support-bot-v2").verdict      # None until both variants reach the plan

The analysis counts each user once, under the variant `assign` gives them (their last outcome
counts), and flags outcomes logged under the other variant. The test is a fixed-horizon one: it
is run once, on the first `per_variant` users of each variant, when both have that many; before
then only counts are reported, since checking a running test again and again and stopping at
the first p < alpha finds a "difference" far more often than alpha. It is a two-sided
two-proportion z-test (pooled) with Wilson intervals per variant, from scipy; the sample size is
the usual normal-approximation formula for a given power.

The verdict is final. The plan is reached by the outcome that gives the second variant its
`per_variant`-th user, and the test reads only the outcomes logged up to and including that one:
each tested user's last outcome *by then*. Outcomes logged afterwards (by users already tested,
or by users who came after their variant had its planned users) are kept and summarized apart
per variant (`ABResult.after_plan`), never mixed into the tested counts, so they cannot turn the
verdict around and reopen the repeated looking the fixed horizon prevents. "Logged up to" is the
order of logging (the store's row number, which `Store.outcomes` returns in order), not the
timestamps: outcomes logged at the same instant keep one order on SQLite and PostgreSQL alike, and
a row logged later with an earlier timestamp cannot reach back into the test.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

VARIANTS = ("A", "B")
ALPHA = 0.05
POWER = 0.8


def assign(user_id: str, experiment: str, split: float = 0.5, variants: tuple[str, str] = VARIANTS) -> str:
    """The variant of `user_id` in `experiment`: the first variant for a share `split` of users.
    Deterministic (a hash of experiment and user), so a user always sees the same model."""
    if not 0.0 <= split <= 1.0:
        raise ValueError(f"split must lie between 0 and 1, not {split}")
    digest = hashlib.sha256(f"{experiment}\x1f{user_id}".encode("utf-8")).digest()
    position = int.from_bytes(digest[:8], "big") / 2**64
    return variants[0] if position < split else variants[1]


def plan(experiment: str, per_variant: int, split: float = 0.5, alpha: float = ALPHA, store=None) -> dict:
    """Fix, before reading any result, the users per variant at which the test is run and the split
    users are assigned by. A plan cannot be changed once made (the earlier one is returned), so the
    horizon cannot move after a look at the data."""
    from hfcompare.storage.store import shared_store

    if int(per_variant) < 1:
        raise ValueError(f"the plan needs at least one user per variant, not {per_variant}")
    if not 0.0 < split < 1.0:
        raise ValueError(f"split must lie strictly between 0 and 1, not {split}")
    return (store or shared_store()).plan_experiment(experiment, split, int(per_variant), alpha)


def log_outcome(experiment: str, user_id: str, satisfied: bool, variant: str | None = None,
                split: float | None = None, store=None) -> str:
    """Record whether a user was satisfied (or converted) under `variant` (by default the assigned
    one, at the plan's split, else `split`, else 0.5); returns the variant the outcome counts for,
    which is always the assigned one."""
    from hfcompare.storage.store import shared_store

    target = store or shared_store()
    fixed = target.experiment_plan(experiment)
    split = fixed["split"] if fixed else (0.5 if split is None else split)
    assigned = assign(user_id, experiment, split)
    target.log_outcome(experiment, user_id, variant or assigned, 1.0 if satisfied else 0.0)
    return assigned


@dataclass(frozen=True)
class AfterPlan:
    """One variant's outcomes that the test does not use (status "complete" only): those logged after
    the plan was reached, and every outcome of users who came after their variant had its planned
    users. Shown apart, as "after the plan", never part of the test."""

    users: int = 0        # users with such outcomes, each once, under the variant assigned to them
    new_users: int = 0    # of those, users who are not in the test at all
    outcomes: int = 0     # the outcomes themselves
    satisfied: int = 0    # users among `users` whose latest outcome is satisfied

    @property
    def rate(self) -> float:
        return self.satisfied / self.users if self.users else math.nan


@dataclass
class ABResult:
    """Users (each once, by assigned variant) and satisfied users per variant, and what they say.

    While the plan is not reached (or there is none) the counts are every user so far, and the test
    and the intervals are not computed (nan); once both variants reach it, the counts, intervals and
    test are those of the first `planned_per_variant` users of each variant, with the outcomes logged
    until the plan was reached, and stay so: later outcomes go to `after_plan`."""

    n_a: int
    successes_a: int
    n_b: int
    successes_b: int
    z: float
    p_value: float
    interval_a: tuple[float, float]
    interval_b: tuple[float, float]
    planned_per_variant: int | None = None
    alpha: float = ALPHA
    mismatched_users: int = 0      # users with an outcome logged under a variant they were not assigned
    mismatched_outcomes: int = 0   # those outcomes
    beyond_plan: int = 0           # users who arrived after their variant reached the plan (not tested)
    outcomes_at_plan: int | None = None   # outcomes logged up to the one that reached the plan (what the test read)
    reached_at: float | None = None       # the timestamp of that outcome, when the events carry one
    after_plan: dict[str, AfterPlan] = field(default_factory=dict)   # per variant, apart from the test

    @property
    def rate_a(self) -> float:
        return self.successes_a / self.n_a if self.n_a else math.nan

    @property
    def rate_b(self) -> float:
        return self.successes_b / self.n_b if self.n_b else math.nan

    @property
    def status(self) -> str:
        """"no plan", "collecting" (the plan is not reached) or "complete" (the test was run)."""
        if self.planned_per_variant is None:
            return "no plan"
        return "complete" if min(self.n_a, self.n_b) >= self.planned_per_variant else "collecting"

    def significant(self) -> bool:
        """A difference, called only at the planned size."""
        return self.status == "complete" and self.p_value < self.alpha

    @property
    def verdict(self) -> str | None:
        """"a significant difference" or "no significant difference" at the planned size; None before
        (no plan, or still collecting)."""
        if self.status != "complete":
            return None
        return "a significant difference" if self.significant() else "no significant difference"


def results(experiment: str, store=None) -> ABResult:
    """An experiment's result as logged: its outcomes from the store, analyzed by its fixed plan
    (split, users per variant, alpha) when it has one; without a plan, counts only (status "no plan")."""
    from hfcompare.storage.store import shared_store

    target = store or shared_store()
    fixed = target.experiment_plan(experiment)
    return analyze(target.outcomes(experiment), experiment, split=fixed["split"] if fixed else 0.5,
                   planned_per_variant=fixed["per_variant"] if fixed else None,
                   alpha=fixed["alpha"] if fixed else ALPHA)


def two_proportion_test(successes_a: int, n_a: int, successes_b: int, n_b: int) -> tuple[float, float]:
    """(z, two-sided p) of the pooled two-proportion z-test."""
    from scipy.stats import norm

    if n_a == 0 or n_b == 0:
        return math.nan, math.nan
    pooled = (successes_a + successes_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if spread == 0:
        return 0.0, 1.0
    z = (successes_a / n_a - successes_b / n_b) / spread
    return z, float(2 * norm.sf(abs(z)))


def sample_size(rate_a: float, rate_b: float, alpha: float = ALPHA, power: float = POWER) -> int | None:
    """Users per variant to detect rate_a vs rate_b (two-sided), or None when they are equal."""
    from scipy.stats import norm

    if rate_a == rate_b or not (0 <= rate_a <= 1 and 0 <= rate_b <= 1):
        return None
    z_alpha, z_power = norm.ppf(1 - alpha / 2), norm.ppf(power)
    average = (rate_a + rate_b) / 2
    numerator = (z_alpha * math.sqrt(2 * average * (1 - average))
                 + z_power * math.sqrt(rate_a * (1 - rate_a) + rate_b * (1 - rate_b))) ** 2
    return math.ceil(numerator / (rate_a - rate_b) ** 2)


def _wilson(successes: int, n: int) -> tuple[float, float]:
    from scipy.stats import binomtest

    if n == 0:
        return math.nan, math.nan
    interval = binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    return float(interval.low), float(interval.high)


def analyze(events: list[dict], experiment: str, split: float = 0.5, planned_per_variant: int | None = None,
            alpha: float = ALPHA, variants: tuple[str, str] = VARIANTS) -> ABResult:
    """The A/B result from logged events (`user_id`, `variant`, `outcome`, optionally `ts`), in the
    order they were logged (`Store.outcomes` returns them so).

    Each user counts once, for the variant `assign(user_id, experiment, split)` gives them, with
    their last outcome; events logged under another variant are counted as mismatches. Users enter
    in the order of their first event. With a plan, the plan is reached at the event that gives the
    second variant its `planned_per_variant`-th user; the test is run on the first
    `planned_per_variant` users of each variant, each with their last outcome up to that event, and
    every later event (and every event of a user beyond the plan) is summarized in `after_plan`."""
    assigned: dict[str, str] = {}
    arrivals: dict[str, list[str]] = {v: [] for v in variants}
    mismatched_users: set[str] = set()
    mismatched_outcomes = 0
    reached: int | None = None     # the index of the event that reached the plan
    for index, event in enumerate(events):
        user = event["user_id"]
        if user not in assigned:
            assigned[user] = assign(user, experiment, split, variants)
            arrivals[assigned[user]].append(user)
            if (reached is None and planned_per_variant is not None
                    and min(len(u) for u in arrivals.values()) >= planned_per_variant):
                reached = index
        if event["variant"] != assigned[user]:
            mismatched_users.add(user)
            mismatched_outcomes += 1
    complete = reached is not None
    tested_events = events if reached is None else events[:reached + 1]
    if complete:
        arrivals = {v: u[:planned_per_variant] for v, u in arrivals.items()}
    tested = {user for users in arrivals.values() for user in users}
    last: dict[str, float] = {}
    for event in tested_events:
        if event["user_id"] in tested:
            last[event["user_id"]] = event["outcome"]
    (n_a, s_a), (n_b, s_b) = ((len(arrivals[v]), sum(int(last[u] >= 0.5) for u in arrivals[v])) for v in variants)
    if complete:
        z, p = two_proportion_test(s_a, n_a, s_b, n_b)
        intervals = _wilson(s_a, n_a), _wilson(s_b, n_b)
        reached_at = events[reached].get("ts")
        after = _after_plan(events, reached, tested, assigned, variants)
    else:
        z, p, intervals = math.nan, math.nan, ((math.nan, math.nan), (math.nan, math.nan))
        reached_at, after = None, {}
    return ABResult(n_a, s_a, n_b, s_b, z, p, *intervals, planned_per_variant, alpha, len(mismatched_users),
                    mismatched_outcomes, len(assigned) - len(tested) if complete else 0,
                    None if reached is None else reached + 1, reached_at, after)


def _after_plan(events: list[dict], reached: int, tested: set[str], assigned: dict[str, str],
                variants: tuple[str, str]) -> dict[str, AfterPlan]:
    """Per variant, the events the test did not read: after the one at `reached`, and every event
    of a user outside `tested`; each user once, under the assigned variant, with the latest outcome."""
    latest: dict[str, float] = {}
    counts = {v: 0 for v in variants}
    for index, event in enumerate(events):
        user = event["user_id"]
        if index > reached or user not in tested:
            latest[user] = event["outcome"]
            counts[assigned[user]] += 1
    return {v: AfterPlan(users=sum(assigned[u] == v for u in latest),
                         new_users=sum(assigned[u] == v and u not in tested for u in latest),
                         outcomes=counts[v],
                         satisfied=sum(assigned[u] == v and latest[u] >= 0.5 for u in latest))
            for v in variants}
