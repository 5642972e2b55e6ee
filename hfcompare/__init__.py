"""hfcompare: compare Hugging Face models side by side on your own data.

Heavy libraries (torch, sentence-transformers) load only when a model first runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    import numpy as np


def embed(texts: list[str], model: str, backend: str = "local") -> "np.ndarray":
    """L2-normalized float32 vectors, shape (len(texts), d); see `hfcompare.embedding.embed`."""
    from hfcompare.embedding import embed as _embed

    return _embed(texts, model, backend)


def __getattr__(name: str) -> Any:
    if name in {"ModelRef", "SpecError"}:
        from hfcompare import spec

        return getattr(spec, name)
    raise AttributeError(name)
