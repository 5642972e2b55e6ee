"""hfcompare: compare Hugging Face models side by side on your own data.

The library is grouped by capability, each subpackage saying what it owns in its docstring:
`backends` (local and remote), `hub`, `embeddings`, `retrieval`, `generation`, `decide`,
`storage` and `reporting`; `refs` parses model references, `config` reads settings, `cli` is the
`hfcompare` command, `monitoring` records production calls. Heavy libraries (torch, sentence-transformers) load only when a model first
runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    import numpy as np


def embed(texts: list[str], model: str, backend: str = "local", **remote: Any) -> "np.ndarray":
    """L2-normalized float32 vectors, shape (len(texts), d); see `hfcompare.embeddings.runs.embed`.

    Remote backends take `base_url=`, `api_key=` and (for `hf`) `provider=`.
    """
    from hfcompare.embeddings.runs import embed as _embed

    return _embed(texts, model, backend, **remote)


def generate(prompt: str, model: str, backend: str = "local", **params: Any):
    """One answer with its timings; see `hfcompare.generation.runs.generate` for the parameters."""
    from hfcompare.generation.runs import generate as _generate

    return _generate(prompt, model, backend, **params)


def __getattr__(name: str) -> Any:
    if name in {"ModelRef", "SpecError"}:
        from hfcompare import refs

        return getattr(refs, name)
    raise AttributeError(name)
