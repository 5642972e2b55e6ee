"""Blind battles built in the library, as the Arena page and scripts build them."""

from __future__ import annotations

import random
import threading

import pytest

from hfcompare.backends import Capability, Usage, register_backend, unregister_backend
from hfcompare.decide.battles import BATTLE_PARAMS, SIDES, generation_battle, pick_pair, retrieval_battle, takes_turns
from hfcompare.generation.timing import Timings
from hfcompare.refs import ModelRef, SpecError
from hfcompare.storage.cache import GenerationCache

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


def test_both_answers_stream_at_once_keyed_by_side_only(fake_backend):
    """Both sides' first pieces reach the page before either answer is done (each side's first piece
    waits for the other's, so a battle that ran one model after the other would never get past it),
    and every callback names a side, never a model."""
    fake_backend.barrier = threading.Barrier(2)   # both fake models (servers) inside their stream at once
    met = threading.Barrier(2)
    events: list[tuple[str, str, str]] = []
    lock, started = threading.Lock(), set()

    def on_piece(side, text):
        with lock:
            events.append(("piece", side, text))
            first = side not in started
            started.add(side)
        if first:
            met.wait(timeout=10)

    def on_done(side, shown):
        with lock:
            events.append(("done", side, shown))

    battle = generation_battle([A, B], "Where is my invoice?", rng=random.Random(0), on_piece=on_piece,
                               on_done=on_done)
    assert all(isinstance(side, str) and side in SIDES for _, side, _ in events)
    first_done = next(i for i, (kind, _, _) in enumerate(events) if kind == "done")
    assert {side for kind, side, _ in events[:first_done] if kind == "piece"} == {"A", "B"}
    for index, side in enumerate(SIDES):   # what streamed under a side is that side's answer
        pieces = [text for kind, s, text in events if kind == "piece" and s == side]
        assert pieces[-1] == battle.shown[index] and len(pieces) == len(battle.shown[index].split())
        assert ("done", side, battle.shown[index]) in events
    assert battle.shown == [f"{ref.model} answers: Where is my invoice?" for ref in (battle.a, battle.b)]


def test_a_battle_keeps_each_sides_timings_and_the_cache_says_when_they_are_old(fake_backend):
    cache = GenerationCache()
    battle = generation_battle([A, BROKEN], "How do I pay?", rng=random.Random(0), cache=cache)
    side = [battle.a, battle.b].index(A)
    timing = battle.timings[side]
    assert isinstance(timing, Timings) and timing.output_tokens == 6 and timing.ttft_s is not None
    assert timing.latency_s >= timing.ttft_s and battle.timings[1 - side] is None
    assert battle.cached == [False, False] and battle.load_s[side] is None  # the fake computes on no CPU of ours
    again = generation_battle([A, B], "How do I pay?", cache=cache, pair=(B, A))
    assert (again.a, again.b) == (B, A) and again.cached == [False, True]
    assert again.timings[1] == timing and again.shown[1] == battle.shown[side]


def test_a_battle_between_a_model_and_itself_is_refused(fake_backend):
    with pytest.raises(SpecError, match="two different models"):
        generation_battle([A, B], "hi", pair=(A, A))


class _OnThisCpu:
    """A backend that computes on this CPU (SHARES_CPU): it counts how many of its streams run at once."""

    name = "cpu-fake"
    capabilities = frozenset({Capability.GENERATE, Capability.STREAM, Capability.SHARES_CPU})

    def __init__(self) -> None:
        self.lock, self.inside, self.most = threading.Lock(), 0, 0

    def fingerprint(self, model: str) -> str:
        return "default"

    def load_generator(self, model: str) -> None:
        pass

    def stream(self, model, messages, params):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)
        try:
            for word in ("one", " two", " three", " four"):
                yield word
        finally:
            with self.lock:
                self.inside -= 1
        yield Usage(None, 4)


def test_two_models_on_this_cpu_answer_one_after_the_other_and_say_so(fake_backend):
    backend = _OnThisCpu()
    register_backend("cpu-fake", lambda: backend)
    try:
        first, second = ModelRef("cpu-fake", "m1"), ModelRef("cpu-fake", "m2")
        assert takes_turns(first, second) and not takes_turns(first, A) and not takes_turns(A, B)
        assert not takes_turns(first, ModelRef("no-such-backend", "x"))
        sides = []
        battle = generation_battle([first, second], "hi", on_piece=lambda side, _: sides.append(side))
        assert battle.failed == [False, False] and backend.most == 1
        assert all(t.threads and t.threads >= 1 for t in battle.timings)   # timed in its turn, with its threads
        assert set(sides) == {"A", "B"}
    finally:
        unregister_backend("cpu-fake")


def test_a_retrieval_battle_shows_each_models_top_k_as_a_numbered_list(fake_backend):
    documents = ["Create an invoice under Billing.", "Reset your password.", "Export reports as CSV."]
    battle = retrieval_battle([A, B], "new invoice", documents, k=2, rng=random.Random(0))
    for shown in battle.shown:
        lines = shown.splitlines()
        assert len(lines) == 2 and lines[0].startswith("1. ") and lines[1].startswith("2. ")
        assert {line[3:] for line in lines} <= set(documents)
