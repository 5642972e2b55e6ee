"""Ratings from blind pairwise votes: Bradley-Terry by maximum likelihood (with bootstrap
confidence intervals) and Elo, on the Elo scale (400 points = 10:1 odds).

A tie, and "both bad", count as half a win for each side, as Chatbot Arena counts ties.
Bradley-Terry is fitted with the minorization-maximization iteration of Hunter (2004), written
out here because it is a few lines and needs no solver; tests check it against a logistic
regression on the same battles.

When is a rating reported? The plain maximum-likelihood rating exists only when every model has
both taken and lost points against the others, directly or through other models (Hunter's
condition: the graph of "scored against" is strongly connected); a model that won every vote would
otherwise run off to infinity. The leaderboard therefore adds LEADERBOARD_PRIOR virtual ties to
every pair that met, in its own fit and in every bootstrap fit alike, so each interval is the
spread of the very estimate it surrounds. Models that never met, directly or through others, fall
into separate groups whose ratings cannot be compared; each group is rated on its own (mean BASE).
A model with fewer than MIN_VOTES votes is counted but not rated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SCALE = 400.0
BASE = 1000.0
ELO_K = 4.0
#: Virtual ties per pair that met, in the leaderboard's fit and its bootstrap fits alike: small
#: beside a few dozen votes, enough to keep a model that won (or lost) every game finite.
LEADERBOARD_PRIOR = 1.0
#: Votes a model needs before the leaderboard shows a rating for it (fewer: counts only).
MIN_VOTES = 5
OUTCOMES = {"a": 1.0, "b": 0.0, "tie": 0.5, "both_bad": 0.5}


class RatingError(ValueError):
    """Ratings that the votes do not determine; the message says which models and why."""


@dataclass(frozen=True)
class Battle:
    model_a: str
    model_b: str
    winner: str   # "a", "b", "tie" or "both_bad"


def independent_votes(votes: list[dict]) -> list[dict]:
    """One vote per battle: a battle repeated with the same prompt and the same two models (in either
    order) shows the same answers, since battles are deterministic (greedy answers, exact search),
    so a second vote on it is not a new independent judgement. The latest vote on each battle counts,
    in the order the battles were first judged."""
    latest: dict[tuple, dict] = {}
    for vote in votes:
        key = (vote.get("arena"), vote.get("prompt"), frozenset((vote["model_a"], vote["model_b"])))
        if key in latest:
            latest[key] = vote | {"_first": latest[key]["_first"]}
        else:
            latest[key] = vote | {"_first": len(latest)}
    return [{k: v for k, v in vote.items() if k != "_first"} for vote in sorted(latest.values(),
                                                                               key=lambda v: v["_first"])]


def models_in(battles: list[Battle]) -> list[str]:
    return sorted({b.model_a for b in battles} | {b.model_b for b in battles})


def _wins(battles: list[Battle], index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(wins[i, j] = points i scored against j, games[i, j] = battles between i and j)."""
    n = len(index)
    wins, games = np.zeros((n, n)), np.zeros((n, n))
    for b in battles:
        i, j, score = index[b.model_a], index[b.model_b], OUTCOMES[b.winner]
        wins[i, j] += score
        wins[j, i] += 1.0 - score
        games[i, j] += 1
        games[j, i] += 1
    return wins, games


def comparison_groups(battles: list[Battle]) -> list[list[str]]:
    """Models linked by votes, directly or through other models (largest group first). Ratings in
    different groups are on unrelated scales."""
    from scipy.sparse.csgraph import connected_components

    models = models_in(battles)
    if not models:
        return []
    _, games = _wins(battles, {m: i for i, m in enumerate(models)})
    _, labels = connected_components(games > 0, directed=False)
    groups = [[m for m, label in zip(models, labels) if label == g] for g in sorted(set(labels))]
    return sorted(groups, key=lambda g: (-len(g), g))


