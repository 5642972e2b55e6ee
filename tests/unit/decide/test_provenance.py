"""One set of numbers (issue 26, points 3 and 4): measurements carry their provenance as data, links
carry them whole (samples included, so a colleague gets the same verdict), values measured on
different texts or hardware are never ranked as alike, and generation quality can come from the
Arena's ratings, named for what it is."""

from __future__ import annotations

import json

import numpy as np

from hfcompare.decide.decision import read_measurements
from hfcompare.decide.explain import verdict
from hfcompare.decide.scorecard import (
    Measurement,
    Provenance,
    build_candidates,
    cell_for,
    criterion_for,
    measured_from_arena,
    quality_disagreement,
)
from hfcompare.decide.scoring import Candidate, Cell, not_alike, p_best, score

A, B = "local:org/model-a", "local:org/model-b"


def _vote(a: str, b: str, winner: str, prompt: str) -> dict:
    return {"arena": "generation", "prompt": prompt, "model_a": a, "model_b": b, "winner": winner}


def test_a_measurement_travels_as_data_with_its_samples_and_provenance():
    made = Provenance("retrieval evaluation", 20, "ab12cd34ef56", "CPU, 2 cores", 0, "2026-12-06T21:00:00+00:00")
    original = Measurement(0.91, "measured: nDCG@10 over 20 labeled queries", 0.85, 0.95,
                           tuple(np.linspace(0.5, 1.0, 20)), "ab12cd34ef56:ndcg@10", "mean", made)
    back = Measurement.from_json(json.loads(json.dumps(original.to_json())))
    assert back.samples == original.samples and back.paired_on == original.paired_on
    assert back.provenance == Provenance(**{**vars(made), "via": "link"})
    assert back.provenance.basis == made.basis == "ab12cd34ef56"   # a quality score: the texts, not the machine
    assert "from a share link" in back.provenance.describe()
    assert Measurement.from_json([12.5, "old link", 10.0, 14.0]).low == 10.0   # links made before still open
    for broken in ([1.0], {"value": "x", "source": "s"}, {"value": float("nan"), "source": "s"}, "text", None,
                   {"value": 1.0, "source": "s", "provenance": {"run": 3}, "samples": ["a"]}):
        found = Measurement.from_json(broken)
        assert found is None or (found.samples == () and found.provenance is None)


def test_values_measured_on_different_texts_or_hardware_are_not_ranked_as_alike():
    here = Provenance("text comparison", 20, "aaaaaaaaaaaa", "CPU, 2 cores", 5)
    there = Provenance("text comparison", 20, "aaaaaaaaaaaa", "CPU, 16 cores", 5, via="link")
    quality = {A: 0.9, B: 0.5}
    candidates = [Candidate(name, {"speed": Cell(ms, "s", basis=made.basis, samples=(ms, ms * 1.1, ms * 0.9),
                                                 statistic="median"),
                                   "performance": Cell(quality[name], "q")})
                  for name, ms, made in ((A, 5.0, here), (B, 50.0, there))]
    criteria = [criterion_for("embeddings", "performance", 50, "measured:ndcg@10"),
                criterion_for("embeddings", "speed", 50, "measured:ms_per_text")]
    assert set(not_alike(candidates, criteria)) == {"speed"}
    scored = score(candidates, criteria)
    decision = verdict(scored, candidates, criteria, p_best(candidates, criteria))
    assert decision.kind == "too_close" and decision.text.startswith("Not comparable yet")
    alike = [Candidate(c.name, {**c.cells, "speed": Cell(c.cells["speed"].value, "s", basis=here.basis,
                                                         samples=c.cells["speed"].samples, statistic="median")})
             for c in candidates]
    assert not not_alike(alike, criteria)
    assert verdict(score(alike, criteria), alike, criteria, p_best(alike, criteria)).kind == "recommend"


def test_arena_ratings_are_a_quality_source_with_their_replicates():
    votes = [_vote(A, B, "a" if i % 5 else "b", f"prompt {i}") for i in range(30)]
    measured = measured_from_arena(votes + votes[:10])      # repeated battles count once
    rating_a, rating_b = (measured[m]["arena_rating"] for m in (A, B))
    assert rating_a.value > 1000 > rating_b.value and rating_a.provenance.texts == 30
    assert rating_a.statistic == "draw" and len(rating_a.samples) == 200 and rating_a.paired_on == rating_b.paired_on
    assert rating_a.low < rating_a.value < rating_a.high
    criterion = criterion_for("generation", "quality", 100, "measured:arena_rating")
    assert criterion.label == "Arena rating" and (criterion.scale.worst, criterion.scale.best) == (700.0, 1300.0)
    candidates = build_candidates([A, B], "generation", {"quality": "measured:arena_rating"}, measured)
    chances = p_best(candidates, [criterion])
    assert chances[0] > 0.95 and abs(chances.sum() - 1) < 1e-9   # 24 of 30 independent wins: clearly ahead
    even = measured_from_arena([_vote(A, B, "a" if i % 2 else "b", f"p{i}") for i in range(20)])
    tied = build_candidates([A, B], "generation", {"quality": "measured:arena_rating"}, even)
    decision = verdict(score(tied, [criterion]), tied, [criterion], p_best(tied, [criterion]))
    assert decision.kind == "too_close"


