"""Checks on answers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hfcompare.generation.checks import Check, check_rates, parse_keywords, run_checks
from hfcompare.refs import SpecError

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
    assert check_rates(verdicts)[0].rate == 0.5                       # "all checks" over the checked answers
    assert check_rates([run_checks(ANSWER, Check())])[0].rate is None


@pytest.mark.parametrize("kwargs, words", [({"regex": "(unclosed"}, "not valid"), ({"max_chars": 0}, "at least 1"),
                                           ({"min_similarity": 2.0}, "between")])
def test_bad_checks_are_clear_errors(kwargs, words):
    with pytest.raises(SpecError, match=words):
        Check(**kwargs)


def test_prompt_rows_become_prompts_and_checks():
    import pandas as pd

    from hfcompare.generation.checks import prompts_and_checks

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
    from hfcompare.generation.checks import prompts_and_checks

    with pytest.raises(SpecError, match=words):
        prompts_and_checks(rows)


# --- the sample's checks: strict enough that wrong answers fail, loose enough that right ones pass ----------

#: A correct answer to each sample prompt, worded differently from its reference answer.
CORRECT = [
    "Go to Invoices, press New invoice, pick the customer, add the line items and save or send it.",
    "You can request a refund for last month from Billing settings, or contact support and they will help.",
    "The second charge is probably a pending authorization that will drop off in a few days; if not, contact "
    "support and we will refund the duplicate.",
    "Open the overdue invoice and click Send reminder, or switch on automatic reminders in settings.",
    "YES",
]
#: Wrong answers the bundled models gave to the sample (llama.cpp, temperature 0, 128 tokens, the sample's
#: system prompt), which the former checks passed or nearly passed: (prompt number, model, answer).
WRONG = [
    (1, "SmolLM2-135M-Instruct", "To create an invoice, you'll need to craft a clear and concise document that "
     "showcases your business's value and provides a financial estimate. First, you'll need to craft a template "
     "that matches your business's invoice format. Next, you'll need to create a template that matches your "
     "business's invoice format."),
    (1, "gemma-3-270m", " Create an invoice by clicking on the invoice icon in the top right corner of the screen.\n"
     "Answer: Select the invoice you want to create.\nAnswer: Select the payment type you want to create."),
    (2, "SmolLM2-135M-Instruct", "Sorry, I'm unable to provide a refund for last month's subscription. Please check "
     "your local credit card statement for the full refund."),
    (2, "gemma-3-270m", " Yes, you can get a refund for the subscription.\n"),
    (3, "SmolLM2-135M-Instruct", "The credit card company charged you twice this month for your purchase."),
    (3, "gemma-3-270m", " I had a charge of $100.00 for a card that was charged twice.\n"),
    (4, "SmolLM2-135M-Instruct", "To send a payment reminder to a customer, you can use the payment reminder "
     "feature in your payment app. You can set a reminder for a customer, and they can receive the payment "
     "reminder when they're ready to pay."),
    (4, "gemma-3-270m", " You can send a reminder to a customer by sending a text message.\n"),
    (5, "SmolLM2-135M-Instruct", "Yes, if you need to export invoices as PDF, you can use the Adobe XD plugin."),
    (5, "gemma-3-270m", " Yes, invoices can be exported as PDF.\n"),
]


def sample_checks(threshold: float | None = None):
    from hfcompare.generation.checks import REFERENCE_THRESHOLD, prompts_and_checks
    from hfcompare.samples import load_sample

    rows = [{"prompt": p["prompt"], "keywords": p["keywords"], "regex": p["regex"], "max chars": p["max_chars"],
             "reference": p["reference"]} for p in load_sample("invoice_chatbot_prompts")["prompts"]]
    return prompts_and_checks(rows, REFERENCE_THRESHOLD if threshold is None else threshold)[1]


def test_the_samples_wrong_answers_fail_its_keyword_and_pattern_checks():
    """Without any embedding model: the keywords and patterns ask for the app's own steps, not the question's
    words, so every wrong answer fails one of them (the former checks passed all but two on keywords)."""
    checks = sample_checks()
    for number, model, answer in WRONG:
        verdict = run_checks(answer, replace(checks[number - 1], reference=""))
        assert verdict.passed is False, (number, model, verdict.outcomes)
    for number, answer in enumerate(CORRECT, start=1):
        assert run_checks(answer, replace(checks[number - 1], reference="")).passed is True, number


@pytest.mark.slow
def test_the_samples_reference_check_passes_right_answers_and_fails_wrong_ones_with_minilm():
    """With the default embedding model (all-MiniLM-L6-v2) and the default threshold: correct paraphrases pass
    every check; the wrong answers fail the reference check on its own (they scored 0.48-0.68, the former
    threshold was 0.60)."""
    from hfcompare.embeddings.runs import embed
    from hfcompare.generation.checks import REFERENCE_THRESHOLD

    def similarity(answer: str, reference: str) -> float:
        vectors = embed([answer, reference], "local:sentence-transformers/all-MiniLM-L6-v2")
        return float(vectors[0] @ vectors[1])

    checks = sample_checks()
    for number, answer in enumerate(CORRECT, start=1):
        verdict = run_checks(answer, checks[number - 1], similarity)
        assert verdict.passed is True, (number, verdict.outcomes)
    for number, model, answer in WRONG:
        check = checks[number - 1]
        if check.reference:
            only_reference = Check(reference=check.reference, min_similarity=REFERENCE_THRESHOLD)
            assert run_checks(answer, only_reference, similarity).passed is False, (number, model)
            assert run_checks(answer, replace(only_reference, min_similarity=0.45), similarity).passed is True


def test_the_reference_threshold_is_a_parameter_with_a_stated_default():
    from hfcompare.generation.checks import REFERENCE_THRESHOLD, prompts_and_checks

    assert REFERENCE_THRESHOLD == 0.75 and Check(reference="r").min_similarity == REFERENCE_THRESHOLD
    assert {c.min_similarity for c in sample_checks(0.5)} == {0.5}
    check = Check(reference="Create it under Billing", min_similarity=0.7)
    assert run_checks(ANSWER, check, lambda a, b: 0.69).outcomes[0].detail == "similarity 0.69 (needs 0.70)"
    with pytest.raises(SpecError, match="threshold must lie between"):
        prompts_and_checks([{"prompt": "hi", "reference": "hello"}], 1.5)


def wilson_reference(passed: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The Wilson score interval, written out (Wilson 1927; Agresti and Coull 1998, eq. 2)."""
    p = passed / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return centre - half, centre + half


