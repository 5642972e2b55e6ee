"""Fits my machine: the memory budget, the estimate's arithmetic, and measured over estimated."""

from __future__ import annotations

import pandas as pd
import pytest

from hfcompare.backends.local.memory import MemoryFigure
from hfcompare.hub import fit
from hfcompare.hub.discovery import Filters, apply_filters

MIB = 1024 * 1024
MEMINFO = """MemTotal:       16314668 kB
MemFree:         1021412 kB
MemAvailable:    8388608 kB
Buffers:          123456 kB
"""


def figure(load_mb: float) -> MemoryFigure:
    return MemoryFigure("local:m", load_mb, load_mb + 10, None, 300.0, "how", "here", "2026-12-07T00:00:00")


def test_mem_available_is_read_from_meminfo_text():
    assert fit.mem_available_mb(MEMINFO) == 8192.0
    assert fit.mem_available_mb("MemTotal: 100 kB\n") is None
    assert fit.mem_available_mb("") is None


def test_cgroup_room_is_the_limit_less_the_usage_and_max_means_none():
    assert fit.cgroup_room_mb(f"{2048 * MIB}\n", f"{512 * MIB}\n") == 1536.0
    assert fit.cgroup_room_mb(f"{2048 * MIB}\n") == 2048.0
    assert fit.cgroup_room_mb("max\n", "123") is None
    assert fit.cgroup_room_mb(str(2**63 - 4096)) is None   # cgroup v1's "no limit"
    assert fit.cgroup_room_mb("") is None


def _machine(tmp_path, meminfo: str | None, cgroup_max: str | None = None, current: str | None = None):
    proc, cgroup = tmp_path / "proc", tmp_path / "cgroup"
    proc.mkdir()
    cgroup.mkdir()
    if meminfo is not None:
        (proc / "meminfo").write_text(meminfo)
    if cgroup_max is not None:
        (cgroup / "memory.max").write_text(cgroup_max)
    if current is not None:
        (cgroup / "memory.current").write_text(current)
    return proc, cgroup


def test_budget_is_mem_available_unless_a_smaller_cgroup_limit_or_the_variable(tmp_path):
    proc, cgroup = _machine(tmp_path, MEMINFO, "max\n")
    budget = fit.machine_budget({}, proc, cgroup)
    assert budget.mb == 8192.0 and "MemAvailable" in budget.source
    (cgroup / "memory.max").write_text(str(3000 * MIB))
    (cgroup / "memory.current").write_text(str(1000 * MIB))
    budget = fit.machine_budget({}, proc, cgroup)
    assert budget.mb == 2000.0 and "cgroup" in budget.source
    assert fit.machine_budget({fit.BUDGET_ENV: "1000"}, proc, cgroup) == fit.Budget(1000.0, fit.BUDGET_ENV)
    ignored = fit.machine_budget({fit.BUDGET_ENV: "lots"}, proc, cgroup)
    assert ignored.mb == 2000.0 and "ignored" in ignored.source


def test_budget_unknown_when_nothing_can_be_read(tmp_path):
    proc, cgroup = _machine(tmp_path, None)
    budget = fit.machine_budget({}, proc, cgroup)
    assert budget.mb is None and budget.source.startswith("unknown")


@pytest.mark.parametrize("precision, bits", [
    ("fp32", 32), ("F32", 32), ("bf16", 16), ("FP16", 16), ("int8", 8), ("Q8_0", 8.5), ("Q4_0", 4.5),
    ("Q4_1", 5.0), ("Q4_K_M", 4.5), ("q6_k", 6.5625), ("Q2_K", 2.625), ("Q3_K_S", 3.4375), ("Q5_K_M", 5.5),
])
def test_bits_per_param(precision, bits):
    assert fit.bits_per_param(precision) == bits


def test_bits_per_param_unknown_names_are_none():
    assert fit.bits_per_param("IQ1_S") is None and fit.bits_per_param(None) is None and fit.bits_per_param("") is None


