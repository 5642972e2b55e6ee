"""Run embedding models over texts through the cache, one model's failure never stopping the rest."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from hfcompare.backends import BackendError, get_backend
from hfcompare.backends.local.cpu import where_measured
from hfcompare.backends.remote.common import remote_settings
from hfcompare.config import EMBED_CHUNK, SPEED_PASSES, SPEED_SAMPLE
from hfcompare.embeddings import speed as _speed
from hfcompare.embeddings.similarity import normalize_rows
from hfcompare.embeddings.speed import SpeedStats
from hfcompare.refs import ModelRef, SpecError
from hfcompare.storage.cache import EmbeddingCache, vector_key
from hfcompare.storage.calllog import SPEED_PASS, WORK

__all__ = ["EmbeddingResult", "SpeedStats", "compare_embeddings", "embed", "embed_with_stats"]

#: progress(model_ref, done_texts, total_texts, stage) with stage "loading" or "embedding"
Progress = Callable[[ModelRef, int, int, str], None]

_single_flight_locks: dict[str, threading.Lock] = {}
_single_flight_guard = threading.Lock()


@dataclass
class EmbeddingResult:
    """One model's vectors for the compared texts, with how they were obtained."""

    ref: ModelRef
    vectors: np.ndarray | None = None
    error: str | None = None
    error_kind: str | None = None
    n_texts: int = 0
    cache_hits: int = 0
    computed: int = 0
    load_s: float = 0.0
    compute_s: float = 0.0
    note: str = ""
    #: this run's speed (timed passes after the computing pass), or the last recorded one (this_run=False)
    speed: SpeedStats | None = None
    #: the role the texts were embedded as ("query", "document", or None: compare mode has no roles)
    role: str | None = None
    #: the text put before each text ("" for none); see hfcompare.embeddings.prompts
    prompt: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None and self.vectors is not None

    @property
    def dimensions(self) -> int | None:
        return None if self.vectors is None else int(self.vectors.shape[1])

    @property
    def cold_ms_per_text(self) -> float | None:
        """The median milliseconds per text of the timed passes (this run's, or the last recorded)."""
        return None if self.speed is None else self.speed.median_ms


def _remembered_speed(cache: EmbeddingCache, ident: str) -> SpeedStats | None:
    """The last speed recorded for `ident` (this_run=False), if any; an old single-pass record loads as
    one pass (low = high = median)."""
    record = cache.timing_record(ident)
    if record is None:
        return None
    try:
        return SpeedStats.from_record(record)
    except (TypeError, ValueError):
        return None


def _timing_ident(ref: ModelRef, fingerprint: str, texts_id: str) -> str:
    """The key of a model's remembered speed: its version and the exact texts timed (with their role
    and prompt), so a fully cached run never shows a speed measured on other texts."""
    return f"{ref.backend}|{ref.model}|{fingerprint}|{texts_id}"


