"""The library's module paths before it was grouped by capability (version 0.1), kept working.

`import hfcompare.similarity` gives `hfcompare.embeddings.similarity` itself (the same module
object), so scripts written against the old paths, and the README of that version, still run.
`hfcompare.monitoring` is now the production monitoring API; it still gives the Monitor page's
figures it held before (`hfcompare.reporting.monitoring`). Four old modules became packages of the same name; those packages forward the old module's names
to the module that replaced it (`hfcompare.generation.generate` is `hfcompare.generation.runs.generate`).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from typing import Any, Callable

#: old module -> the module that holds its code now
MOVED = {
    "hfcompare.ab": "hfcompare.decide.ab",
    "hfcompare.arena": "hfcompare.decide.arena",
    "hfcompare.explain": "hfcompare.decide.explain",
    "hfcompare.scorecard": "hfcompare.decide.scorecard",
    "hfcompare.scoring": "hfcompare.decide.scoring",
    "hfcompare.bench": "hfcompare.reporting.bench",
    "hfcompare.charts": "hfcompare.reporting.charts",
    "hfcompare.report": "hfcompare.reporting.report",
    "hfcompare.cache": "hfcompare.storage.cache",
    "hfcompare.calllog": "hfcompare.storage.calllog",
    "hfcompare.store": "hfcompare.storage.store",
    "hfcompare.sharing": "hfcompare.storage.sharing",
    "hfcompare.catalog": "hfcompare.hub.catalog",
    "hfcompare.discovery": "hfcompare.hub.discovery",
    "hfcompare.hub_metadata": "hfcompare.hub.metadata",
    "hfcompare.backends.hub": "hfcompare.hub.probe",
    "hfcompare.embedding": "hfcompare.embeddings.runs",
    "hfcompare.similarity": "hfcompare.embeddings.similarity",
    "hfcompare.speed": "hfcompare.embeddings.speed",
    "hfcompare.prompts": "hfcompare.embeddings.prompts",
    "hfcompare.tables": "hfcompare.embeddings.tables",
    "hfcompare.evaldata": "hfcompare.retrieval.labeled",
    "hfcompare.evaluation": "hfcompare.retrieval.evaluation",
    "hfcompare.retrieval_tables": "hfcompare.retrieval.tables",
    "hfcompare.significance": "hfcompare.retrieval.significance",
    "hfcompare.projection": "hfcompare.retrieval.projection",
    "hfcompare.checks": "hfcompare.generation.checks",
    "hfcompare.spec": "hfcompare.refs",
    "hfcompare.backends.bundled_st": "hfcompare.backends.local.bundled",
    "hfcompare.backends.gguf": "hfcompare.backends.local.gguf",
    "hfcompare.backends.onnx": "hfcompare.backends.local.onnx",
    "hfcompare.backends.lexical": "hfcompare.backends.local.lexical",
    "hfcompare.backends.llamacpp": "hfcompare.backends.local.llamacpp",
    "hfcompare.backends.openai_compat": "hfcompare.backends.remote.openai_compat",
    "hfcompare.backends.hf_inference": "hfcompare.backends.remote.hf_inference",
}

#: old module that is now a package -> the module inside it that holds the old module's names
BECAME_PACKAGE = {
    "hfcompare.generation": "hfcompare.generation.runs",
    "hfcompare.retrieval": "hfcompare.retrieval.metrics",
    "hfcompare.backends.local": "hfcompare.backends.local.sentence_transformer",
    "hfcompare.backends.remote": "hfcompare.backends.remote.common",
}


class _OldPaths(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolves an old module path to the module that replaced it."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None):
        if fullname in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return importlib.import_module(MOVED[spec.name])

    def exec_module(self, module) -> None:
        """Nothing to run: the module was loaded under its new path."""


def install() -> None:
    """Let the old paths import (idempotent)."""
    if not any(isinstance(finder, _OldPaths) for finder in sys.meta_path):
        sys.meta_path.append(_OldPaths())


def forwarder(package: str) -> Callable[[str], Any]:
    """A module-level `__getattr__` for a package that replaced a module of the same name.

    Submodules are left to the import system; other public names come from the old module's code.
    """

    def __getattr__(name: str) -> Any:
        if name.startswith("_") or importlib.util.find_spec(f"{package}.{name}") is not None:
            raise AttributeError(name)
        return getattr(importlib.import_module(BECAME_PACKAGE[package]), name)

    return __getattr__