@pytest.mark.parametrize("passed, n", [(2, 5), (0, 5), (5, 5), (1, 1), (13, 20), (40, 100)])
def test_pass_rate_intervals_are_wilson_intervals_that_contain_their_estimate(passed, n):
    from hfcompare.generation.checks import wilson_interval

    low, high = wilson_interval(passed, n)
    assert (low, high) == pytest.approx(wilson_reference(passed, n), abs=1e-9)
    assert 0 <= low <= passed / n <= high <= 1
    assert wilson_interval(0, 0) is None


def test_pass_rates_per_check_and_the_few_prompts_flag():
    from hfcompare.generation.checks import check_rates

    verdicts = [run_checks("New invoice, then Send.", Check(keywords=("new invoice",), regex="send", max_chars=10)),
                run_checks("Use New invoice.", Check(keywords=("new invoice",), regex="send")),
                run_checks("No idea.", Check(keywords=("new invoice",))),
                run_checks("unchecked", Check())]
    rates = {r.name: r for r in check_rates(verdicts)}
    assert list(rates) == ["all checks", "keywords", "regex", "max length"]
    assert (rates["all checks"].passed, rates["all checks"].checked) == (0, 3)
    assert (rates["keywords"].passed, rates["keywords"].checked) == (2, 3)
    assert (rates["regex"].passed, rates["regex"].checked) == (1, 2)
    assert (rates["max length"].passed, rates["max length"].checked) == (0, 1)
    assert rates["keywords"].rate == pytest.approx(2 / 3) and rates["keywords"].too_few
    from hfcompare.generation.checks import CheckRate

    assert not CheckRate("all checks", 15, 20).too_few and CheckRate("all checks", 15, 19).too_few


def test_a_pathological_regex_runs_in_linear_time_and_just_fails():
    """`((.+)+)+Q` takes Python's backtracking engine minutes on a long answer (holding the GIL, so the
    whole server stalls); RE2 answers at once. The test would hang, not fail, on the old engine."""
    verdict = run_checks("a" * 20_000, Check(regex="((.+)+)+Q"))
    assert verdict.passed is False
    assert run_checks("a" * 20_000 + "q", Check(regex="((.+)+)+Q")).passed is True   # any case, as before


@pytest.mark.parametrize("pattern, words", [(r"(a)\1", "backreferences"), (r"(?=a)", "look-around"),
                                            ("a" * 2_001, "may have 2,000")])
def test_regexes_re2_cannot_run_are_refused_with_the_reason(pattern, words):
    with pytest.raises(SpecError, match=words):
        Check(regex=pattern)


def test_multiline_anchors_and_case_as_before():
    assert run_checks("first line\nRefund issued", Check(regex=r"^refund")).passed is True


@pytest.mark.parametrize("answer, keywords, passed", [
    ("14/30/2023 days", "30, days", False),            # the wrong answer: 30 is inside a date
    ("It takes 30 days.", "30, days", True),
    ("Refunds take 300 days", "30", False),
    ("Costs $30 (30%)", "30", True),
    ("Open the invoices page", "invoice", False),      # whole words: a plural is another word
    ("Click New invoice, then Send.", "new invoice, send", True),
    ("Use e-mail or 3.5 MB", "e-mail, 3.5", True),
    ("Version 3.5.1", "3.5", False),
])
def test_keywords_match_whole_words_and_whole_numbers(answer, keywords, passed):
    assert run_checks(answer, Check(keywords=parse_keywords(keywords))).passed is passed
