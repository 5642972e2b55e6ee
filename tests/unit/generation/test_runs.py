"""Timing accounting, the generation cache, and concurrent comparisons on the fake backend."""

from __future__ import annotations

import threading

import pytest

from hfcompare.backends import BackendError, GenerationParams, Usage
from hfcompare.backends.base import Retried
from hfcompare.generation.runs import (
    build_messages,
    cacheable,
    compare_generations,
    generate_one,
    generate,
    generation_key,
)
from hfcompare.generation.timing import BUFFERED, TOO_SHORT, account, arrivals
from hfcompare.refs import ModelRef
from hfcompare.storage.cache import GenerationCache

A, B, BROKEN = ModelRef("fake", "fake-a"), ModelRef("fake", "fake-b"), ModelRef("fake", "fake-broken")


def test_account_measures_ttft_latency_and_decode_rate():
    events = [(10.5, "Hello"), (10.7, " there"), (11.0, " friend"), (11.1, Usage(5, 3))]
    text, t = account(10.0, events, 11.5)
    assert text == "Hello there friend"
    assert t.ttft_s == pytest.approx(0.5) and t.latency_s == pytest.approx(1.5)
    assert t.output_tokens == 3 and t.prompt_tokens == 5 and t.tokens_counted == "reported"
    # tokens after the first ÷ time after the first token (to the end of the stream): 2 tokens in 1.0 s
    assert t.tokens_per_s == pytest.approx((3 - 1) / (11.5 - 10.5)) and t.speed_note == ""
    assert t.tokens_per_s == pytest.approx((t.output_tokens - 1) / (t.latency_s - t.ttft_s))
    assert (t.decode_tokens, t.decode_s) == (2, pytest.approx(1.0))
    assert t.attempts == 1 and t.retry_wait_s == 0.0


def test_account_counts_pieces_without_usage_and_handles_empty_answers():
    _, t = account(0.0, [(0.2, "a"), (0.3, ""), (0.4, "b"), (0.5, "c")], 0.6)
    assert t.output_tokens == 3 and t.tokens_counted == "pieces" and t.tokens_per_s == pytest.approx(2 / 0.4)
    _, t = account(0.0, [(0.2, "a"), (0.4, "b")], 0.6)
    assert t.tokens_per_s is None and t.speed_note == TOO_SHORT == "fewer than 2 tokens after the first"
    text, t = account(0.0, [], 0.3)
    assert text == "" and t.ttft_s is None and t.output_tokens is None and t.tokens_per_s is None
    _, t = account(0.0, [(0.2, "Yes"), (0.3, Usage(4, 1))], 0.3)
    assert t.tokens_per_s is None and t.speed_note == TOO_SHORT


def test_a_short_answer_is_timed_to_the_end_of_its_stream():
    """gemma's 4-token answer: 0.45 s in all, first token at 0.17 s, the last piece at 0.29 s (the stop
    token took the rest). The window used to end at the last piece: 3 tokens ÷ 0.12 s = 24.2 tokens/s."""
    events = [(0.17, "Pay"), (0.21, " the"), (0.25, " invoice"), (0.294, "."), (0.30, Usage(None, 4))]
    _, t = account(0.0, events, 0.45)
    assert t.tokens_per_s == pytest.approx(3 / 0.28)
    assert t.tokens_per_s == pytest.approx((t.output_tokens - 1) / (t.latency_s - t.ttft_s))


def test_chunks_of_several_tokens_count_the_first_chunk_as_its_share():
    # 4 chunks carrying 12 tokens: the first holds 3 of them, so 9 come after it
    events = [(0.1 * (i + 1), f"chunk{i} ") for i in range(4)] + [(0.45, Usage(5, 12))]
    _, t = account(0.0, events, 0.5)
    assert t.decode_tokens == 9 and t.tokens_per_s == pytest.approx(9 / 0.4)