def embed_with_stats(
    texts: list[str],
    ref: ModelRef,
    cache: EmbeddingCache | None = None,
    progress: Progress | None = None,
    settings: Any = None,
    speed_passes: int | None = None,
    role: str | None = None,
    prompt: str = "",
) -> EmbeddingResult:
    """Vectors for `texts` from one model, computing only cache misses; errors land in the result.

    `settings` configure a remote backend (a RemoteSettings); local backends ignore them.
    `role` ("query" or "document") and `prompt` (put before each text) say how the texts are
    embedded; both are part of the cache key, so vectors with and without a prompt never mix.
    When anything is computed, the speed is then measured apart from the cache: one untimed warm-up
    and `speed_passes` (default SPEED_PASSES; 0 skips it) timed passes over up to SPEED_SAMPLE of the
    texts. A fully cached run reports the last recorded speed instead.
    """
    result = EmbeddingResult(ref=ref, n_texts=len(texts), role=role, prompt=prompt)
    options = vector_options(role, prompt)
    called = _speed.clock()
    try:
        backend = get_backend(ref.backend, settings, task="embeddings")
        result.note = backend.note
        fingerprint = backend.fingerprint(ref.model)
        texts_id = _speed.texts_fingerprint(_speed.sample_texts(texts, SPEED_SAMPLE), role or "", prompt)
        ident = _timing_ident(ref, fingerprint, texts_id)
        use_cache = cache is not None and backend.cacheable
        keys = cache_keys(ref, fingerprint, texts, role, prompt)
        found = cache.get_vectors(keys) if use_cache else {}
        if use_cache and any(k not in found for k in keys):
            # another session may be computing these very vectors: wait for it, then read them
            with _single_flight(f"{ref.backend}|{ref.model}|{fingerprint}|{sorted(options.items())}"):
                found = cache.get_vectors(keys)
                _compute_missing(backend, ref, texts, keys, found, result, cache, progress, speed_passes, ident)
        else:
            _compute_missing(backend, ref, texts, keys, found, result, cache if use_cache else None, progress,
                             speed_passes, ident)
        if cache is not None:
            cache.count(result.cache_hits if use_cache else 0, result.computed if use_cache else 0)
            if result.speed is None:
                result.speed = _remembered_speed(cache, ident)
        result.vectors = np.stack([found[k] for k in keys]).astype(np.float32, copy=False)
    except BackendError as exc:
        result.error, result.error_kind = str(exc), exc.kind
        _log_failure(ref, exc, len(texts), _speed.clock() - called)
    except Exception as exc:  # noqa: BLE001 - one model's crash must not sink the comparison
        from hfcompare.backends.remote.common import redact

        # an unexpected exception may quote a URL or a key: no credentials in what is shown or logged
        secrets = settings.secrets() if hasattr(settings, "secrets") else []
        result.error, result.error_kind = redact(f"{type(exc).__name__}: {exc}", secrets), "crashed"
        _log_failure(ref, exc, len(texts), _speed.clock() - called)
    return result


def _single_flight(name: str) -> threading.Lock:
    """One lock per model and embedding options in this process. Concurrent sessions that miss the
    same vectors (8 visitors running the sample at once) take turns: the first computes and caches
    them and measures the speed; the others then find them in the cache, instead of each computing
    them again and timing its own speed passes on a machine the others keep busy."""
    with _single_flight_guard:
        return _single_flight_locks.setdefault(name, threading.Lock())


def _compute_missing(backend, ref: ModelRef, texts: list[str], keys: list[str], found: dict[str, np.ndarray],
                     result: EmbeddingResult, cache: EmbeddingCache | None, progress: Progress | None,
                     speed_passes: int | None, ident: str) -> None:
    """Compute the texts whose keys are not in `found` (adding them to it and to `cache`), then time
    the speed passes; fills `result`'s counts, times and speed."""
    role, prompt = result.role, result.prompt
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in found}.items(), key=lambda kt: -len(kt[1]))
    result.cache_hits = sum(1 for k in keys if k in found)
    if progress:
        progress(ref, result.cache_hits, len(texts), "loading" if missing else "embedding")
    if not missing:
        return
    started = time.perf_counter()
    backend.load(ref.model)
    result.load_s = time.perf_counter() - started
    # Longest first, so each chunk pads to similar lengths (as sentence-transformers sorts).
    chunk = getattr(backend, "chunk_size", EMBED_CHUNK) if backend.cacheable else len(missing)
    computed: dict[str, np.ndarray] = {}
    started = time.perf_counter()
    for begin in range(0, len(missing), chunk):
        part = missing[begin : begin + chunk]
        vectors = normalize_rows(np.asarray(_logged_batch(backend, ref, [t for _, t in part], role, prompt)))
        if vectors.shape[0] != len(part):
            raise BackendError(f"{ref} returned {vectors.shape[0]} vectors for {len(part)} texts.")
        computed.update({k: v for (k, _), v in zip(part, vectors)})
        if progress:
            progress(ref, result.cache_hits + len(computed), len(texts), "embedding")
    result.compute_s = time.perf_counter() - started
    result.note = backend.note
    result.computed = len(computed)
    found.update(computed)
    passes = SPEED_PASSES if speed_passes is None else speed_passes
    if passes > 0:
        result.speed, measured = _measure_speed(backend, ref, texts, passes, result, role, prompt)
        if cache is not None and measured:
            cache.record_timing(ident, result.speed.to_record())
    if cache is not None:  # after the speed record, so a session that finds every vector finds the speed too
        cache.set_vectors(computed)