def test_a_pass_rate_is_called_a_pass_rate_and_disagreeing_signals_are_said():
    assert criterion_for("generation", "quality", 40, "measured:pass_rate").label == "Check pass rate"
    assert criterion_for("generation", "quality", 40, "catalog:leaderboard_average").label == "Published quality"
    measured = measured_from_arena([_vote(A, B, "b", f"p{i}") for i in range(8)] +
                                   [_vote(A, B, "a", f"q{i}") for i in range(2)])
    measured[A]["pass_rate"] = Measurement(0.9, "checks", 0.7, 0.97)
    measured[B]["pass_rate"] = Measurement(0.6, "checks", 0.4, 0.78)
    said = quality_disagreement([A, B], "measured:pass_rate", measured, [A, B])
    assert said.startswith("The quality signals disagree: check pass rate puts local:org/model-a first (90% against "
                           "60%); arena rating puts local:org/model-b first (1")
    measured[B]["pass_rate"] = Measurement(0.95, "checks", 0.8, 0.99)
    assert quality_disagreement([A, B], "measured:pass_rate", measured, [B, A]) == ""
    assert cell_for(A, "measured:arena_rating", measured).run.startswith("arena · 10 votes #")


def test_decide_reads_the_speed_passes_and_texts_that_evaluate_json_writes(tmp_path):
    speed = {"ms_per_text": 4.0, "passes_ms": [3.9, 4.0, 4.4, 4.1, 3.8], "n_texts": 20, "texts_id": "t1",
             "where": "CPU, 2 cores"}
    data = {name: {"ndcg@10": 0.8, "queries": "q", "ndcg@10_per_query": [0.8, 0.7, 0.9], "speed": speed}
            for name in ("org/a", "org/b")}
    data["org/b"]["speed"] = {**speed, "texts_id": "t2"}
    path = tmp_path / "eval.json"
    path.write_text(json.dumps(data))
    cells = read_measurements(path)
    assert cells["org/a"]["speed"].samples == (3.9, 4.0, 4.4, 4.1, 3.8)
    assert cells["org/a"]["speed"].statistic == "median" and cells["org/a"]["speed"].basis == "t1|CPU, 2 cores"
    assert cells["org/b"]["speed"].basis != cells["org/a"]["speed"].basis


def test_a_lead_the_explanation_finds_unsettled_is_too_close_in_words_and_kind():
    """P(best) may be 1.00 while the lead rests on noise or sits within the tie margin: the verdict then
    says 'too close to call' in its text, never 'Recommend' in a too-close box (page and CLI alike)."""
    from hfcompare.decide.explain import explain, unsettled_by

    candidates = [Candidate(A, {"performance": Cell(0.80, "q", low=0.70, high=0.90)}),
                  Candidate(B, {"performance": Cell(0.79, "q", low=0.69, high=0.89)})]
    criteria = [criterion_for("embeddings", "performance", 100, "measured:ndcg@10")]
    scored = score(candidates, criteria)
    explanation = explain("Your weights", scored, candidates, criteria, None, 0.005)
    reason = unsettled_by(explanation)
    assert reason == "noise_decides"
    decision = verdict(scored, candidates, criteria, p_best(candidates, criteria), margin=0.005, unsettled=reason)
    assert decision.kind == "too_close" and decision.text.startswith("Too close to call between")
    assert "within measurement noise" in decision.text and "Recommend" not in decision.text


def test_decide_refuses_speed_passes_that_are_not_a_list(tmp_path):
    import pytest

    from hfcompare.decide.decision import DecisionError

    path = tmp_path / "eval.json"
    for passes in (4.0, "fast", {"a": 1}, ["x"]):
        path.write_text(json.dumps({"org/a": {"ndcg@10": 0.8, "speed": {"ms_per_text": 4.0, "passes_ms": passes}}}))
        with pytest.raises(DecisionError, match="speed passes"):
            read_measurements(path)
