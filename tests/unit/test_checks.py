"""Checks on answers."""

from __future__ import annotations

import pytest

from hfcompare.checks import Check, parse_keywords, pass_rate, run_checks
from hfcompare.spec import SpecError

ANSWER = "Open Billing, choose New invoice, add the items and press Send."


def test_keywords_are_case_insensitive_and_name_what_is_missing():
    verdict = run_checks(ANSWER, Check(keywords=("billing", "INVOICE", "refund")))
    assert verdict.passed is False
    assert verdict.outcomes[0].detail == "missing: refund"
    assert run_checks(ANSWER, Check(keywords=parse_keywords(" billing , invoice ,"))).passed is True


def test_regex_and_length():
    assert run_checks(ANSWER, Check(regex=r"new\s+invoice")).passed is True
    assert run_checks(ANSWER, Check(regex=r"^refund")).passed is False
    assert run_checks(ANSWER, Check(max_chars=10)).outcomes[0].detail == f"{len(ANSWER)} of 10 characters"


def test_reference_uses_the_given_similarity():
    check = Check(reference="Create it under Billing", min_similarity=0.5)
    assert run_checks(ANSWER, check, lambda a, b: 0.8).passed is True
    assert run_checks(ANSWER, check, lambda a, b: 0.2).passed is False
    assert run_checks(ANSWER, check).passed is False  # no model to compare with


def test_no_check_means_no_verdict_and_pass_rate_skips_it():
    assert run_checks(ANSWER, Check()).passed is None
    verdicts = [run_checks(ANSWER, Check(max_chars=500)), run_checks(ANSWER, Check(max_chars=5)), run_checks(ANSWER, Check())]
    assert pass_rate(verdicts) == 0.5
    assert pass_rate([run_checks(ANSWER, Check())]) is None


@pytest.mark.parametrize("kwargs, words", [({"regex": "(unclosed"}, "not valid"), ({"max_chars": 0}, "at least 1"),
                                           ({"min_similarity": 2.0}, "between")])
def test_bad_checks_are_clear_errors(kwargs, words):
    with pytest.raises(SpecError, match=words):
        Check(**kwargs)


def test_prompt_rows_become_prompts_and_checks():
    import pandas as pd

    from hfcompare.checks import prompts_and_checks

    table = pd.DataFrame([
        {"prompt": "How do I create an invoice?", "keywords": "invoice, create", "regex": None, "max chars": 300.0,
         "reference": ""},
        {"prompt": "  ", "keywords": "", "regex": "", "max chars": float("nan"), "reference": None},
        {"prompt": "Say yes", "keywords": None, "regex": "^yes", "max chars": pd.NA, "reference": "yes"},
    ]).astype({"max chars": "Float64"})
    prompts, checks = prompts_and_checks(table.to_dict("records"))
    assert prompts == ["How do I create an invoice?", "Say yes"]
    assert checks[0] == Check(keywords=("invoice", "create"), max_chars=300)
    assert checks[1] == Check(regex="^yes", reference="yes")


@pytest.mark.parametrize("rows, words", [
    ([], "at least one prompt"),
    ([{"prompt": ""}], "at least one prompt"),
    ([{"prompt": "ok"}, {"prompt": "bad", "regex": "(x"}], "Prompt 2: The regex"),
    ([{"prompt": "x" * 9000}], "longer than"),
    ([{"prompt": f"p{i}"} for i in range(51)], "more than the 50"),
    ([{"prompt": "ok", "max chars": "ten"}], "Prompt 1"),
])
def test_bad_prompt_rows_name_the_row(rows, words):
    from hfcompare.checks import prompts_and_checks

    with pytest.raises(SpecError, match=words):
        prompts_and_checks(rows)