def test_a_buffered_stream_has_no_decode_speed():
    """200 tokens sent at once used to give (200 - 1) / 1 ms = 199,000 tokens/s."""
    burst = [(0.5 + i * 1e-6, f"w{i} ") for i in range(200)]
    _, t = account(0.0, [*burst, (0.5002, Usage(9, 200))], 0.501)
    assert t.tokens_per_s is None and t.speed_note == BUFFERED == "stream was buffered"
    assert t.output_tokens == 200 and t.ttft_s == pytest.approx(0.5) and t.latency_s == pytest.approx(0.501)
    # the first token alone, then the other 199 in one burst: still no decode window
    _, t = account(0.0, [(0.3, "w0 "), *[(0.9 + i * 1e-6, f"w{i} ") for i in range(1, 200)]], 0.901)
    assert t.tokens_per_s is None and t.speed_note == BUFFERED
    # one chunk carrying the whole answer
    _, t = account(0.0, [(0.4, "the whole answer"), (0.4, Usage(3, 50))], 0.41)
    assert t.tokens_per_s is None and t.speed_note == BUFFERED


def test_a_trickling_stream_is_timed_over_its_decode_window():
    paced = [(0.5 + i * 0.01, f"w{i} ") for i in range(200)]
    _, t = account(0.0, [*paced, (2.6, Usage(9, 200))], 2.7)
    assert t.tokens_per_s == pytest.approx(199 / (2.7 - 0.5)) and t.speed_note == ""
    # a few coalesced reads (two pieces at once now and then) do not hide a real trickle
    pairs = [(0.5 + (i // 2) * 0.02 + (i % 2) * 1e-5, f"w{i} ") for i in range(100)]
    assert account(0.0, pairs, 1.6)[1].tokens_per_s == pytest.approx(99 / (1.6 - 0.5))
    # chunks of four tokens every 40 ms (the server reports 200 tokens in 50 chunks): 49 chunks after the first
    chunks = [(0.5 + i * 0.04, "four tokens here now ") for i in range(50)]
    _, t = account(0.0, [*chunks, (2.6, Usage(9, 200))], 2.6)
    assert t.tokens_per_s == pytest.approx(200 * 49 / 50 / (2.6 - 0.5))
    assert arrivals([0.0, 0.001, 0.5, 0.5005, 0.9]) == 3


def test_retries_are_timed_apart_from_the_answer():
    """Three attempts: 4 s of failed attempts and back-off, then an answer 0.5 s after its request."""
    events = [(4.1, Retried(attempts=3, waited_s=4.0)), (4.5, "Hi"), (4.6, " there"), (4.7, Usage(3, 2))]
    _, t = account(0.0, events, 4.8)
    assert t.attempts == 3 and t.retry_wait_s == pytest.approx(4.0)
    assert t.ttft_s == pytest.approx(0.5) and t.latency_s == pytest.approx(0.8)
    assert t.tokens_per_s is None and t.speed_note == TOO_SHORT  # 1 token after the first


def test_generate_one_stamps_events_with_the_generation_clock(fake_backend, monkeypatch):
    """A scripted clock (never wall time): each reading 20 ms after the previous one, so the fake
    backend's pieces trickle; one frozen reading, and the same pieces arrive all at once."""
    import hfcompare.generation.runs as generation

    now = [100.0]

    def ticking() -> float:
        now[0] += 0.02
        return now[0]

    monkeypatch.setattr(generation, "clock", ticking)
    result = generation.generate_one(A, "one two three four five", GenerationParams())
    t = result.timings
    assert t.output_tokens == 7 and t.ttft_s == pytest.approx(0.02)
    # 6 tokens after the first, over 8 readings: 6 more pieces, the usage event, the end of the stream
    assert t.tokens_per_s == pytest.approx(6 / (8 * 0.02)) and t.speed_note == ""
    monkeypatch.setattr(generation, "clock", lambda: 100.0)
    buffered = generation.generate_one(B, "one two three four five", GenerationParams()).timings
    assert buffered.tokens_per_s is None and buffered.speed_note == "stream was buffered"
    assert buffered.output_tokens == 7 and result.as_json()["tokens_per_s_note"] == ""


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
    assert "always fails" in mixed[1].error and "cannot generate text. Backends that can: fake, hf, local, openai." in mixed[2].error


def test_per_model_parameters(fake_backend):
    results = compare_generations(["one two three four five"], [A, B],
                                  {A: GenerationParams(max_tokens=2), B: GenerationParams(max_tokens=50)})
    assert results[0].timings.output_tokens == 2 and results[1].timings.output_tokens == 7


def test_per_model_overrides_take_set_values_only():
    import pandas as pd

    from hfcompare.generation.runs import params_with_overrides

    shared = GenerationParams(max_tokens=100, temperature=0.5, top_p=0.9, seed=None)
    assert params_with_overrides(shared, {"max tokens": pd.NA, "temperature": float("nan")}) == shared
    changed = params_with_overrides(shared, {"max tokens": 7, "temperature": 0.0, "top-p": 0.5, "seed": 3})
    assert changed == GenerationParams(max_tokens=7, temperature=0.0, top_p=0.5, seed=3)


def test_summary_and_check_tables_show_intervals_rules_and_retry_waits():
    import pandas as pd

    from hfcompare.generation.checks import Outcome, Verdict
    from hfcompare.generation.runs import GenerationResult
    from hfcompare.generation.tables import check_rates_table, check_rates_view, generation_summary, generation_table
    from hfcompare.generation.timing import Timings

    results, verdicts = [], {}
    for i in range(5):
        speed = (40.0, "") if i < 3 else (None, BUFFERED)
        waits = (3, 4.0) if i == 0 else (1, 0.0)
        results.append(GenerationResult(A, i, "p", "a", Timings(1.0, 0.2, 20, 5, speed[0], "reported", *waits,
                                                                  speed[1])))
        verdicts[(A, i)] = Verdict([Outcome("keywords", i < 4, ""), Outcome("reference", i < 2, "")])
    results.append(GenerationResult(B, 0, "p", error="down", error_kind="connection"))
    names = {A: "a", B: "b"}
    summary = generation_summary(generation_table(results, verdicts, names)).set_index("model")
    assert summary.loc["a", "pass_rate"] == pytest.approx(2 / 5) and summary.loc["a", "checked"] == 5
    assert summary.loc["a", "pass_rate_low"] == pytest.approx(0.1176, abs=1e-4)
    assert summary.loc["a", "pass_rate_high"] == pytest.approx(0.7693, abs=1e-4)
    assert summary.loc["a", "median_tokens_per_s"] == 40.0 and summary.loc["a", "retry_waits_s"] == 4.0
    assert summary.loc["a", "tokens_per_s_note"] == "unknown for 2 of 5 answers: stream was buffered (2)"
    assert summary.loc["b", "answers"] == 0 and pd.isna(summary.loc["b", "pass_rate"])

    rates = check_rates_table(results, verdicts, names)
    assert list(rates["check"]) == ["all checks", "keywords", "reference"] and set(rates["model"]) == {"a"}
    assert list(rates["passed"]) == [2, 4, 2] and rates["too_few"].all()
    view = check_rates_view(rates, {"reference": "similarity ≥ 0.75"})
    assert list(view.columns) == ["check", "passes when", "a"]
    assert view.set_index("check").loc["reference", "a"] == "2 of 5 · 40% (12%–77%)"
    assert view.set_index("check").loc["reference", "passes when"] == "similarity ≥ 0.75"


def test_a_crash_message_never_carries_the_key_or_url_credentials(monkeypatch):
    """An unexpected exception (not a typed backend error) is shown redacted: no key, no user:password@."""
    from hfcompare.backends import GenerationBackend, GenerationParams, RemoteSettings
    from hfcompare.generation.runs import generate_one
    from hfcompare.refs import ModelRef

    class Leaky(GenerationBackend):
        def stream(self, model, messages, params):
            raise RuntimeError("boom at http://dave:pw-secret@host/v1 with sk-leaky-key")
            yield  # pragma: no cover

    monkeypatch.setattr("hfcompare.generation.runs.get_backend", lambda name, settings=None, task=None: Leaky())
    settings = RemoteSettings(base_url="http://dave:pw-secret@host/v1", api_key="sk-leaky-key")
    result = generate_one(ModelRef("openai", "m"), "hi", GenerationParams(max_tokens=4), settings=settings)
    assert result.error_kind == "crashed" and "boom" in result.error
    assert all(s not in result.error for s in ("dave", "pw-secret", "sk-leaky-key")), result.error


class _OnThisCpu:
    """A backend that computes on this CPU (SHARES_CPU): it notes when each stream runs, and takes
    0.2 s to load its model the first time."""

    from hfcompare.backends.base import Capability as _C

    name = "cpu-fake"
    capabilities = frozenset({_C.GENERATE, _C.STREAM, _C.SHARES_CPU})

    def __init__(self) -> None:
        self.spans: list[tuple[str, float, float]] = []
        self.loaded: set[str] = set()

    def fingerprint(self, model: str) -> str:
        return "default"

    def load_generator(self, model: str) -> None:
        import time

        if model not in self.loaded:
            time.sleep(0.2)
            self.loaded.add(model)

    def stream(self, model, messages, params):
        import time

        began = time.perf_counter()
        for word in ("one", " two", " three", " four"):
            time.sleep(0.02)
            yield word
        self.spans.append((model, began, time.perf_counter()))
        yield Usage(None, 4)


@pytest.fixture
def cpu_backend():
    from hfcompare.backends import register_backend, unregister_backend

    backend = _OnThisCpu()
    register_backend("cpu-fake", lambda: backend)
    yield backend
    unregister_backend("cpu-fake")


def test_local_models_are_timed_one_at_a_time_while_servers_overlap(cpu_backend, fake_backend):
    """Two models on this CPU never stream at the same time (so neither's timings include the
    other's work), while the fake backend (standing for servers) still streams concurrently."""
    refs = [ModelRef("cpu-fake", "m1"), ModelRef("cpu-fake", "m2"), ModelRef("cpu-fake", "m3")]
    results = compare_generations(["a", "b"], refs, GenerationParams(max_tokens=8))
    assert all(r.ok for r in results)
    spans = sorted((began, ended) for _, began, ended in cpu_backend.spans)
    assert len(spans) == 6 and all(later[0] >= earlier[1] for earlier, later in zip(spans, spans[1:]))
    assert all(r.timings.threads and r.timings.threads >= 1 for r in results)
    fake_backend.barrier = threading.Barrier(2)  # both fake models must be inside their stream at once
    assert all(r.ok for r in compare_generations(["a"], [A, B], GenerationParams(max_tokens=4)))


def test_load_time_is_apart_from_time_to_first_token(cpu_backend, monkeypatch):
    import hfcompare.generation.runs as generation

    now = [0.0]

    def ticking() -> float:  # the answer's clock: 20 ms per reading, whatever the load took
        now[0] += 0.02
        return now[0]

    monkeypatch.setattr(generation, "clock", ticking)
    first = generate_one(ModelRef("cpu-fake", "m1"), "a", GenerationParams(max_tokens=8))
    again = generate_one(ModelRef("cpu-fake", "m1"), "a", GenerationParams(max_tokens=8))
    assert first.load_s >= 0.2 and first.timings.ttft_s == pytest.approx(0.02)
    assert again.load_s is not None and again.timings.ttft_s == pytest.approx(0.02) and cpu_backend.loaded == {"m1"}
    assert first.as_json()["load_s"] == first.load_s and "threads" in first.as_json()
