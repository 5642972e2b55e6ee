"""Run generation models: one answer with its timings, the generation cache, and concurrent comparisons."""

from __future__ import annotations

import hashlib
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from hfcompare.backends import BackendError, Capability, GenerationParams, Usage, can, get_backend
from hfcompare.backends.base import Retried
from hfcompare.backends.local.cpu import turn_for, where_measured
from hfcompare.generation.timing import Timings, account
from hfcompare.refs import ModelRef, SpecError, is_blank
from hfcompare.storage.calllog import record_call

#: on_piece(model_ref, prompt_index, text_so_far)
OnPiece = Callable[[ModelRef, int, str], None]


#: The clock streamed events are stamped with; tests replace it with a scripted one (never wall time).
clock: Callable[[], float] = time.perf_counter

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
    #: seconds spent loading a model on this CPU before this answer (0 when it was loaded already;
    #: None on a server, when cached, or when it failed before): never inside time to first token
    load_s: float | None = None

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
            "load_s": self.load_s,
            "latency_s": t.latency_s if t else None,
            "ttft_s": t.ttft_s if t else None,
            "output_tokens": t.output_tokens if t else None,
            "prompt_tokens": t.prompt_tokens if t else None,
            "tokens_per_s": t.tokens_per_s if t else None,
            "tokens_per_s_note": t.speed_note if t else "",
            "threads": t.threads if t else None,
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
        if hit is not None and "decode_s" not in hit["timings"]:
            hit = None  # timed before tokens/s ran to the end of the stream: answered again, not mixed
        if hit is not None:
            result.text, result.timings, result.where = hit["text"], Timings(**hit["timings"]), hit["where"]
            result.cached = True
            if on_piece:
                on_piece(ref, prompt_index, result.text)
            return result
        events: list[tuple[float, str | Usage | Retried]] = []
        so_far = ""
        # a model on this CPU waits for its turn (no other local model computes while it is timed),
        # then loads, apart from the answer's clock
        with turn_for(backend) as choice:
            loading = time.perf_counter()
            backend.load_generator(ref.model)
            if choice is not None:  # a server's model loads on the server: building our client is not its load
                result.load_s = time.perf_counter() - loading
            started = clock()
            for event in backend.stream(ref.model, messages, params):
                events.append((clock(), event))
                if on_piece and isinstance(event, str) and event:
                    so_far += event
                    on_piece(ref, prompt_index, so_far)
            ended = clock()
        result.text, result.timings = account(started, events, ended)
        result.timings.threads = choice.threads if choice else None
        result.where = _where(ref, backend)
        t = result.timings
        record_call(ref.backend, ref.model, "generation", t.latency_s, True, items=1, tokens=t.output_tokens,
                    timing={"ttft_s": t.ttft_s, "decode_tokens": t.decode_tokens, "decode_s": t.decode_s,
                            "threads": t.threads})
        if use_cache:
            cache.set(key, {"text": result.text, "timings": asdict(result.timings), "where": result.where})
    except BackendError as exc:
        result.error, result.error_kind = str(exc), exc.kind
    except Exception as exc:  # noqa: BLE001 - one model's crash must not sink the comparison
        result.error, result.error_kind = f"{type(exc).__name__}: {exc}", "crashed"
    if result.error:  # no key, and no credentials of any URL, in what is shown, stored or exported
        from hfcompare.backends.remote.common import redact

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
    from hfcompare.backends.remote.common import remote_settings
    from hfcompare.storage.cache import GenerationCache

    _check_generate_input(prompt, system, max_tokens, temperature, top_p, seed)
    ref = ModelRef.parse(model, default_backend=backend)
    params = GenerationParams(max_tokens=max_tokens, temperature=temperature, top_p=top_p, seed=seed)
    settings = remote_settings(ref.backend, base_url=base_url, api_key=api_key, provider=provider)
    result = generate_one(ref, prompt, params, system, settings=settings,
                          cache=cache if cache is not None else GenerationCache())
    if not result.ok:
        raise BackendError(result.error or f"{ref} failed")
    return result