def _log_failure(ref: ModelRef, exc: BaseException, n_texts: int, seconds: float) -> None:
    """Log, with its error class, a failure no batch call logged (a load that failed, an unknown
    backend, a typo'd or unbundled model offline), so the Monitor counts it."""
    from hfcompare.storage.calllog import record_call

    if not getattr(exc, "call_logged", False):
        record_call(ref.backend, ref.model, "embeddings", seconds, False, getattr(exc, "kind", type(exc).__name__),
                    items=n_texts)


def _measure_speed(backend, ref: ModelRef, texts: list[str], passes: int, result: EmbeddingResult,
                   role: str | None = None, prompt: str = "") -> tuple[SpeedStats | None, bool]:
    """Timed passes straight to the backend (no cache), and whether they succeeded; if they fail,
    the computing pass alone stands in (said in the note) and is not remembered."""
    sample = _speed.sample_texts(texts, SPEED_SAMPLE)
    try:
        seconds = _speed.timed_passes(lambda part: _timed_batch(backend, ref, part, role, prompt, SPEED_PASS)[1],
                                      sample, passes)
        return SpeedStats.from_pass_seconds(seconds, len(sample), where_measured(),
                                            texts_id=_speed.texts_fingerprint(sample, role or "", prompt)), True
    except Exception as exc:  # noqa: BLE001 - the vectors are fine; only the speed measurement failed
        reason = getattr(exc, "kind", None) or type(exc).__name__
        result.note = " ".join(part for part in (result.note, f"The timed speed passes failed ({reason}); the "
                               "speed shown is the single computing pass.") if part)
        if not result.computed or result.compute_s <= 0:
            return None, False
        return SpeedStats.from_pass_seconds([result.compute_s], result.computed, where_measured()), False


def _timed_batch(backend, ref: ModelRef, texts: list[str], role: str | None = None, prompt: str = "",
                 purpose: str = WORK):
    """One backend call and its duration in seconds, recorded in the call log (latency, count,
    success or error class, `purpose`) after the clock stops, so logging never counts as model time.
    A model on this CPU waits for its turn (`backends.local.cpu`) before the clock starts."""
    from hfcompare.backends.local.cpu import turn_for
    from hfcompare.storage.calllog import record_call

    with turn_for(backend):
        started = _speed.clock()
        try:
            vectors = backend.embed_prompted(ref.model, texts, role, prompt)
        except Exception as exc:
            record_call(ref.backend, ref.model, "embeddings", _speed.clock() - started, False,
                        getattr(exc, "kind", type(exc).__name__), items=len(texts), purpose=purpose)
            exc.call_logged = True  # type: ignore[attr-defined] - embed_with_stats must not log it twice
            raise
        seconds = _speed.clock() - started
    record_call(ref.backend, ref.model, "embeddings", seconds, True, items=len(texts), purpose=purpose)
    return vectors, seconds


def _logged_batch(backend, ref: ModelRef, texts: list[str], role: str | None = None, prompt: str = ""):
    """One backend call, recorded in the call log (latency, count, success or error class)."""
    return _timed_batch(backend, ref, texts, role, prompt)[0]


def vector_options(role: str = "", prompt: str = "") -> dict[str, str]:
    """What else than the text changes a vector: part of its cache key."""
    return {k: v for k, v in (("role", role), ("prompt", prompt)) if v}


def cache_keys(ref: ModelRef, fingerprint: str, texts: list[str], role: str = "", prompt: str = "") -> list[str]:
    """The cache key of each text's vector from this model version (the one recipe for them)."""
    options = vector_options(role, prompt)
    return [vector_key(ref.backend, ref.model, fingerprint, options, t) for t in texts]


#: What one model would embed: (role, prompt, texts) batches, given the model and its backend.
Batches = Callable[[ModelRef, Any], list[tuple[str, str, list[str]]]]


