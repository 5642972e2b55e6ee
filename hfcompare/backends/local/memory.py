"""The memory a local model takes on this machine, measured in a fresh process and remembered on disk.

How it is measured (MEASURED_HOW says it in one line for tables and reports): a new Python process
imports the backend's libraries, reads its resident memory (VmRSS in /proc/self/status), loads the
model, reads it again (LOAD: what loading added), resets its peak (by writing 5 to
/proc/self/clear_refs, where the kernel allows it) and runs a fixed sample: the bundled sample texts
embedded in batches, or one short answer generated. PEAK is the highest resident memory it reached
(VmHWM), less the memory before loading. A llama.cpp model also reports its KV cache at the context
size used, computed from the model's metadata: n_ctx × n_layer × (n_embd_k_gqa + n_embd_v_gqa) ×
bytes per element of the cache type.

A fresh process is used because in the long-lived app process the figure would depend on what was
loaded before (allocator reuse, shared libraries). A figure is measured once per backend, model and
fingerprint (the model's version) and kept in $HFCOMPARE_HOME/memory.json. Models on servers are not
measured here; nothing is ever estimated into a measured figure: unknown stays None.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

MEASURED_HOW = ("resident memory (RSS) a fresh process gained by loading the model, and its peak above the "
                "memory before loading while {sample}, on this machine")
EMBED_SAMPLE = "embedding the bundled sample texts"
GENERATE_SAMPLE = "generating a 32-token answer"
NOT_HERE = "not measured here (the model runs on a server)"
#: Backends whose models run in this process, on this machine's memory (the lexical baseline is not a model).
LOCAL_BACKENDS = ("local", "onnx")
#: Libraries imported before the first reading, so their own memory is not counted as the model's.
PRELOAD = {("local", "embeddings"): ("sentence_transformers",), ("onnx", "embeddings"): ("onnxruntime", "tokenizers"),
           ("local", "generation"): ("llama_cpp",)}
#: Bytes per element of llama.cpp cache types (ggml type ids): f32, f16, bf16, q8_0 (34 bytes per 32).
GGML_BYTES = {0: 4.0, 1: 2.0, 30: 2.0, 8: 34 / 32}
TIMEOUT_S = 600
MB = 1024 * 1024


@dataclass(frozen=True)
class MemoryFigure:
    """A model's measured memory in MB (MiB): loading, peak while running the sample, KV cache (llama.cpp)."""

    ref: str
    load_mb: float
    peak_mb: float
    kv_cache_mb: float | None
    before_mb: float
    how: str
    where: str
    measured_at: str

    @property
    def value_mb(self) -> float:
        """The figure a decision uses: the resident memory the loaded model holds (its peak while running
        is shown beside it: a runtime can need more for the duration of a call)."""
        return self.load_mb

    def describe(self) -> str:
        kv = f", of which KV cache {self.kv_cache_mb:.0f} MB" if self.kv_cache_mb is not None else ""
        return f"measured: {self.load_mb:.0f} MB loaded, peak {self.peak_mb:.0f} MB{kv} ({self.how}; {self.where})"


