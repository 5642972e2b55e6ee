"""Run generation models: timing accounting, the generation cache, and concurrent comparisons."""

from __future__ import annotations

import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable

from hfcompare.backends import BackendError, Capability, GenerationParams, Usage, can, get_backend
from hfcompare.backends.base import Retried
from hfcompare.calllog import record_call
from hfcompare.embedding import where_measured
from hfcompare.spec import ModelRef, SpecError, is_blank

#: on_piece(model_ref, prompt_index, text_so_far)
OnPiece = Callable[[ModelRef, int, str], None]


#: The clock streamed events are stamped with; tests replace it with a scripted one (never wall time).
clock: Callable[[], float] = time.perf_counter

#: Pieces closer together than this arrived together (one network read, or one buffered flush).
ARRIVAL_GAP_S = 0.002

BUFFERED = "stream was buffered"
ONE_TOKEN = "fewer than two tokens"


@dataclass
class Timings:
    """What a streamed answer cost, timed from the attempt that succeeded. Token counts come from
    the server when it reports them."""

    latency_s: float
    ttft_s: float | None
    output_tokens: int | None
    prompt_tokens: int | None
    tokens_per_s: float | None
    tokens_counted: str  # "reported", "tokenizer", "chunks" (see Usage) or "pieces" (one streamed piece per token)
    #: calls made; more than one when the server asked to retry (429, 503, timeouts, refused connections)
    attempts: int = 1
    #: seconds before the attempt that succeeded (failed attempts and back-off waits), not in latency or ttft
    retry_wait_s: float = 0.0
    #: why tokens_per_s is unknown ("stream was buffered", "fewer than two tokens"), else ""
    speed_note: str = ""


def arrivals(stamps: list[float], gap_s: float = ARRIVAL_GAP_S) -> int:
    """How many separate arrivals the pieces made: a new one whenever a piece came more than
    `gap_s` after the previous piece."""
    return sum(1 for i, stamp in enumerate(stamps) if i == 0 or stamp - stamps[i - 1] > gap_s)


