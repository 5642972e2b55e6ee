"""Judging a run's answers: every answer's checks, with reference answers scored by an embedding
model. One place for the Generation page, `hfcompare bench` and scripts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from hfcompare.generation.checks import Check, Similarity, Verdict, run_checks
from hfcompare.generation.runs import GenerationResult
from hfcompare.refs import ModelRef, SpecError


class ReferenceModelFailed(SpecError):
    """The embedding model that scores reference answers could not embed them."""


def reference_similarity(ref: ModelRef, cache: Any = None, settings: Any = None) -> Similarity:
    """similarity(answer, reference): the cosine of the two texts' vectors from embedding model `ref`
    (through `cache`). Raises ReferenceModelFailed when the model fails."""
    from hfcompare.embeddings.runs import embed_with_stats

    def similarity(answer: str, reference: str) -> float:
        result = embed_with_stats([answer, reference], ref, cache, settings=settings, speed_passes=0)
        if not result.ok:
            raise ReferenceModelFailed(f"The reference checks' model {ref} failed ({result.error_kind}): "
                                       f"{result.error}")
        return float(result.vectors[0] @ result.vectors[1])

    return similarity


@dataclass
class Judgement:
    """Verdicts by (model, prompt index), and why reference checks were skipped ("" when they ran or
    there were none)."""

    verdicts: dict[tuple[ModelRef, int], Verdict] = field(default_factory=dict)
    skipped_references: str = ""


def judge(results: list[GenerationResult], checks: list[Check], similarity: Similarity | None = None,
          threshold: float | None = None) -> Judgement:
    """Every successful answer's checks. `threshold`, when given, replaces the reference checks'
    minimum similarity. Without `similarity`, reference checks are skipped, not failed; when the
    similarity model fails, they are skipped for every answer and the judgement says why."""
    if threshold is not None:
        checks = [replace(c, min_similarity=threshold) for c in checks]
    if similarity is None:
        checks = [replace(c, reference="") for c in checks]
    try:
        return Judgement({(r.ref, r.prompt_index): run_checks(r.text, checks[r.prompt_index], similarity)
                          for r in results if r.ok})
    except ReferenceModelFailed as exc:
        unreferenced = [replace(c, reference="") for c in checks]
        return Judgement({(r.ref, r.prompt_index): run_checks(r.text, unreferenced[r.prompt_index])
                          for r in results if r.ok}, skipped_references=str(exc))