def _status_kb() -> dict[str, int]:
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def kv_cache_bytes(metadata: dict[str, str], n_ctx: int, type_k: int, type_v: int) -> float | None:
    """n_ctx × n_layer × (n_embd_k_gqa + n_embd_v_gqa) × bytes per element, from GGUF metadata; None
    when the metadata or the cache type is not one this reads."""
    arch = metadata.get("general.architecture", "llama")
    try:
        layers = int(metadata[f"{arch}.block_count"])
        heads = int(metadata[f"{arch}.attention.head_count"])
        heads_kv = int(metadata.get(f"{arch}.attention.head_count_kv", heads))
        embd = int(metadata[f"{arch}.embedding_length"])
        key_len = int(metadata.get(f"{arch}.attention.key_length", embd // heads))
        value_len = int(metadata.get(f"{arch}.attention.value_length", embd // heads))
    except (KeyError, ValueError, ZeroDivisionError):
        return None
    if type_k not in GGML_BYTES or type_v not in GGML_BYTES:
        return None
    return float(n_ctx * layers * heads_kv * (key_len * GGML_BYTES[type_k] + value_len * GGML_BYTES[type_v]))


def _child(ref: str, task: str) -> dict[str, Any]:
    """Runs in the fresh process: load `ref`, run the sample, report the readings (MB)."""
    import importlib

    backend_name, _, model = ref.partition(":")
    for module in PRELOAD.get((backend_name, task), ()):
        importlib.import_module(module)
    from hfcompare.backends import get_backend

    backend = get_backend(backend_name)
    before = _status_kb()["VmRSS"]
    kv = None
    if task == "generation":
        from hfcompare.backends.base import GenerationParams
        from hfcompare.backends.local.llamacpp import load_generator

        kind, engine = load_generator(model)
        if kind == "gguf":
            kv = kv_cache_bytes(engine.metadata, engine.n_ctx(), engine.context_params.type_k,
                                engine.context_params.type_v)
    else:
        backend.load(model)
    loaded = _status_kb()["VmRSS"]
    reset = _reset_peak()
    if task == "generation":
        backend.complete(model, [{"role": "user", "content": "How do I create an invoice?"}],
                         GenerationParams(max_tokens=32))
    else:
        backend.embed_batch(model, sample_texts())
    peak = _status_kb()["VmHWM"]
    return {"before_mb": before / 1024, "load_mb": (loaded - before) / 1024, "peak_mb": (peak - before) / 1024,
            "kv_cache_mb": None if kv is None else kv / MB, "peak_reset": reset}


def sample_texts() -> list[str]:
    """The texts the embedding sample runs: the bundled invoice scenario's texts (fixed, so every model
    runs the same input)."""
    from importlib import resources

    raw = json.loads(resources.files("hfcompare.samples").joinpath("invoice_chatbot.json").read_text("utf-8"))
    texts = raw.get("texts") if isinstance(raw, dict) else raw
    return [str(t) for t in texts][:64]


def _store() -> Path:
    from hfcompare.config import home

    return home() / "memory.json"


_lock = threading.Lock()
_measuring: dict[str, threading.Lock] = {}
#: Measurements that failed in this process ({(store, key): reason}): not tried again on every page run.
_failed: dict[tuple[str, str], str] = {}
#: Figures measured in this process that the store file could not take (a folder in its place, a full
#: or read-only disk): kept here so they are not measured again on every page run.
_unsaved: dict[tuple[str, str], dict[str, Any]] = {}


def _read() -> dict[str, Any]:
    try:
        found = json.loads(_store().read_text("utf-8"))
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def _write(key: str, record: dict[str, Any]) -> None:
    path = _store()
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock:
        found = _read()
        found[key] = record
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            tmp.write_text(json.dumps(found, indent=1, sort_keys=True), "utf-8")
            os.replace(tmp, path)
        except OSError:   # the figure still counts; it is only not remembered past this process
            _unsaved[(str(path), key)] = record
            tmp.unlink(missing_ok=True)


def _key(ref: str, task: str) -> str | None:
    from hfcompare.backends import get_backend

    backend_name, _, model = ref.partition(":")
    if backend_name not in LOCAL_BACKENDS or not model:
        return None
    try:
        fingerprint = get_backend(backend_name).fingerprint(model)
    except Exception:  # noqa: BLE001 - a model whose version is unknown is not looked up
        return None
    return f"{backend_name}|{model}|{fingerprint}|{task}"


def _figure(ref: str, record: dict[str, Any]) -> MemoryFigure | None:
    try:
        return MemoryFigure(ref, float(record["load_mb"]), float(record["peak_mb"]),
                            None if record.get("kv_cache_mb") is None else float(record["kv_cache_mb"]),
                            float(record["before_mb"]), str(record["how"]), str(record["where"]),
                            str(record["measured_at"]))
    except (KeyError, TypeError, ValueError):
        return None


def remembered(ref: str, task: str = "embeddings") -> MemoryFigure | None:
    """The figure measured earlier for this model version, without measuring; None when there is none."""
    key = _key(str(ref), task)
    record = (_read().get(key) or _unsaved.get((str(_store()), key))) if key else None
    return _figure(str(ref), record) if isinstance(record, dict) else None


def refusal(ref: str, task: str = "embeddings") -> str | None:
    """In public mode, why the local model `ref` may not be loaded, so not measured either (the same rule
    as its loader: neither bundled nor allowed by the operator); None when it may be."""
    from hfcompare.backends.hub import public_refusal

    backend_name, _, model = str(ref).partition(":")
    if backend_name != "local":
        return None
    if task == "generation":
        from hfcompare.backends.local.gguf import BUNDLED

        bundled = any(model == entry.hub_id for entry in BUNDLED)
    else:
        from hfcompare.backends.local.sentence_transformer import bundled_sentence_transformer

        bundled = bundled_sentence_transformer(model) is not None
    return None if bundled else public_refusal(model)


def pending(ref: str, task: str = "embeddings") -> bool:
    """True when `measure` would start a measurement: a local model with no remembered figure, no
    failed attempt in this process, and not refused in public mode."""
    key = _key(str(ref), task)
    return key is not None and (str(_store()), key) not in _failed and remembered(str(ref), task) is None \
        and refusal(str(ref), task) is None


def run_child(ref: str, task: str) -> dict[str, Any]:
    """Measure in a fresh Python process (tests replace this)."""
    done = subprocess.run([sys.executable, "-m", "hfcompare.backends.local.memory", ref, task],
                          capture_output=True, text=True, timeout=TIMEOUT_S, env=os.environ.copy())
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(ref: str, task: str = "embeddings") -> MemoryFigure | None:
    """The model's memory on this machine: remembered, else measured now in a fresh process (seconds
    for a small model). None for models not run here, or when the measurement failed."""
    from hfcompare.backends.local.cpu import now_iso, where_measured

    ref = str(ref)
    key = _key(ref, task)
    if key is None:
        return None
    with _lock:
        guard = _measuring.setdefault(key, threading.Lock())
    with guard:   # one measurement per model at a time; the others then find it
        found = remembered(ref, task)
        if found is not None or (str(_store()), key) in _failed:
            return found
        reason = refusal(ref, task)
        if reason:   # public mode: no fresh process is started to load a model its page may not load
            _failed[(str(_store()), key)] = reason
            return None
        try:
            record = run_child(ref, task)
        except Exception as exc:  # noqa: BLE001 - a model that cannot be measured stays unknown
            _failed[(str(_store()), key)] = str(exc) or type(exc).__name__
            return None
        if not all(isinstance(record.get(k), (int, float)) for k in ("load_mb", "peak_mb", "before_mb")):
            _failed[(str(_store()), key)] = "the measurement gave no figures"
            return None
        record = {k: record.get(k) for k in ("load_mb", "peak_mb", "before_mb", "kv_cache_mb")}
        record |= {"how": MEASURED_HOW.format(sample=GENERATE_SAMPLE if task == "generation" else EMBED_SAMPLE),
                   "where": where_measured(), "measured_at": now_iso()}
        _write(key, record)
        return _figure(ref, record)


def measure_many(refs, task: str = "embeddings") -> dict[str, MemoryFigure | None]:
    """{ref: figure or None} for each ref (measured one after another: they would share the CPU)."""
    return {str(ref): measure(str(ref), task) for ref in dict.fromkeys(map(str, refs))}


def shown(figure: MemoryFigure | None, ref: str) -> str:
    """A short text for a table cell's note: the figure, "not measured here", or "unknown"."""
    if figure is not None:
        return figure.describe()
    backend = str(ref).partition(":")[0]
    return NOT_HERE if backend not in LOCAL_BACKENDS + ("lexical",) else "unknown (not measured)"


def columns(ref, figure: MemoryFigure | None) -> dict[str, Any]:
    """A table row's memory columns: memory_mb (RSS gained by loading), peak_memory_mb, kv_cache_mb
    (llama.cpp) and memory_from (how, or why there is no figure: "not measured here" for a server)."""
    if figure is not None:
        return {"memory_mb": round(figure.load_mb, 1), "peak_memory_mb": round(figure.peak_mb, 1),
                "kv_cache_mb": None if figure.kv_cache_mb is None else round(figure.kv_cache_mb, 1),
                "memory_from": f"measured here ({figure.where}, {figure.measured_at[:10]})"}
    remote = str(ref).partition(":")[0] not in LOCAL_BACKENDS + ("lexical",)
    return {"memory_mb": None, "peak_memory_mb": None, "kv_cache_mb": None,
            "memory_from": "not measured here (server)" if remote else "not measured"}


def record_json(figure: MemoryFigure | None) -> dict[str, Any] | None:
    return None if figure is None else {k: v for k, v in asdict(figure).items() if k != "ref"}


if __name__ == "__main__":
    print(json.dumps(_child(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "embeddings")))