def uncached_count(refs: list[ModelRef], cache: EmbeddingCache, settings: dict | None = None,
                   texts: list[str] | None = None, batches: Batches | None = None) -> int:
    """How many vectors the models `refs` would embed anew (not in `cache`), without loading any model:
    `texts` embedded as typed, or the `batches` each model would embed (roles and prompts). Backends
    that refit on every run (milliseconds, no model: not cacheable, or sparse) count nothing, and so
    does one that cannot say its key."""
    from hfcompare.backends import Capability, can

    new = 0
    for ref in refs:
        try:
            backend = get_backend(ref.backend, (settings or {}).get(ref.backend))
            if not backend.cacheable or can(backend, Capability.SPARSE):
                continue
            fingerprint = backend.fingerprint(ref.model)
            wanted = [key for role, prompt, batch in (batches(ref, backend) if batches else [("", "", texts or [])])
                      for key in cache_keys(ref, fingerprint, batch, role, prompt)]
        except Exception:  # noqa: BLE001, S112 - a backend that cannot say its key fails without loading
            continue
        new += len(wanted) - len(cache.get_vectors(wanted))
    return new


def compare_embeddings(
    texts: list[str],
    refs: list[ModelRef],
    cache: EmbeddingCache | None = None,
    progress: Progress | None = None,
    settings: dict[str, Any] | None = None,
) -> list[EmbeddingResult]:
    """Every model's vectors for the same texts, in the order of `refs`.

    `settings` maps a backend name to its RemoteSettings (for example from the sidebar).
    """
    settings = settings or {}
    return [embed_with_stats(texts, ref, cache, progress, settings=settings.get(ref.backend)) for ref in refs]


def _checked_texts(texts: Any) -> list[str]:
    """`texts` as a list of valid strings, or a SpecError saying what is wrong (for the public `embed`)."""
    if isinstance(texts, (str, bytes)):
        raise SpecError("texts must be a list of texts, not one string; pass [text].")
    try:
        texts = list(texts)
    except TypeError:
        raise SpecError(f"texts must be a list of texts, not {type(texts).__name__}.") from None
    if not texts:
        raise SpecError("Give at least one text to embed.")
    for number, text in enumerate(texts, start=1):
        if not isinstance(text, str):
            raise SpecError(f"Text {number} is {type(text).__name__}, not a text.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate
            raise SpecError(f"Text {number} is not valid Unicode text.") from None
    return texts


def embed(
    texts: list[str],
    model: str,
    backend: str = "local",
    cache: EmbeddingCache | None = None,
    *,
    base_url: str | None = None,
    api_key: str | None = None,
    provider: str | None = None,
    role: str | None = None,
    prompt: str | None = None,
) -> np.ndarray:
    """L2-normalized float32 vectors of shape (len(texts), d); raises BackendError on failure, and
    SpecError for texts that are not a non-empty list of strings or a malformed model reference.

    `model` may also be written `backend:model`. `base_url`, `api_key` and `provider` (hf only)
    configure remote backends. The disk cache under HFCOMPARE_HOME is used unless another is given.
    `role="query"` or `"document"` embeds the texts with the model's prompt for that role (its own
    configuration, else the catalog's; see hfcompare.embeddings.prompts); `prompt` sets the text put before
    each text instead. By default texts are embedded as given.
    """
    texts = _checked_texts(texts)
    ref = ModelRef.parse(model, default_backend=backend)
    settings = remote_settings(ref.backend, base_url=base_url, api_key=api_key, provider=provider)
    if prompt is None:
        from hfcompare.embeddings.prompts import prompts_for

        prompt = prompts_for(ref, settings=settings).for_role(role) if role else ""
    # only vectors are returned, so no timed speed passes (they would cost time nobody sees)
    result = embed_with_stats(texts, ref, cache if cache is not None else EmbeddingCache(), settings=settings,
                              speed_passes=0, role=role, prompt=prompt)
    if not result.ok:
        raise BackendError(result.error or f"{ref} failed")
    return result.vectors
