"""The UI battery (issue 25, point 6): every link field of every page, given values of the wrong type,
out of range, hostile or absurd, opens the page with a warning and defaults, never a traceback; the
sidebar still draws. Every field each page declares (`LINK_FIELDS`, 35 besides `run`) x 4 values = 140
cases, on the fake backend (nothing is computed: `run` is never set, so a case costs one page load). Then
`NESTED`: links of the right shape whose inner values are wrong (37 cases, a few with `run=1`)."""

from __future__ import annotations

import json

import pytest

from tests.app.pages import open_link
from tests.link_pages import link_pages

PAGE_FILES = {"embeddings": None, "generation": "app_pages/generation.py", "scorecard": "app_pages/scorecard.py",
              "discover": "app_pages/discover.py"}
BAD_VALUES = {
    "number-where-none-fits": "-1e400",
    "nested-json": json.dumps([{"a": [1, {"b": None}], "prompt": 5, "worst": "x"}, True, None]),
    "markup": "<img src=x onerror=alert(1)>![x](http://127.0.0.1:9/a.png)",
    "control-and-huge": "\x00\x1b[31m" + "9" * 400,
}
CASES = [(page, field, name, value) for page, fields in link_pages().items() for field in fields if field != "run"
         for name, value in BAD_VALUES.items()]


def test_the_battery_has_at_least_100_cases():
    assert len(CASES) >= 100


@pytest.mark.parametrize("page, field, value", [(p, f, v) for p, f, _, v in CASES],
                         ids=[f"{p}-{f}-{n}" for p, f, n, _ in CASES])