def test_estimate_arithmetic_is_exact():
    assert fit.estimate(1_000_000_000, "fp32").value_mb == 4e9 / MIB
    assert fit.estimate(1_000_000_000, "bf16").value_mb == 2e9 / MIB
    assert fit.estimate(1_000_000_000, "int8").value_mb == 1e9 / MIB
    assert fit.estimate(8_000_000_000, "Q4_K_M").value_mb == 8e9 * 4.5 / 8 / MIB
    mixed = fit.estimate(None, dtypes={"BF16": 1_000_000, "F32": 500})
    assert mixed.value_mb == (1_000_000 * 2 + 500 * 4) / MIB and mixed.how == "estimated"


def test_unknown_precision_assumes_fp32_and_says_so():
    found = fit.estimate(22_700_000, None)
    assert found.value_mb == 22_700_000 * 4 / MIB
    assert found.how == "estimated" and "fp32 assumed" in found.basis


@pytest.mark.parametrize("parameters", [None, float("nan"), 0])
def test_unknown_parameters_stay_unknown_never_zero(parameters):
    found = fit.estimate(parameters, "fp32", budget_mb=1)
    assert found.value_mb is None and found.how == "unknown"
    assert not found.over_budget and found.mark() == "" and found.shown() == "unknown, not filtered"


def test_measured_beats_estimated_and_is_labelled_measured():
    found = fit.verdict(figure(80.0), parameters=1e9, precision="fp32", budget_mb=100)
    assert found.value_mb == 80.0 and found.how == "measured" and not found.over_budget
    estimated = fit.verdict(None, parameters=1e9, precision="fp32", budget_mb=100)
    assert estimated.how == "estimated" and estimated.over_budget


def test_the_mark_names_the_figure_how_and_budget():
    found = fit.estimate(351_272_960, "fp32", budget_mb=1000)
    assert found.mark() == "⚠ 1,340 MB estimated > budget 1,000 MB" == found.shown()
    assert fit.estimate(1e6, "fp32", budget_mb=1000).shown() == "fits"
    assert fit.estimate(1e6, "fp32", budget_mb=None).shown() == "no budget"


def test_for_ref_measured_local_estimated_local_and_servers():
    measured = {("local:a/measured", "embeddings"): figure(50.0)}
    lookup = lambda ref, task: measured.get((ref, task))   # noqa: E731
    assert fit.for_ref("local:a/measured", "embeddings", 10, 1e9, lookup).mark() == "⚠ 50 MB measured > budget 10 MB"
    assert fit.for_ref("local:a/other", "embeddings", 10, 1e9, lookup).how == "estimated"
    server = fit.for_ref("hf:a/other", "embeddings", 10, 1e9, lookup)
    assert server.how == "not on this machine" and server.value_mb is None and not server.over_budget
    onnx = fit.for_ref("onnx:a/other", "embeddings", 10, 1e9, lookup)
    assert onnx.how == "unknown" and onnx.value_mb is None


def test_bundled_gguf_uses_its_quantization():
    found = fit.for_ref("local:HuggingFaceTB/SmolLM2-135M-Instruct", "generation", None, 135_000_000,
                        lambda ref, task: None)
    assert found.value_mb == 135_000_000 * 5.0 / 8 / MIB and "Q4_1" in found.basis


def test_discover_rows_get_memory_columns_and_the_filter_keeps_unknown():
    frame = pd.DataFrame({"id": ["big", "small", "nobody-knows", "measured"],
                          "parameters": [1e9, 1e6, None, 1e9]})
    lookup = lambda ref, task: figure(20.0) if ref == "local:measured" else None   # noqa: E731
    rows = fit.with_memory(frame, "embeddings", 1000, lookup)
    assert list(rows["memory_from"]) == ["estimated", "estimated", "unknown", "measured"]
    assert list(rows["over_budget"]) == [True, False, False, False]
    assert rows["fit"][0] == "⚠ 3,815 MB estimated > budget 1,000 MB" and rows["fit"][2] == "unknown, not filtered"
    assert pd.isna(rows["memory_mb"][2]) and rows["memory_mb"][3] == 20
    assert list(apply_filters(rows, Filters(fits_only=True))["id"]) == ["small", "nobody-knows", "measured"]
    assert len(apply_filters(rows, Filters(fits_only=False))) == 4