def unbounded(battles: list[Battle]) -> dict[str, str]:
    """Models whose maximum-likelihood rating is infinite on their own account: "above" for a model
    that won every one of its votes (any finite rating is a lower bound), "below" for one that lost
    every one (an upper bound). A tie is half a loss, so it bounds the rating."""
    out: dict[str, str] = {}
    for model in models_in(battles):
        scores = [OUTCOMES[b.winner] if b.model_a == model else 1.0 - OUTCOMES[b.winner]
                  for b in battles if model in (b.model_a, b.model_b)]
        if all(score == 1.0 for score in scores):
            out[model] = "above"
        elif all(score == 0.0 for score in scores):
            out[model] = "below"
    return out


def _finite_likelihood(battles: list[Battle]) -> bool:
    """Hunter's condition for a finite maximum-likelihood estimate: in every split of the models
    into two sets, each set took points from the other (the "scored against" graph is strongly
    connected)."""
    from scipy.sparse.csgraph import connected_components

    models = models_in(battles)
    wins, _ = _wins(battles, {m: i for i, m in enumerate(models)})
    count, _ = connected_components(wins > 0, directed=True, connection="strong")
    return count == 1


def _fit(wins: np.ndarray, games: np.ndarray, iterations: int, tolerance: float) -> np.ndarray:
    """Ratings (mean BASE) of one connected group from its points and games matrices."""
    strength = np.ones(len(wins))
    total_wins = wins.sum(axis=1)
    for _ in range(iterations):
        denominator = (games / (strength[:, None] + strength[None, :])).sum(axis=1)
        updated = np.where(denominator > 0, total_wins / np.where(denominator > 0, denominator, 1), strength)
        updated = np.clip(updated, 1e-300, None)
        updated /= math.exp(np.mean(np.log(updated)))  # fix the scale: geometric mean 1
        if np.max(np.abs(np.log(updated) - np.log(strength))) < tolerance:
            strength = updated
            break
        strength = updated
    ratings = SCALE * np.log10(strength)
    return ratings + BASE - ratings.mean()


def _rate_groups(battles: list[Battle], models: list[str], groups: list[list[str]], met: np.ndarray,
                 prior: float, iterations: int = 10_000, tolerance: float = 1e-10) -> dict[str, float]:
    """Each group rated on its own; `prior` virtual ties are added to every pair in `met` (the
    pairs that met in the votes the leaderboard shows, also when fitting a resample of them)."""
    index = {m: i for i, m in enumerate(models)}
    wins, games = _wins(battles, index)
    wins, games = wins + prior * 0.5 * met, games + prior * met
    out: dict[str, float] = {}
    for group in groups:
        members = [index[m] for m in group]
        ratings = _fit(wins[np.ix_(members, members)], games[np.ix_(members, members)], iterations, tolerance)
        out.update(zip(group, ratings.tolist()))
    return out


def _met(battles: list[Battle], models: list[str]) -> np.ndarray:
    _, games = _wins(battles, {m: i for i, m in enumerate(models)})
    return (games > 0).astype(float)


def bradley_terry(battles: list[Battle], iterations: int = 10_000, tolerance: float = 1e-10,
                  prior: float = 0.0) -> dict[str, float]:
    """Bradley-Terry ratings on the Elo scale (mean BASE): maximum likelihood with `prior` = 0,
    else with that many virtual ties added between every pair that met.

    Raises RatingError when the ratings are not determined: some models never met, directly or
    through others (their relative ratings would be arbitrary; see comparison_groups), or, with no
    prior, a model won or lost every point against the rest (its rating would be infinite)."""
    models = models_in(battles)
    if not models:
        return {}
    groups = comparison_groups(battles)
    if len(groups) > 1:
        raise RatingError("These groups of models never met, directly or through other models, so their ratings "
                          "cannot be compared: " + "; ".join(", ".join(g) for g in groups) + ".")
    if prior <= 0 and not _finite_likelihood(battles):
        loose = unbounded(battles)
        named = [f"{m} {'won' if side == 'above' else 'lost'} every vote" for m, side in loose.items()]
        raise RatingError("No finite maximum-likelihood rating: "
                          + ("; ".join(named) if named else "a group of models never lost a point to the rest")
                          + ". Use a prior (virtual ties) to keep the ratings finite.")
    return _rate_groups(battles, models, groups, _met(battles, models), prior, iterations, tolerance)


