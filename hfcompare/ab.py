"""Production A/B tests of two models (the brief's steps 2 and 3): deterministic assignment of
users to variants, logging outcomes, and the significance of the difference.

    from hfcompare import ab
    variant = ab.assign(user_id, "support-bot-v2", split=0.5)     # "A" or "B", always the same
    ab.log_outcome("support-bot-v2", user_id, satisfied=True)      # variant looked up again

The test is a two-sided two-proportion z-test (pooled), with Wilson intervals per variant, both
from scipy; the sample size still needed is the usual normal-approximation formula for 80% power.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

VARIANTS = ("A", "B")


def assign(user_id: str, experiment: str, split: float = 0.5, variants: tuple[str, str] = VARIANTS) -> str:
    """The variant of `user_id` in `experiment`: the first variant for a share `split` of users.
    Deterministic (a hash of experiment and user), so a user always sees the same model."""
    if not 0.0 <= split <= 1.0:
        raise ValueError(f"split must lie between 0 and 1, not {split}")
    digest = hashlib.sha256(f"{experiment}\x1f{user_id}".encode("utf-8")).digest()
    position = int.from_bytes(digest[:8], "big") / 2**64
    return variants[0] if position < split else variants[1]


def log_outcome(experiment: str, user_id: str, satisfied: bool, variant: str | None = None,
                split: float = 0.5, store=None) -> str:
    """Record whether a user was satisfied (or converted); returns the variant it counts for."""
    from hfcompare.store import Store

    variant = variant or assign(user_id, experiment, split)
    target = store or Store()
    try:
        target.log_outcome(experiment, user_id, variant, 1.0 if satisfied else 0.0)
    finally:
        if store is None:
            target.close()
    return variant


@dataclass
class ABResult:
    """Successes and users per variant, and what they say."""

    n_a: int
    successes_a: int
    n_b: int
    successes_b: int
    z: float
    p_value: float
    interval_a: tuple[float, float]
    interval_b: tuple[float, float]
    needed_per_variant: int | None    # users per variant for 80% power at the observed rates

    @property
    def rate_a(self) -> float:
        return self.successes_a / self.n_a if self.n_a else math.nan

    @property
    def rate_b(self) -> float:
        return self.successes_b / self.n_b if self.n_b else math.nan

    @property
    def still_needed(self) -> int | None:
        """More users per variant before a difference this size could be called (0 when enough)."""
        if self.needed_per_variant is None:
            return None
        return max(0, self.needed_per_variant - min(self.n_a, self.n_b))

    def significant(self, alpha: float = 0.05) -> bool:
        return self.p_value < alpha


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


def sample_size(rate_a: float, rate_b: float, alpha: float = 0.05, power: float = 0.8) -> int | None:
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


def analyze(events: list[dict], variants: tuple[str, str] = VARIANTS) -> ABResult:
    """The A/B result from logged events (`variant`, `outcome`); a user's last outcome counts."""
    last: dict[tuple[str, str], float] = {}
    for event in events:
        last[(event["user_id"], event["variant"])] = event["outcome"]
    counts = {v: [0, 0] for v in variants}
    for (_, variant), outcome in last.items():
        if variant in counts:
            counts[variant][0] += 1
            counts[variant][1] += int(outcome >= 0.5)
    (n_a, s_a), (n_b, s_b) = counts[variants[0]], counts[variants[1]]
    z, p = two_proportion_test(s_a, n_a, s_b, n_b)
    needed = sample_size(s_a / n_a, s_b / n_b) if n_a and n_b else None
    return ABResult(n_a, s_a, n_b, s_b, z, p, _wilson(s_a, n_a), _wilson(s_b, n_b), needed)
