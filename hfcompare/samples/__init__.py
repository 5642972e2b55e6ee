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


RETRIEVAL_SAMPLE = "invoice_retrieval.jsonl"


def retrieval_sample_description() -> str:
    """What the bundled labeled retrieval sample is (its first line)."""
    first = (_HERE / RETRIEVAL_SAMPLE).read_text(encoding="utf-8").splitlines()[0]
    return json.loads(first)["description"]


def load_retrieval_sample():
    """The bundled labeled retrieval sample, as a RetrievalDataset."""
    from hfcompare.retrieval.labeled import parse_jsonl

    return parse_jsonl((_HERE / RETRIEVAL_SAMPLE).read_bytes(), source=RETRIEVAL_SAMPLE)
