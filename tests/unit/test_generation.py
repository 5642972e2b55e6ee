"""Timing accounting, the generation cache, and concurrent comparisons on the fake backend."""

from __future__ import annotations

import threading

import pytest

from hfcompare.backends import BackendError, GenerationParams, Usage
from hfcompare.cache import GenerationCache
from hfcompare.generation import account, build_messages, cacheable, compare_generations, generate, generation_key
from hfcompare.spec import ModelRef

A, B, BROKEN = ModelRef("fake", "fake-a"), ModelRef("fake", "fake-b"), ModelRef("fake", "fake-broken")


def test_account_measures_ttft_latency_and_decode_rate():
    events = [(10.5, "Hello"), (10.7, " there"), (11.0, " friend"), (11.1, Usage(5, 3))]
    text, t = account(10.0, events, 11.5)
    assert text == "Hello there friend"
    assert t.ttft_s == pytest.approx(0.5) and t.latency_s == pytest.approx(1.5)
    assert t.output_tokens == 3 and t.prompt_tokens == 5 and t.tokens_counted == "reported"
    assert t.tokens_per_s == pytest.approx((3 - 1) / (11.5 - 10.5))


def test_account_counts_pieces_without_usage_and_handles_empty_answers():
    _, t = account(0.0, [(0.2, "a"), (0.3, ""), (0.4, "b")], 0.6)
    assert t.output_tokens == 2 and t.tokens_counted == "pieces" and t.tokens_per_s == pytest.approx(1 / 0.4)
    text, t = account(0.0, [], 0.3)
    assert text == "" and t.ttft_s is None and t.output_tokens is None and t.tokens_per_s is None


def test_cache_key_covers_every_parameter_and_the_prompt():
    base = generation_key(A, "fp", build_messages("hi", "sys"), GenerationParams())
    others = [
        generation_key(B, "fp", build_messages("hi", "sys"), GenerationParams()),
        generation_key(A, "fp2", build_messages("hi", "sys"), GenerationParams()),
        generation_key(A, "fp", build_messages("hi!", "sys"), GenerationParams()),
        generation_key(A, "fp", build_messages("hi", ""), GenerationParams()),
        generation_key(A, "fp", build_messages("hi", "sys"), GenerationParams(max_tokens=9)),
        generation_key(A, "fp", build_messages("hi", "sys"), GenerationParams(top_p=0.5)),
        generation_key(A, "fp", build_messages("hi", "sys"), GenerationParams(seed=1)),
    ]
    assert len({base, *others}) == 8


def test_sampled_unseeded_answers_are_not_cached_unless_asked():
    assert cacheable(GenerationParams(temperature=0))
    assert cacheable(GenerationParams(temperature=0.8, seed=3))
    assert not cacheable(GenerationParams(temperature=0.8))
    assert cacheable(GenerationParams(temperature=0.8), allow_unseeded=True)


def test_generate_api_and_cache(fake_backend):
    cache = GenerationCache()
    first = generate("How do I create an invoice?", "fake-a", backend="fake", cache=cache)
    assert first.text == "fake-a answers: How do I create an invoice?" and not first.cached
    assert first.timings.output_tokens == 8 and first.timings.prompt_tokens == 6
    again = generate("How do I create an invoice?", "fake:fake-a", cache=cache)
    assert again.cached and again.text == first.text and len(fake_backend.generations) == 1
    sampled = [generate("hi", "fake:fake-a", temperature=0.9, cache=cache) for _ in range(2)]
    assert not any(r.cached for r in sampled) and len(fake_backend.generations) == 3
    with pytest.raises(BackendError, match="always fails"):
        generate("hi", "fake:fake-broken", cache=cache)


def test_models_stream_concurrently_and_failures_stay_with_their_model(fake_backend):
    fake_backend.barrier = threading.Barrier(2)  # both models must be mid-stream at once, or this times out
    pieces: list[tuple[str, int, str]] = []
    results = compare_generations(["first prompt", "second prompt"], [A, B], GenerationParams(),
                                  on_piece=lambda ref, i, text: pieces.append((str(ref), i, text)))
    assert [r.ok for r in results] == [True] * 4
    assert [(str(r.ref), r.prompt_index) for r in results] == [("fake:fake-a", 0), ("fake:fake-a", 1),
                                                                ("fake:fake-b", 0), ("fake:fake-b", 1)]
    assert ("fake:fake-b", 1, "fake-b answers: second prompt") in pieces
    fake_backend.barrier = None
    mixed = compare_generations(["p"], [A, BROKEN, ModelRef("lexical", "tfidf")], GenerationParams())
    assert [r.ok for r in mixed] == [True, False, False]
    assert "always fails" in mixed[1].error and "does not generate" in mixed[2].error


def test_per_model_parameters(fake_backend):
    results = compare_generations(["one two three four five"], [A, B],
                                  {A: GenerationParams(max_tokens=2), B: GenerationParams(max_tokens=50)})
    assert results[0].timings.output_tokens == 2 and results[1].timings.output_tokens == 7


def test_per_model_overrides_take_set_values_only():
    import pandas as pd

    from hfcompare.generation import params_with_overrides

    shared = GenerationParams(max_tokens=100, temperature=0.5, top_p=0.9, seed=None)
    assert params_with_overrides(shared, {"max tokens": pd.NA, "temperature": float("nan")}) == shared
    changed = params_with_overrides(shared, {"max tokens": 7, "temperature": 0.0, "top-p": 0.5, "seed": 3})
    assert changed == GenerationParams(max_tokens=7, temperature=0.0, top_p=0.5, seed=3)