def bootstrap_ratings(battles: list[Battle], rounds: int = 200, seed: int = 0,
                      prior: float = LEADERBOARD_PRIOR) -> dict[str, list[float]]:
    """Bradley-Terry ratings over `rounds` resamples of the battles (with replacement), each fitted
    with the same `prior` on the same pairs (those that met in `battles`) and the same groups as the
    estimate. Round k of every model comes from the same resample, so the lists are paired."""
    rng = np.random.default_rng(seed)
    models = models_in(battles)
    groups, met = comparison_groups(battles), _met(battles, models)
    samples: dict[str, list[float]] = {m: [] for m in models}
    for _ in range(rounds):
        drawn = [battles[i] for i in rng.integers(0, len(battles), size=len(battles))]
        for m, rating in _rate_groups(drawn, models, groups, met, prior).items():
            samples[m].append(rating)
    return samples


def bootstrap_intervals(battles: list[Battle], rounds: int = 200, confidence: float = 0.95, seed: int = 0,
                        prior: float = LEADERBOARD_PRIOR) -> dict[str, tuple[float, float]]:
    """Percentile intervals of the Bradley-Terry ratings of `bootstrap_ratings`."""
    samples = bootstrap_ratings(battles, rounds, seed, prior)
    tail = (1 - confidence) / 2 * 100
    return {m: (float(np.percentile(v, tail)), float(np.percentile(v, 100 - tail))) if v else (math.nan, math.nan)
            for m, v in samples.items()}


def elo(battles: list[Battle], k: float = ELO_K, base: float = BASE) -> dict[str, float]:
    """Online Elo over the battles in the order given."""
    ratings: dict[str, float] = {}
    for b in battles:
        ra, rb = ratings.setdefault(b.model_a, base), ratings.setdefault(b.model_b, base)
        expected_a = 1 / (1 + 10 ** ((rb - ra) / SCALE))
        score = OUTCOMES[b.winner]
        ratings[b.model_a] = ra + k * (score - expected_a)
        ratings[b.model_b] = rb - k * (score - expected_a)
    return ratings


@dataclass(frozen=True)
class Rating:
    """One rated model: its Bradley-Terry rating, 95% interval and bootstrap replicates (paired across
    models round by round), its comparison group and its votes."""

    rating: float
    low: float
    high: float
    samples: tuple[float, ...]
    group: int
    votes: int


def ratings(battles: list[Battle], rounds: int = 200, seed: int = 0, prior: float = LEADERBOARD_PRIOR,
            min_votes: int = MIN_VOTES) -> dict[str, Rating]:
    """The leaderboard's ratings as measurements: every model with at least `min_votes` votes (the
    same fit, prior and bootstrap as `leaderboard`). Ratings in different groups are not comparable."""
    if not battles:
        return {}
    groups = comparison_groups(battles)
    models = models_in(battles)
    fitted = _rate_groups(battles, models, groups, _met(battles, models), prior)
    replicates = bootstrap_ratings(battles, rounds, seed, prior)
    loose = unbounded(battles)
    out = {}
    for n, group in enumerate(groups):
        for model in group:
            votes = sum(1 for b in battles if model in (b.model_a, b.model_b))
            if votes < min_votes:
                continue
            low, high = (float(np.percentile(replicates[model], q)) for q in (2.5, 97.5))
            low = -math.inf if loose.get(model) == "below" else low
            high = math.inf if loose.get(model) == "above" else high
            out[model] = Rating(float(fitted[model]), low, high, tuple(replicates[model]), n + 1, votes)
    return out