def test_a_bad_link_field_is_a_warning_not_a_traceback(fake_backend, page, field, value):
    at = open_link({field: value}, page=PAGE_FILES[page], timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    assert [e.label for e in at.sidebar.expander] == ["Endpoints"]      # the rest of the app still draws


SC, GEN = "app_pages/scorecard.py", "app_pages/generation.py"
#: Links of the right shape whose inner values are of the wrong type or cannot be used, field by field, the
#: newer fields included (the Scorecard's cost criterion, value scales, must-haves, measured values and P(best)
#: threshold; Generation's per-model overrides and reference-check embedder): each a warning and a default.
NESTED = [
    ("weights-cost-word", SC, {"weights": json.dumps({"cost": "x"})}),
    ("weights-cost-true", SC, {"weights": json.dumps({"cost": True})}),
    ("weights-cost-list", SC, {"weights": json.dumps({"cost": [1]})}),
    ("weights-huge", SC, {"weights": json.dumps({"cost": 1e308, "speed": 1e308})}),
    ("weights-not-json", SC, {"weights": "cost=5"}),
    ("sources-number", SC, {"sources": json.dumps({"cost": 5})}),
    ("sources-unknown", SC, {"sources": json.dumps({"cost": "nonsense"})}),
    ("scales-words", SC, {"scales": json.dumps({"cost": {"worst": "a", "best": [1]}})}),
    ("scales-number", SC, {"scales": json.dumps({"cost": 5})}),
    ("scales-infinite", SC, {"scales": '{"cost": {"worst": 1e400, "best": 0}}'}),
    ("scales-equal", SC, {"scales": json.dumps({"speed": {"worst": 1, "best": 1}})}),
    ("scales-log-below-zero", SC, {"scales": json.dumps({"speed": {"worst": -5, "best": 0}})}),
    ("scales-log-below-zero-generation", SC, {"task": "generation",
                                              "scales": json.dumps({"latency": {"worst": 0, "best": -1}})}),
    ("limits-word", SC, {"limits": json.dumps({"cost": "x"})}),
    ("limits-object", SC, {"limits": json.dumps({"cost": {"at_most": "cheap"}})}),
    ("limits-multilingual-word", SC, {"limits": json.dumps({"multilingual": "yes"})}),
    ("limits-nan", SC, {"limits": '{"speed": NaN}'}),
    ("limits-minus-infinite", SC, {"limits": '{"speed": -1e400}'}),
    ("measured-value-word", SC, {"measured": json.dumps({"m": {"cost": {"value": "x"}}})}),
    ("measured-number", SC, {"measured": json.dumps({"m": 5})}),
    ("measured-samples-words", SC, {"measured": json.dumps({"fake:fake-a": {"cost": {"value": 1, "samples": ["a"]}}})}),
    ("measured-range-words", SC, {"candidates": "fake:fake-a,fake:fake-b", "measured": json.dumps(
        {"fake:fake-a": {"speed": {"value": 1, "low": "x", "high": None, "passes": 5}}})}),
    ("p-best-threshold-word", SC, {"threshold": "x"}),
    ("p-best-threshold-zero", SC, {"threshold": "0"}),
    ("generation-cost-must-have", SC, {"task": "generation", "preset": "custom",
                                       "weights": json.dumps({"cost": 50, "quality": 50}), "limits": '{"cost": -1}'}),
    ("prompts-keywords-number", GEN, {"prompts": json.dumps([{"prompt": "hi", "keywords": 5}])}),
    ("prompts-every-cell-wrong", GEN, {"prompts": json.dumps([{"prompt": "hi", "regex": 5, "reference": True,
                                                                "max chars": -1}])}),
    ("prompts-max-chars-fraction", GEN, {"prompts": json.dumps([{"prompt": "hi", "max chars": 1.5}])}),
    ("prompts-rows-not-objects", GEN, {"prompts": json.dumps([5, "x", None, []])}),
    ("prompts-prompt-a-list", GEN, {"prompts": json.dumps([{"prompt": ["hi"]}])}),
    ("prompts-backreference-regex", GEN, {"prompts": json.dumps([{"prompt": "hi", "regex": "(?P<x>a)(?P=x)"}]),
                                          "models": "fake:fake-a", "run": "1"}),
    ("prompts-regex-3000-brackets", GEN, {"prompts": json.dumps([{"prompt": "hi", "regex": "(" * 3000}]),
                                          "models": "fake:fake-a", "run": "1"}),
    ("prompts-regex-huge-repeat", GEN, {"prompts": json.dumps([{"prompt": "hi", "regex": "a{1000}{1000}"}]),
                                        "models": "fake:fake-a", "run": "1"}),
    ("overrides-words", GEN, {"models": "fake:fake-a",
                              "overrides": json.dumps({"fake:fake-a": {"max tokens": "x", "temperature": [1]}})}),
    ("overrides-number", GEN, {"models": "fake:fake-a", "overrides": json.dumps({"fake:fake-a": 5})}),
    ("overrides-not-finite", GEN, {"models": "fake:fake-a",
                                   "overrides": '{"fake:fake-a": {"temperature": NaN, "top p": -1, "seed": 1e30}}'}),
    ("embedder-unknown-threshold-word", GEN, {"embedder": "5", "threshold": "x"}),
]


def test_the_nested_battery_covers_every_json_field():
    from tests.link_pages import fields

    named = {(page, field) for _, page, params in NESTED for field in params}
    for page in (SC, GEN):
        stem = page.removeprefix("app_pages/").removesuffix(".py")
        json_fields = {f for f, spec in fields(stem).items() if spec.kind in ("json", "weights")}
        assert json_fields <= {f for p, f in named if p == page}, json_fields


@pytest.mark.parametrize("page, params", [c[1:] for c in NESTED], ids=[c[0] for c in NESTED])
def test_a_link_field_with_values_of_the_wrong_type_inside_is_a_warning(fake_backend, page, params):
    at = open_link(params, page=page, timeout=60)
    assert not at.exception, [e.value for e in at.exception]
    assert [e.label for e in at.sidebar.expander] == ["Endpoints"]
    assert at.warning or at.error   # what was dropped is said
