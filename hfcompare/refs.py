"""What a comparison is: model references and texts, validated before anything runs."""

from __future__ import annotations

import os
from dataclasses import dataclass

from hfcompare.config import ALLOWED_MODELS_ENV, MAX_CHARS_PER_TEXT, MAX_MODELS, MAX_TEXTS

DEFAULT_BACKEND = "local"


def is_blank(value: object) -> bool:
    """True for an empty table cell: None, NaN, pandas' NA or an empty string."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, str) and not value.strip()


class SpecError(ValueError):
    """Input that cannot be compared; the message says what to change."""


@dataclass(frozen=True, order=True)
class ModelRef:
    """A model on a backend, written `backend:model` (Hub ids never contain a colon)."""

    backend: str
    model: str

    @classmethod
    def parse(cls, text: str, default_backend: str = DEFAULT_BACKEND) -> ModelRef:
        """Read `backend:model` or a bare model id (which uses `default_backend`)."""
        text = (text or "").strip()
        backend, sep, model = text.partition(":")
        if not sep:
            backend, model = default_backend, text
        backend, model = backend.strip(), model.strip()
        if not model or not backend:
            raise SpecError(f"{text!r} is not a model reference; write `model-id` or `backend:model-id`.")
        if any(ch.isspace() for ch in model) or len(model) > 200:
            raise SpecError(f"{model[:80]!r} is not a valid model id (no spaces, at most 200 characters).")
        return cls(backend, model)

    def __str__(self) -> str:
        return f"{self.backend}:{self.model}"


def parse_texts(raw: str) -> list[str]:
    """One text per line; blank lines and surrounding spaces are dropped."""
    return [line.strip() for line in (raw or "").splitlines() if line.strip()]


def validate_texts(texts: list[str], max_texts: int = MAX_TEXTS) -> list[str]:
    """The texts if they can be compared; raises SpecError with a message to show otherwise."""
    if not texts:
        raise SpecError("Enter at least two texts, one per line, or load a sample.")
    if len(texts) < 2:
        raise SpecError("Enter at least two texts: a similarity matrix needs pairs.")
    if len(texts) > max_texts:
        raise SpecError(f"{len(texts):,} texts is more than the {max_texts:,} this view compares; remove some.")
    long = [i + 1 for i, t in enumerate(texts) if len(t) > MAX_CHARS_PER_TEXT]
    if long:
        lines = ", ".join(map(str, long[:5])) + (" …" if len(long) > 5 else "")
        raise SpecError(
            f"Line {lines} {'is' if len(long) == 1 else 'are'} longer than {MAX_CHARS_PER_TEXT:,} characters; "
            "shorten or split them (models read only the first few hundred words anyway)."
        )
    return texts


def validate_models(refs: list[ModelRef]) -> list[ModelRef]:
    """Distinct model references, at least one and at most MAX_MODELS."""
    unique = list(dict.fromkeys(refs))
    if not unique:
        raise SpecError("Choose at least one model (two or more to compare).")
    if len(unique) > MAX_MODELS:
        raise SpecError(f"Choose at most {MAX_MODELS} models at once; {len(unique)} were chosen.")
    return unique


def display_names(refs: list[ModelRef]) -> dict[ModelRef, str]:
    """Short names for charts and tables (`all-MiniLM-L6-v2 · onnx`), full refs where they would clash."""
    short = {ref: f"{ref.model.rsplit('/', 1)[-1]} · {ref.backend}" for ref in refs}
    counts: dict[str, int] = {}
    for name in short.values():
        counts[name] = counts.get(name, 0) + 1
    return {ref: name if counts[name] == 1 else str(ref) for ref, name in short.items()}


def allowed_models() -> set[str]:
    """The `backend:model` references the operator allows besides the bundled ones
    ($HFCOMPARE_ALLOWED_MODELS, comma-separated); unparseable entries are ignored."""
    allowed = set()
    for part in os.environ.get(ALLOWED_MODELS_ENV, "").split(","):
        try:
            allowed.add(str(ModelRef.parse(part.strip()))) if part.strip() else None
        except SpecError:
            continue
    return allowed