LEADERBOARD_COLUMNS = ["rank", "model", "rating", "low", "high", "elo", "battles", "wins", "ties", "losses",
                       "win rate", "group", "note"]


def leaderboard(battles: list[Battle], rounds: int = 200, seed: int = 0, prior: float = LEADERBOARD_PRIOR,
                min_votes: int = MIN_VOTES):
    """One row per model: Bradley-Terry rating with its bootstrap interval (one prior for both),
    Elo, battles, wins, ties, losses, its comparison group (1 is the largest) and a note.

    A model with fewer than `min_votes` votes has counts but no rating, interval, Elo or rank. A
    model that won every vote gets high = +inf (its rating is a lower bound); one that lost every
    vote gets low = -inf (an upper bound). Ranks run within a group: ratings in different groups
    are not comparable."""
    import pandas as pd

    if not battles:
        return pd.DataFrame(columns=LEADERBOARD_COLUMNS)
    groups = comparison_groups(battles)
    models = models_in(battles)
    ratings = _rate_groups(battles, models, groups, _met(battles, models), prior)
    intervals = bootstrap_intervals(battles, rounds=rounds, seed=seed, prior=prior)
    online = elo(battles)
    loose = unbounded(battles)
    group_of = {m: n + 1 for n, group in enumerate(groups) for m in group}
    rows = []
    for model in models:
        mine = [b for b in battles if model in (b.model_a, b.model_b)]
        won = sum(1 for b in mine if (b.winner == "a") == (b.model_a == model) and b.winner in ("a", "b"))
        tied = sum(1 for b in mine if b.winner in ("tie", "both_bad"))
        row = {"model": model, "battles": len(mine), "wins": won, "ties": tied, "losses": len(mine) - won - tied,
               "win rate": won / len(mine), "group": group_of[model], "note": ""}
        if len(mine) < min_votes:
            row.update(rating=math.nan, low=math.nan, high=math.nan, elo=math.nan,
                       note=f"not enough votes to rate ({len(mine)} of {min_votes})")
        else:
            low, high = intervals[model]
            if loose.get(model) == "above":
                high, row["note"] = math.inf, "won every vote: the rating is a lower bound"
            elif loose.get(model) == "below":
                low, row["note"] = -math.inf, "lost every vote: the rating is an upper bound"
            row.update(rating=ratings[model], low=low, high=high, elo=online[model])
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["rated"] = frame["rating"].notna()
    frame = frame.sort_values(["group", "rated", "rating", "battles"], ascending=[True, False, False, False],
                              kind="stable").reset_index(drop=True)
    frame["rank"] = (frame[frame["rated"]].groupby("group").cumcount() + 1).astype("Int64")
    return frame[LEADERBOARD_COLUMNS]


def _points(value: float) -> str:
    if math.isnan(value):
        return ""
    return "∞" if value == math.inf else "−∞" if value == -math.inf else f"{value:.0f}"


def leaderboard_view(table):
    """The leaderboard as people read it: ratings, intervals and Elo as whole points ("∞" for no
    limit), a blank where a model is not rated (its note says why), the interval in one column,
    and the group only when there is more than one."""
    view = table.copy()
    rated = view["rating"].notna()
    view["rank"] = [str(int(r)) if ok else "" for r, ok in zip(view["rank"], rated)]
    view["95% interval"] = [f"{_points(lo)} to {_points(hi)}" if ok else "" for lo, hi, ok
                            in zip(view["low"], view["high"], rated)]
    for column in ("rating", "elo"):
        view[column] = [_points(v) for v in view[column]]
    view = view.rename(columns={"battles": "votes"})
    columns = ["rank", "model", "rating", "95% interval", "note", "votes", "wins", "ties", "losses", "win rate",
               "elo"] + (["group"] if view["group"].nunique() > 1 else [])
    return view[columns]
