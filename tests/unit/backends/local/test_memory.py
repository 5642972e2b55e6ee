"""Measured memory: a fresh process per model, remembered by version, unknown stays unknown."""

from __future__ import annotations

import pytest

from hfcompare.backends.local import memory

MINILM = "sentence-transformers/all-MiniLM-L6-v2"


def test_kv_cache_from_smollm2_metadata():
    # SmolLM2-135M: 30 layers, 9 heads, 3 KV heads, 576 wide (64 per head), f16 cache (ggml type 1)
    meta = {"general.architecture": "llama", "llama.block_count": "30", "llama.attention.head_count": "9",
            "llama.attention.head_count_kv": "3", "llama.embedding_length": "576"}
    assert memory.kv_cache_bytes(meta, 4096, 1, 1) == 4096 * 30 * (192 + 192) * 2
    assert memory.kv_cache_bytes(meta, 4096, 2, 1) is None   # a cache type it does not read
    assert memory.kv_cache_bytes({}, 4096, 1, 1) is None


def test_measured_once_per_version_and_remembered(measured):
    calls = measured
    assert memory.remembered(f"local:{MINILM}") is None
    first = memory.measure(f"local:{MINILM}")
    again = memory.measure(f"local:{MINILM}")
    assert calls == [f"local:{MINILM}"]
    assert first == again and first.value_mb == 80.0 and first.peak_mb == 95.0
    assert "fresh process" in first.how and "measured" in first.describe()
    assert memory.remembered(f"local:{MINILM}") == first


def test_servers_and_failures_stay_unknown(monkeypatch):
    def child(ref, task):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(memory, "run_child", child)
    assert memory.measure("openai:gpt-4o-mini") is None
    assert memory.shown(None, "openai:gpt-4o-mini") == memory.NOT_HERE
    assert memory.measure(f"local:{MINILM}") is None   # failed: not invented, not remembered
    assert memory.remembered(f"local:{MINILM}") is None


def test_a_failed_measurement_is_not_retried_on_every_run(monkeypatch):
    calls = []

    def child(ref, task):
        calls.append(ref)
        raise RuntimeError("killed")

    monkeypatch.setattr(memory, "run_child", child)
    monkeypatch.setattr(memory, "_failed", {})
    ref = f"local:{MINILM}"
    assert memory.pending(ref)
    assert memory.measure(ref) is None and memory.measure(ref) is None
    assert calls == [ref] and not memory.pending(ref)


def test_a_store_file_that_cannot_be_written_keeps_the_figure_for_this_process(measured, monkeypatch, hfcompare_home):
    """memory.json a folder (or a full, read-only disk): the figure is returned and not measured again; was
    IsADirectoryError out of `bench` (issue 25's CLI battery, memory measurement)."""
    calls = measured
    monkeypatch.setattr(memory, "_unsaved", {})
    (hfcompare_home / "memory.json").mkdir(parents=True)
    ref = f"local:{MINILM}"
    assert memory.measure(ref).value_mb == 80.0 and memory.measure(ref).value_mb == 80.0
    assert calls == [ref] and not memory.pending(ref)
    assert [p.name for p in hfcompare_home.iterdir() if p.name.startswith("memory")] == ["memory.json"]


@pytest.mark.slow
def test_the_three_bundled_embedding_models_are_measured():
    """Measured, not assumed, each in a fresh process: the int8 copy (its weights kept int8 in memory,
    int8_graph.py) holds less than the fp32 model on PyTorch, loaded and at its peak while embedding; mpnet,
    5x MiniLM's parameters, holds more than MiniLM (docs/performance.md, "Memory of the bundled models")."""
    figures = memory.measure_many([f"local:{MINILM}", f"onnx:{MINILM}", "local:sentence-transformers/all-mpnet-base-v2"])
    fp32, int8, mpnet = figures.values()
    assert fp32 is not None and int8 is not None and mpnet is not None
    assert 0 < int8.value_mb < fp32.value_mb < mpnet.value_mb
    assert 0 < int8.peak_mb < fp32.peak_mb


@pytest.mark.slow
def test_bundled_generation_model_measured_with_its_kv_cache():
    figure = memory.measure("local:HuggingFaceTB/SmolLM2-135M-Instruct", "generation")
    assert figure is not None and figure.value_mb > 0
    assert figure.kv_cache_mb == pytest.approx(4096 * 30 * 384 * 2 / 2**20)   # 90 MB at n_ctx 4096, f16


def _figure(load=54.0, peak=144.0, kv=None):
    return memory.MemoryFigure("x", load, peak, kv, 57.0, "how", "CPU, 2 cores", "2026-01-02T03:04:05+00:00")


def test_memory_beside_speed_in_the_tables():
    import numpy as np
    import pandas as pd

    from hfcompare.embeddings.runs import EmbeddingResult
    from hfcompare.embeddings.tables import timing_table
    from hfcompare.generation.tables import ANSWERS, MODEL, generation_summary
    from hfcompare.refs import ModelRef

    here, server = ModelRef("onnx", MINILM), ModelRef("openai", "gpt")
    rows = [EmbeddingResult(ref, vectors=np.ones((2, 3), np.float32), n_texts=2) for ref in (here, server)]
    table = timing_table(rows, memory={str(here): _figure(), str(server): None})
    assert table.loc[0, "memory_mb"] == 54.0 and table.loc[0, "peak_memory_mb"] == 144.0
    assert table.loc[0, "memory_from"].startswith("measured here (CPU, 2 cores, 2026-01-02")
    assert pd.isna(table.loc[1, "memory_mb"]) and table.loc[1, "memory_from"] == "not measured here (server)"

    answers = pd.DataFrame({MODEL: ["smol"], "error": [""], "checks": [None], "latency_s": [1.0], "ttft_s": [0.1],
                            "tokens_per_s": [70.0], "tokens_per_s_note": [""], "retry_wait_s": [0.0],
                            "load_s": [0.0], "where": ["CPU"]})
    summary = generation_summary(answers, {"smol": memory.columns("local:smol", _figure(207.1, 209.5, 90.0))})
    assert summary.loc[0, ANSWERS] == 1 and summary.loc[0, "kv_cache_mb"] == 90.0 and summary.loc[0, "memory_mb"] == 207.1


def test_scorecard_size_prefers_measured_memory(monkeypatch):
    from hfcompare.decide import scorecard

    monkeypatch.setattr(memory, "remembered", lambda ref, task="embeddings": _figure() if ref.startswith("onnx:") else None)
    spec = scorecard.specs_for("embeddings")["size"]
    assert spec.sources[0] == "measured:memory_mb"
    found = scorecard.memory_measurement(f"onnx:{MINILM}")
    measured = {f"onnx:{MINILM}": {"memory_mb": found}}
    cell = scorecard.cell_for(f"onnx:{MINILM}", "measured:memory_mb", measured)
    assert cell.value == 54.0 and cell.source.startswith("measured: 54 MB loaded, peak 144 MB")
    assert scorecard.best_source("embeddings", "size", [f"onnx:{MINILM}"], measured) == "measured:memory_mb"
    assert not scorecard.cell_for(f"local:{MINILM}", "measured:memory_mb", measured).known   # unknown stays unknown
    criterion = scorecard.criterion_for("embeddings", "size", 20, "measured:memory_mb")
    assert criterion.unit == "MB" and criterion.label == "Size"
