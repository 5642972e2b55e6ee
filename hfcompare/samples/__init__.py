"""Bundled sample scenarios."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).parent


@lru_cache(maxsize=None)
def load_sample(name: str = "invoice_chatbot") -> dict:
    """A sample scenario: `name`, `description` and `texts`."""
    return json.loads((_HERE / f"{name}.json").read_text(encoding="utf-8"))


def sample_names() -> list[str]:
    """The bundled scenarios, by file name."""
    return sorted(path.stem for path in _HERE.glob("*.json"))
