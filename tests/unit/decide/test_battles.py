"""Blind battles built in the library, as the Arena page and scripts build them."""

from __future__ import annotations

import random

import pytest

from hfcompare.decide.battles import BATTLE_PARAMS, generation_battle, pick_pair, retrieval_battle
from hfcompare.refs import ModelRef, SpecError

A, B, BROKEN = ModelRef("fake", "fake-a"), ModelRef("fake", "fake-b"), ModelRef("fake", "fake-broken")


def test_a_pair_is_two_different_models_in_random_order():
    orders = {pick_pair([A, B, A], random.Random(seed)) for seed in range(20)}
    assert orders == {(A, B), (B, A)}
    with pytest.raises(SpecError, match="two different models"):
        pick_pair([A, A])


def test_a_generation_battle_asks_both_models_the_same_prompt_with_the_battle_parameters(fake_backend):
    battle = generation_battle([A, B], "How do I create an invoice?", rng=random.Random(0))
    assert {battle.a, battle.b} == {A, B} and battle.voted is None and battle.failed == [False, False]
    assert battle.shown == [f"{ref.model} answers: How do I create an invoice?" for ref in (battle.a, battle.b)]
    assert BATTLE_PARAMS.temperature == 0.0 and BATTLE_PARAMS.max_tokens == 160


def test_a_failed_model_shows_its_error_kind_and_the_battle_goes_on(fake_backend):
    battle = generation_battle([A, BROKEN], "Hello", rng=random.Random(1))
    side = [battle.a, battle.b].index(BROKEN)
    assert battle.failed[side] and battle.shown[side].startswith("(this model failed: ")
    assert not battle.failed[1 - side]


def test_a_retrieval_battle_shows_each_models_top_k_as_a_numbered_list(fake_backend):
    documents = ["Create an invoice under Billing.", "Reset your password.", "Export reports as CSV."]
    battle = retrieval_battle([A, B], "new invoice", documents, k=2, rng=random.Random(0))
    for shown in battle.shown:
        lines = shown.splitlines()
        assert len(lines) == 2 and lines[0].startswith("1. ") and lines[1].startswith("2. ")
        assert {line[3:] for line in lines} <= set(documents)
