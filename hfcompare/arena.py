"""Ratings from blind pairwise votes: Bradley-Terry by maximum likelihood (with bootstrap
confidence intervals) and Elo, on the Elo scale (400 points = 10:1 odds).

A tie, and "both bad", count as half a win for each side, as Chatbot Arena counts ties.
Bradley-Terry is fitted with the minorization-maximization iteration of Hunter (2004), written
out here because it is a few lines and needs no solver; tests check it against a logistic
regression on the same battles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SCALE = 400.0
BASE = 1000.0
ELO_K = 4.0
#: Virtual ties per pair in the leaderboard's fit: small enough not to move well-measured ratings,
#: enough to keep a model that won (or lost) every game finite.
LEADERBOARD_PRIOR = 0.1
OUTCOMES = {"a": 1.0, "b": 0.0, "tie": 0.5, "both_bad": 0.5}


@dataclass(frozen=True)
class Battle:
    model_a: str
    model_b: str
    winner: str   # "a", "b", "tie" or "both_bad"


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


def bradley_terry(battles: list[Battle], iterations: int = 10_000, tolerance: float = 1e-10,
                  prior: float = 0.0) -> dict[str, float]:
    """Maximum-likelihood Bradley-Terry ratings on the Elo scale (mean BASE).

    `prior` adds that many virtual ties between every pair that met, which keeps ratings finite
    when a model won or lost every game (0 for the plain maximum-likelihood estimate).
    """
    models = models_in(battles)
    if not models:
        return {}
    index = {m: i for i, m in enumerate(models)}
    wins, games = _wins(battles, index)
    if prior:
        met = games > 0
        wins, games = wins + prior * 0.5 * met, games + prior * met
    strength = np.ones(len(models))
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
    ratings += BASE - ratings.mean()
    return dict(zip(models, ratings.tolist()))


def bootstrap_intervals(battles: list[Battle], rounds: int = 200, confidence: float = 0.95, seed: int = 0,
                        prior: float = 1.0) -> dict[str, tuple[float, float]]:
    """Percentile intervals of Bradley-Terry ratings over battles resampled with replacement
    (each resample fitted with a light prior, so a sample of only wins stays finite)."""
    rng = np.random.default_rng(seed)
    models = models_in(battles)
    samples = {m: [] for m in models}
    for _ in range(rounds):
        drawn = [battles[i] for i in rng.integers(0, len(battles), size=len(battles))]
        fitted = bradley_terry(drawn, prior=prior)
        for m in models:
            if m in fitted:
                samples[m].append(fitted[m])
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


def leaderboard(battles: list[Battle], rounds: int = 200, seed: int = 0):
    """One row per model: Bradley-Terry rating with its interval, Elo, battles, wins, ties, losses."""
    import pandas as pd

    if not battles:
        return pd.DataFrame(columns=["rank", "model", "rating", "low", "high", "elo", "battles", "wins", "ties",
                                     "losses", "win rate"])
    ratings = bradley_terry(battles, prior=LEADERBOARD_PRIOR)
    intervals = bootstrap_intervals(battles, rounds=rounds, seed=seed)
    online = elo(battles)
    rows = []
    for model in models_in(battles):
        mine = [b for b in battles if model in (b.model_a, b.model_b)]
        won = sum(1 for b in mine if (b.winner == "a") == (b.model_a == model) and b.winner in ("a", "b"))
        tied = sum(1 for b in mine if b.winner in ("tie", "both_bad"))
        rows.append({"model": model, "rating": ratings[model], "low": intervals[model][0],
                     "high": intervals[model][1], "elo": online[model], "battles": len(mine), "wins": won,
                     "ties": tied, "losses": len(mine) - won - tied, "win rate": won / len(mine)})
    frame = pd.DataFrame(rows).sort_values("rating", ascending=False).reset_index(drop=True)
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame
