"""Does a model fit this machine's memory? A budget in MB, and each model's figure against it.

The budget is this machine's available memory (MemAvailable in /proc/meminfo, or the room left under
a cgroup's memory.max when that is smaller), or HFCOMPARE_MEMORY_BUDGET_MB. A model's figure is the
one measured here (hfcompare.backends.local.memory) when there is one, else an estimate: parameters ×
bits per parameter at its precision (BITS_PER_PARAM), the weights alone. An estimate is never called
measured, and a model whose parameters are unknown stays unknown: it is never counted as 0 and never
filtered out. MB are MiB (1024 × 1024 bytes), as in the measured figures.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

BUDGET_ENV = "HFCOMPARE_MEMORY_BUDGET_MB"
MIB = 1024 * 1024

#: Bits each parameter's weight takes at a precision: the one table estimates read.
#: - Floats and integers: their width (safetensors dtype names, and the usual short names).
#: - GGUF block quantizations (llama.cpp, ggml-common.h): bytes per block × 8 / weights per block.
#:   Blocks of 32: Q4_0 = (2 + 16) B → 4.5; Q4_1 = 20 B → 5.0; Q5_0 = 22 B → 5.5; Q5_1 = 24 B → 6.0;
#:   Q8_0 = 34 B → 8.5. K-quants, blocks of 256: Q2_K = 84 B → 2.625; Q3_K = 110 B → 3.4375;
#:   Q4_K = 144 B → 4.5; Q5_K = 176 B → 5.5; Q6_K = 210 B → 6.5625.
#:   A file named Q4_K_M (or _S, _L, _XS) is mostly its base type; these mixes keep some tensors (often
#:   the embeddings and the output layer) at a wider type, so the real file runs somewhat larger.
BITS_PER_PARAM: dict[str, float] = {
    "F64": 64, "F32": 32, "F16": 16, "BF16": 16, "F8_E4M3": 8, "F8_E5M2": 8,
    "I64": 64, "I32": 32, "I16": 16, "I8": 8, "U8": 8, "BOOL": 8,
    "Q4_0": 4.5, "Q4_1": 5.0, "Q5_0": 5.5, "Q5_1": 6.0, "Q8_0": 8.5,
    "Q2_K": 2.625, "Q3_K": 3.4375, "Q4_K": 4.5, "Q5_K": 5.5, "Q6_K": 6.5625,
}
_ALIASES = {"FP32": "F32", "FLOAT32": "F32", "FP16": "F16", "FLOAT16": "F16", "INT8": "I8", "FP64": "F64"}
#: When the precision is unknown: fp32, the widest precision these models' weights ship in, so the
#: estimate is an upper bound for 16- and 32-bit weights (and says it assumed so).
ASSUMED = "F32"
HOW_MEASURED, HOW_ESTIMATED, HOW_UNKNOWN, HOW_SERVER = "measured", "estimated", "unknown", "not on this machine"


def bits_per_param(precision: str | None) -> float | None:
    """BITS_PER_PARAM for a precision name ("bf16", "Q4_K_M", "int8"); None when not in the table."""
    if not precision:
        return None
    name = precision.strip().upper().replace("-", "_")
    name = _ALIASES.get(name, name)
    if name in BITS_PER_PARAM:
        return BITS_PER_PARAM[name]
    base = re.sub(r"_(XXS|XS|S|M|L)$", "", name)   # Q4_K_M → Q4_K
    return BITS_PER_PARAM.get(base)


@dataclass(frozen=True)
class Budget:
    """The memory budget in MB (None: unknown, nothing is filtered) and where it came from."""

    mb: float | None
    source: str


@dataclass(frozen=True)
class MemoryVerdict:
    """A model's memory against the budget: value_mb (None when unknown), how it was found ("measured",
    "estimated", "unknown", or "not on this machine" for a server), what it rests on, and the budget."""

    value_mb: float | None
    how: str
    basis: str
    budget_mb: float | None = None

    @property
    def over_budget(self) -> bool:
        return self.value_mb is not None and self.budget_mb is not None and self.value_mb > self.budget_mb

    def mark(self) -> str:
        """"⚠ 1,340 MB estimated > budget 1,000 MB" when over the budget, else ""."""
        if not self.over_budget:
            return ""
        return f"⚠ {self.value_mb:,.0f} MB {self.how} > budget {self.budget_mb:,.0f} MB"

    def shown(self) -> str:
        """A table cell: the mark, "fits", or why nothing is checked."""
        if self.over_budget:
            return self.mark()
        if self.how == HOW_SERVER:
            return "runs on a server"
        if self.value_mb is None:
            return "unknown, not filtered"
        if self.budget_mb is None:
            return "no budget"
        return "fits"


# --- the budget ---------------------------------------------------------------------------------

def mem_available_mb(meminfo: str) -> float | None:
    """MemAvailable from the text of /proc/meminfo, in MB; None when it is not there."""
    match = re.search(r"^MemAvailable:\s+(\d+)\s*kB", meminfo, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else None


def cgroup_room_mb(limit: str, current: str | None = None) -> float | None:
    """The room under a cgroup limit in MB: memory.max (or v1's limit_in_bytes) less the usage when
    known; None for "max" (no limit), an unset v1 limit (near 2**63) or text that is not a number."""
    limit = limit.strip()
    if not limit.isdigit() or int(limit) >= 2**60:
        return None
    used = int(current.strip()) if current and current.strip().isdigit() else 0
    return max(int(limit) - used, 0) / MIB


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def machine_budget(environ: dict[str, str] | None = None, proc: Path = Path("/proc"),
                   cgroup: Path = Path("/sys/fs/cgroup")) -> Budget:
    """HFCOMPARE_MEMORY_BUDGET_MB when set to a positive number, else this machine's available memory
    (the smaller of MemAvailable and the room under the cgroup's limit), else unknown."""
    environ = os.environ if environ is None else environ
    given = environ.get(BUDGET_ENV, "").strip()
    note = ""
    if given:
        try:
            mb = float(given)
            if mb > 0:
                return Budget(mb, BUDGET_ENV)
        except ValueError:
            pass
        note = f" ({BUDGET_ENV}={given[:20]!r} is not a positive number, so it is ignored)"
    available = mem_available_mb(_read(proc / "meminfo") or "")
    limits = [cgroup_room_mb(_read(cgroup / "memory.max") or "", _read(cgroup / "memory.current")),
              cgroup_room_mb(_read(cgroup / "memory" / "memory.limit_in_bytes") or "",
                             _read(cgroup / "memory" / "memory.usage_in_bytes"))]
    room = min((x for x in limits if x is not None), default=None)
    if room is not None and (available is None or room < available):
        return Budget(room, "room under this container's memory limit (cgroup)" + note)
    if available is not None:
        return Budget(available, "this machine's available memory (MemAvailable)" + note)
    return Budget(None, "unknown: this machine's available memory could not be read" + note)


# --- a model's figure ---------------------------------------------------------------------------

def _count(parameters: float) -> str:
    return f"{parameters / 1e9:.3g}B" if parameters >= 1e9 else f"{parameters / 1e6:.3g}M"


def estimate(parameters: float | None, precision: str | None = None, dtypes: dict[str, int] | None = None,
             budget_mb: float | None = None) -> MemoryVerdict:
    """The weights' size: Σ parameters × bits / 8 over `dtypes` (safetensors counts per dtype) when every
    dtype is known, else parameters × bits at `precision` (fp32 assumed when it is unknown, and said).
    Unknown parameters give an unknown verdict, never 0."""
    if dtypes and all(bits_per_param(d) is not None for d in dtypes) and sum(dtypes.values()) > 0:
        total = sum(count * bits_per_param(d) / 8 for d, count in dtypes.items())
        parts = " + ".join(f"{_count(count)} × {bits_per_param(d) / 8:g} B ({d})" for d, count in dtypes.items())
        return MemoryVerdict(total / MIB, HOW_ESTIMATED, f"weights: {parts}", budget_mb)
    if parameters is None or parameters != parameters or parameters <= 0:   # None, NaN or no count
        return MemoryVerdict(None, HOW_UNKNOWN, "parameters unknown", budget_mb)
    bits = bits_per_param(precision)
    said = precision
    if bits is None:
        bits, said = BITS_PER_PARAM[ASSUMED], "fp32 assumed: precision unknown"
    return MemoryVerdict(parameters * bits / 8 / MIB, HOW_ESTIMATED,
                         f"weights: {_count(parameters)} parameters × {bits / 8:g} B ({said})", budget_mb)


def verdict(measured: Any = None, parameters: float | None = None, precision: str | None = None,
            dtypes: dict[str, int] | None = None, budget_mb: float | None = None) -> MemoryVerdict:
    """The measured figure (a MemoryFigure: its load_mb) when there is one, else the estimate."""
    if measured is not None:
        return MemoryVerdict(float(measured.load_mb), HOW_MEASURED, measured.describe(), budget_mb)
    return estimate(parameters, precision, dtypes, budget_mb)


def local_precision(backend: str, model: str, task: str) -> str | None:
    """The precision a bundled model runs at here (its GGUF quantization; fp32 for the bundled
    sentence-transformers folders); None when this cannot tell."""
    from hfcompare.backends.local.gguf import BUNDLED

    if backend != "local":
        return None
    if task == "generation":
        return next((m.quantization for m in BUNDLED if m.hub_id == model), None)
    from hfcompare.backends.local.sentence_transformer import bundled_sentence_transformer

    return "fp32" if bundled_sentence_transformer(model) is not None else None


def _remembered(ref: str, task: str):
    from hfcompare.backends.local import memory

    return memory.remembered(ref, task)


def _catalog_parameters(model: str) -> float | None:
    from hfcompare.hub.catalog import load_catalog

    entry = load_catalog().by_id(model)
    return entry.value("parameters") if entry is not None and "parameters" in entry.figures else None


def for_ref(ref: str, task: str, budget_mb: float | None, parameters: float | None = None,
            measured: Callable[[str, str], Any] = _remembered) -> MemoryVerdict:
    """The verdict for `backend:model` run from here: servers are not on this machine; the int8 ONNX
    copy only by measurement (onnxruntime's optimizations dequantize its weights, so its precision
    does not give its size); other local models measured, else estimated from the catalog's parameters."""
    from hfcompare.backends.local.memory import LOCAL_BACKENDS

    backend, _, model = str(ref).partition(":")
    if backend not in LOCAL_BACKENDS:
        return MemoryVerdict(None, HOW_SERVER, "runs on a server, not in this machine's memory", budget_mb)
    found = measured(str(ref), task)
    if found is not None:
        return verdict(found, budget_mb=budget_mb)
    if backend != "local":
        return MemoryVerdict(None, HOW_UNKNOWN, "not measured yet; its precision does not give its size", budget_mb)
    if parameters is None:
        parameters = _catalog_parameters(model)
    return estimate(parameters, local_precision(backend, model, task), budget_mb=budget_mb)


def with_memory(frame, task: str, budget_mb: float | None,
                measured: Callable[[str, str], Any] = _remembered):
    """`frame` (Discover's rows: "id", "parameters") with each model's memory if run here with the
    local backend: memory_mb, memory_from (measured / estimated / unknown), memory_basis and fit (the
    mark, "fits …", or "unknown, not filtered"), and over_budget."""
    found = [for_ref(f"local:{row.id}", task, budget_mb, _number(row.parameters), measured)
             for row in frame.itertuples()]
    return frame.assign(memory_mb=[None if v.value_mb is None else round(v.value_mb) for v in found],
                        memory_from=[v.how for v in found], memory_basis=[v.basis for v in found],
                        fit=[v.shown() for v in found], over_budget=[v.over_budget for v in found])


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else number
