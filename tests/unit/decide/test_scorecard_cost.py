"""Cost as a Scorecard criterion: lower is better on a fixed log scale, its arithmetic and price source
reach the cell, and an unknown cost stays unknown."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hfcompare.cost import HourlyRate, PriceSource, TokenPrice
from hfcompare.decide.scorecard import (
    COST_SCALE,
    EMBEDDING_COST_SCALE,
    PRESETS,
    build_candidates,
    cell_for,
    criterion_for,
    measured_from_embeddings,
    measured_from_generation,
    specs_for,
)
from hfcompare.decide.scoring import score
from hfcompare.embeddings.runs import EmbeddingResult
from hfcompare.embeddings.speed import SpeedStats
from hfcompare.refs import ModelRef

SOURCED = HourlyRate(0.072, PriceSource("Instance prices", "https://rates.example/cpu", "$0.072", "2020-01-01"),
                     "example CPU instance")


def _emb(model: str, ms: float) -> EmbeddingResult:
    speed = SpeedStats(ms, ms, ms, 5, 20, "CPU, 2 cores", "2026-12-01T10:00:00+00:00", True, (), "texts1")
    return EmbeddingResult(ModelRef.parse(model), np.ones((20, 4)), n_texts=20, computed=20, speed=speed)


def test_cost_is_offered_for_both_tasks_lower_is_better_on_a_fixed_log_scale():
    for task, scale in (("embeddings", EMBEDDING_COST_SCALE), ("generation", COST_SCALE)):
        spec = specs_for(task)["cost"]
        assert spec.sources == ("measured:cost_per_1000",) and not spec.default
        assert spec.criterion.scale == scale and not scale.higher_is_better and scale.log
        assert scale.value(0.0) == 1.0                       # free is the best, not unknown
        assert scale.value(None) is None
    assert COST_SCALE.value(10.0) == 0.0 and COST_SCALE.value(0.001) == 1.0
    assert COST_SCALE.value(0.1) == pytest.approx(0.5)       # two decades from each anchor
    assert EMBEDDING_COST_SCALE.value(1.0) == 0.0 and EMBEDDING_COST_SCALE.value(0.00001) == 1.0
    # MiniLM on the default $0.067/h instance at ~20 ms/text is inside the embeddings scale, not at its end
    assert 0.5 < EMBEDDING_COST_SCALE.value(20 * 0.067 / 3600) < 0.8
    assert all("cost" not in weights for preset in PRESETS.values() for weights in
               (preset["embeddings"], preset["generation"]))   # presets rank as before


def test_cheaper_ranks_higher_and_the_cell_shows_arithmetic_and_stale_source():
    measured = measured_from_embeddings([_emb("fake:cheap", 5.0), _emb("fake:dear", 500.0)], rate=SOURCED)
    names = ["fake:dear", "fake:cheap"]
    cheap = cell_for("fake:cheap", "measured:cost_per_1000", measured)
    assert cheap.value == 0.0001     # 5 s per 1,000 texts × $0.072/h ÷ 3,600
    assert "5 ms/text (median of 5 timed passes over 20 texts, this run)" in cheap.source
    assert "example CPU instance" in cheap.source and "https://rates.example/cpu" in cheap.source
    assert "stale" in cheap.source   # checked in 2020
    assert cheap.run.startswith("text comparison · 20 texts #texts1")
    criteria = [criterion_for("embeddings", "cost", 100.0, "measured:cost_per_1000")]
    scored = score(build_candidates(names, "embeddings", {"cost": "measured:cost_per_1000"}, measured), criteria)
    assert scored.winner == "fake:cheap"
    assert scored.normalized["cost"][names.index("fake:cheap")] > scored.normalized["cost"][names.index("fake:dear")]


def test_unknown_cost_stays_unknown_and_follows_the_missing_value_rules():
    priced = {"hf:org/unpriced": None}   # on a server without a published price
    measured = measured_from_embeddings([_emb("fake:local", 5.0), _emb("hf:org/unpriced", 5.0)], prices=priced,
                                        rate=SOURCED)
    cell = cell_for("hf:org/unpriced", "measured:cost_per_1000", measured)
    assert cell.value is None and not cell.known
    no_rate = measured_from_embeddings([_emb("fake:local", 5.0)], rate=None)
    assert "cost_per_1000" not in no_rate.get("fake:local", {})
    names = ["hf:org/unpriced", "fake:local"]
    criteria = [criterion_for("embeddings", "cost", 100.0, "measured:cost_per_1000")]
    candidates = build_candidates(names, "embeddings", {"cost": "measured:cost_per_1000"}, measured)
    for policy in ("penalize", "skip"):
        scored = score(candidates, criteria, policy)
        assert scored.normalized["cost"][0] is None and scored.missing["hf:org/unpriced"] == ["cost"]
        assert scored.winner == "fake:local"


def test_person_set_anchors_keep_a_free_cost_best():
    criterion = criterion_for("generation", "cost", 10.0, "measured:cost_per_1000", {"worst": 1.0, "best": 0.01})
    assert criterion.value_scale().value(0.0) == 1.0 and criterion.value_scale().value(0.1) == pytest.approx(0.5)


def test_generation_cost_comes_from_the_summarys_arithmetic():
    from hfcompare.generation.runs import GenerationResult
    from hfcompare.generation.timing import Timings

    ref = ModelRef.parse("hf:org/chat")
    timings = Timings(latency_s=1.0, ttft_s=0.1, output_tokens=200, prompt_tokens=100, tokens_per_s=20.0,
                      tokens_counted="reported")
    results = [GenerationResult(ref, i, f"prompt {i}", "answer", timings=timings) for i in range(2)]
    src = PriceSource("Router", "https://router.example/v1/models", "{}", date.today().isoformat())
    measured = measured_from_generation(results, {}, {"hf:org/chat": TokenPrice(0.2, 0.8, src)}, None)
    found = measured["hf:org/chat"]["cost_per_1000"]
    # (200 input × $0.2/1M + 400 output × $0.8/1M) ÷ 2 requests × 1,000 = 0.36 / 2 = $0.18
    assert found.value == pytest.approx(0.18)
    assert "200 input tokens × $0.2/1M + 400 output tokens × $0.8/1M" in found.source
    assert "https://router.example/v1/models" in found.source and found.provenance.unit == "prompts"
