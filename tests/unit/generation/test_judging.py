"""Judging answers: the checks the Generation page, bench and scripts share."""

from __future__ import annotations

import pytest

from hfcompare.generation.checks import Check
from hfcompare.generation.judging import ReferenceModelFailed, judge, reference_similarity
from hfcompare.generation.runs import GenerationResult
from hfcompare.refs import ModelRef

A = ModelRef("fake", "fake-a")
CHECKS = [Check(keywords=("invoice",), reference="Open Billing, then New invoice.", min_similarity=0.5)]
RESULTS = [GenerationResult(A, 0, "How do I create an invoice?", text="Create an invoice under Billing."),
           GenerationResult(A, 1, "unused", error="boom", error_kind="server")]


def _outcomes(judgement):
    return {o.name: o.passed for o in judgement.verdicts[(A, 0)].outcomes}


def test_answers_are_judged_with_the_reference_scored_by_the_similarity_given():
    judgement = judge(RESULTS, CHECKS + CHECKS, lambda answer, reference: 0.6)
    assert list(judgement.verdicts) == [(A, 0)]  # failed answers are not judged
    assert _outcomes(judgement) == {"keywords": True, "reference": True}
    assert judgement.skipped_references == ""
    assert _outcomes(judge(RESULTS, CHECKS * 2, lambda answer, reference: 0.6, threshold=0.7))["reference"] is False


def test_without_a_similarity_reference_checks_are_skipped_not_failed():
    assert _outcomes(judge(RESULTS, CHECKS * 2)) == {"keywords": True}


def test_a_failing_reference_model_skips_reference_checks_for_every_answer_and_says_why():
    def broken(answer: str, reference: str) -> float:
        raise ReferenceModelFailed("The reference checks' model fake:fake-broken failed (server): down")

    judgement = judge(RESULTS, CHECKS * 2, broken)
    assert _outcomes(judgement) == {"keywords": True}
    assert judgement.skipped_references.startswith("The reference checks' model fake:fake-broken failed")


def test_reference_similarity_is_the_cosine_of_the_model_vectors(fake_backend):
    from hfcompare.embeddings.runs import embed

    similarity = reference_similarity(ModelRef("fake", "fake-b"))
    vectors = embed(["an answer", "a reference"], "fake:fake-b")
    assert similarity("an answer", "a reference") == pytest.approx(float(vectors[0] @ vectors[1]))
    with pytest.raises(ReferenceModelFailed, match="fake:fake-broken failed"):
        reference_similarity(ModelRef("fake", "fake-broken"))("an answer", "a reference")