def decode_rate(stamps: list[float], output_tokens: int | None) -> tuple[float | None, str]:
    """Tokens per second over the decode window (first piece to last piece), with the reason when unknown.

    Known only when the stream trickled: at least two pieces, and at least half of them arriving
    separately (see `arrivals`). Tokens after the first piece are `output_tokens` x (pieces - 1) /
    pieces, which is output_tokens - 1 when each piece is one token (the figure llama.cpp reports).
    A stream whose pieces came in a few bursts has no decode window to time: its rate is unknown.
    """
    if not output_tokens or output_tokens < 2:
        return None, ONE_TOKEN
    pieces = len(stamps)
    window = stamps[-1] - stamps[0] if pieces else 0.0
    if pieces < 2 or window <= 0 or arrivals(stamps) < max(2, -(-pieces // 2)):
        return None, BUFFERED
    return output_tokens * (pieces - 1) / pieces / window, ""


def account(started: float, events: Iterable[tuple[float, str | Usage | Retried]], ended: float) -> tuple[str, Timings]:
    """The text and timings of one stream from (timestamp, event) pairs.

    When the stream opens with a Retried event, the clock starts at the attempt that succeeded
    (`started` plus the retries' time, reported apart as `retry_wait_s`). Time to first token is the
    first non-empty piece's arrival; latency runs to `ended`; tokens per second: see `decode_rate`.
    """
    pieces: list[str] = []
    stamps: list[float] = []
    usage: Usage | None = None
    retried: Retried | None = None
    for stamp, event in events:
        if isinstance(event, Usage):
            usage = event
        elif isinstance(event, Retried):
            retried = event
        elif event:
            pieces.append(event)
            stamps.append(stamp)
    waited = max(0.0, retried.waited_s) if retried else 0.0
    began = min(started + waited, stamps[0] if stamps else ended)
    reported = usage is not None and usage.completion_tokens is not None
    output = usage.completion_tokens if reported else (len(pieces) or None)
    rate, note = decode_rate(stamps, output)
    timings = Timings(
        latency_s=ended - began,
        ttft_s=stamps[0] - began if stamps else None,
        output_tokens=output,
        prompt_tokens=usage.prompt_tokens if usage else None,
        tokens_per_s=rate,
        tokens_counted=usage.counted if reported else "pieces",
        attempts=retried.attempts if retried else 1,
        retry_wait_s=waited,
        speed_note=note,
    )
    return "".join(pieces), timings


@dataclass
class GenerationResult:
    """One model's answer to one prompt."""

    ref: ModelRef
    prompt_index: int
    prompt: str
    text: str = ""
    timings: Timings | None = None
    error: str | None = None
    error_kind: str | None = None
    cached: bool = False
    where: str = field(default_factory=where_measured)

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_json(self) -> dict[str, Any]:
        """The flat record the CLI prints and exports hold."""
        t = self.timings
        return {
            "model": str(self.ref),
            "prompt": self.prompt,
            "text": self.text,
            "latency_s": t.latency_s if t else None,
            "ttft_s": t.ttft_s if t else None,
            "output_tokens": t.output_tokens if t else None,
            "prompt_tokens": t.prompt_tokens if t else None,
            "tokens_per_s": t.tokens_per_s if t else None,
            "tokens_per_s_note": t.speed_note if t else "",
            "attempts": t.attempts if t else None,
            "retry_wait_s": t.retry_wait_s if t else None,
            "cached": self.cached,
            "where": self.where,
            "error": self.error,
        }


def params_with_overrides(shared: GenerationParams, overrides: dict[str, Any]) -> GenerationParams:
    """`shared` with the per-model values that are set (None or NaN means "use the shared value")."""
    def given(name: str):
        value = overrides.get(name)
        return None if is_blank(value) else value

    return GenerationParams(
        max_tokens=int(given("max tokens") or shared.max_tokens),
        temperature=float(shared.temperature if given("temperature") is None else given("temperature")),
        top_p=float(given("top-p") or shared.top_p),
        seed=shared.seed if given("seed") is None else int(given("seed")),
    )


def build_messages(prompt: str, system: str = "") -> list[dict[str, str]]:
    """Chat messages for one prompt; the model's own chat template formats them."""
    return ([{"role": "system", "content": system}] if system.strip() else []) + [{"role": "user", "content": prompt}]


def cacheable(params: GenerationParams, allow_unseeded: bool = False) -> bool:
    """Greedy or seeded generations repeat, so they may be served from the cache; sampled ones only on request."""
    return params.temperature == 0 or params.seed is not None or allow_unseeded


def generation_key(ref: ModelRef, fingerprint: str, messages: list[dict[str, str]], params: GenerationParams) -> str:
    """The cache key: backend, model, weights fingerprint, the whole prompt and every parameter."""
    payload = json.dumps([ref.backend, ref.model, fingerprint, messages, asdict(params)], sort_keys=True)
    return "gen|" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def generate_one(
    ref: ModelRef,
    prompt: str,
    params: GenerationParams,
    system: str = "",
    prompt_index: int = 0,
    settings: Any = None,
    cache: Any = None,
    allow_unseeded_cache: bool = False,
    on_piece: OnPiece | None = None,
) -> GenerationResult:
    """One streamed answer with its timings; errors land in the result, never raised."""
    result = GenerationResult(ref=ref, prompt_index=prompt_index, prompt=prompt)
    messages = build_messages(prompt, system)
    called = time.perf_counter()
    backend = None
    try:
        backend = get_backend(ref.backend, settings, task="generation")
        fingerprint = backend.fingerprint(ref.model)
        key = generation_key(ref, fingerprint, messages, params)
        use_cache = cache is not None and cacheable(params, allow_unseeded_cache)
        hit = cache.get(key) if use_cache else None
        if hit is not None:
            result.text, result.timings, result.where = hit["text"], Timings(**hit["timings"]), hit["where"]
            result.cached = True
            if on_piece:
                on_piece(ref, prompt_index, result.text)
            return result
        backend.load_generator(ref.model)
        events: list[tuple[float, str | Usage | Retried]] = []
        so_far = ""
        started = clock()
        for event in backend.stream(ref.model, messages, params):
            events.append((clock(), event))
            if on_piece and isinstance(event, str) and event:
                so_far += event
                on_piece(ref, prompt_index, so_far)
        result.text, result.timings = account(started, events, clock())
        result.where = _where(ref, backend)
        record_call(ref.backend, ref.model, "generation", result.timings.latency_s, True, items=1,
                    tokens=result.timings.output_tokens)
        if use_cache:
            cache.set(key, {"text": result.text, "timings": asdict(result.timings), "where": result.where})
    except BackendError as exc:
        result.error, result.error_kind = str(exc), exc.kind
    except Exception as exc:  # noqa: BLE001 - one model's crash must not sink the comparison
        result.error, result.error_kind = f"{type(exc).__name__}: {exc}", "crashed"
    if result.error:  # no key, and no credentials of any URL, in what is shown, stored or exported
        from hfcompare.backends.remote import redact

        used = getattr(backend, "settings", None) or settings
        result.error = redact(result.error, used.secrets() if hasattr(used, "secrets") else [])
        record_call(ref.backend, ref.model, "generation", time.perf_counter() - called, False, result.error_kind,
                    items=1)
    return result


def _where(ref: ModelRef, backend: Any) -> str:
    if can(backend, Capability.REMOTE):
        return f"{ref.backend} server (its hardware)"
    return f"{ref.backend} on {where_measured()}"


def compare_generations(
    prompts: list[str],
    refs: list[ModelRef],
    params: dict[ModelRef, GenerationParams] | GenerationParams,
    system: str = "",
    settings: dict[str, Any] | None = None,
    cache: Any = None,
    allow_unseeded_cache: bool = False,
    on_piece: OnPiece | None = None,
    on_done: Callable[[GenerationResult], None] | None = None,
) -> list[GenerationResult]:
    """Every model answers every prompt. Models run concurrently (one thread each), each model's
    prompts in order, so the wall time approaches the slowest model's rather than the sum."""
    settings = settings or {}
    per_model = params if isinstance(params, dict) else {ref: params for ref in refs}

    def run_model(ref: ModelRef) -> list[GenerationResult]:
        results = []
        for index, prompt in enumerate(prompts):
            result = generate_one(ref, prompt, per_model.get(ref, GenerationParams()), system, index,
                                  settings.get(ref.backend), cache, allow_unseeded_cache, on_piece)
            results.append(result)
            if on_done:
                on_done(result)
        return results

    with ThreadPoolExecutor(max_workers=max(1, len(refs))) as pool:
        per_ref = list(pool.map(run_model, refs))
    return [result for results in per_ref for result in results]


def _is_number(value: Any) -> bool:
    import math

    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_generate_input(prompt: Any, system: Any, max_tokens: Any, temperature: Any, top_p: Any, seed: Any) -> None:
    """A SpecError saying what to change, for arguments of the public `generate` no model can take
    (the CLI's limits)."""
    if not isinstance(prompt, str) or not prompt.strip():
        raise SpecError("The prompt must be a non-empty text.")
    if not isinstance(system, str):
        raise SpecError(f"The system prompt must be a text, not {type(system).__name__}.")
    for name, text in (("prompt", prompt), ("system prompt", system)):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            raise SpecError(f"The {name} is not valid Unicode text.") from None
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        raise SpecError(f"max_tokens must be a whole number of at least 1, not {max_tokens!r}.")
    if not _is_number(temperature) or not 0 <= temperature <= 5:
        raise SpecError(f"temperature must be a number from 0 to 5, not {temperature!r}.")
    if not _is_number(top_p) or not 0 < top_p <= 1:
        raise SpecError(f"top_p must be a number above 0 and at most 1, not {top_p!r}.")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or seed < 0):
        raise SpecError(f"seed must be a whole number of 0 or more, or None, not {seed!r}.")


def generate(
    prompt: str,
    model: str,
    backend: str = "local",
    *,
    system: str = "",
    max_tokens: int = 256,
    temperature: float = 0.0,
    top_p: float = 1.0,
    seed: int | None = None,
    base_url: str | None = None,
    api_key: str | None = None,
    provider: str | None = None,
    cache: Any = None,
) -> GenerationResult:
    """One answer with its timings (`.text`, `.timings`); raises BackendError when the model fails,
    SpecError for arguments no model can take (an empty prompt, max_tokens < 1, temperature outside
    0..5, top_p outside (0, 1], a negative seed).

    `model` may be written `backend:model`; remote backends take `base_url`, `api_key`, `provider`.
    Greedy (temperature 0) or seeded answers are served from the disk cache when seen before.
    """
    from hfcompare.cache import GenerationCache
    from hfcompare.embedding import remote_settings

    _check_generate_input(prompt, system, max_tokens, temperature, top_p, seed)
    ref = ModelRef.parse(model, default_backend=backend)
    params = GenerationParams(max_tokens=max_tokens, temperature=temperature, top_p=top_p, seed=seed)
    settings = remote_settings(ref.backend, base_url=base_url, api_key=api_key, provider=provider)
    result = generate_one(ref, prompt, params, system, settings=settings,
                          cache=cache if cache is not None else GenerationCache())
    if not result.ok:
        raise BackendError(result.error or f"{ref} failed")
    return result
