"""The pages' memory columns (ui/memory.py): a model whose every result failed is not loaded again in a
fresh process to be measured (it would fail the same way, or download it); a figure from before still shows."""

from __future__ import annotations

from types import SimpleNamespace

from hfcompare.backends.local import memory
from ui.memory import failed_refs, memory_figures

MINILM, MPNET = "local:sentence-transformers/all-MiniLM-L6-v2", "local:sentence-transformers/all-mpnet-base-v2"


def test_only_models_that_answered_are_measured(measured):
    calls = measured
    results = [SimpleNamespace(ref=MINILM, ok=True), SimpleNamespace(ref=MPNET, ok=False),
               SimpleNamespace(ref=MPNET, ok=False)]
    assert failed_refs(results) == {MPNET}
    figures = memory_figures([MINILM, MPNET], "embeddings", failed_refs(results))
    assert calls == [MINILM] and figures[MPNET] is None and figures[MINILM].load_mb == 80.0
    memory.measure(MPNET)                                   # measured elsewhere (bench, an earlier run)
    assert memory_figures([MINILM, MPNET], "embeddings", {MPNET})[MPNET] is not None
    assert calls == [MINILM, MPNET]
