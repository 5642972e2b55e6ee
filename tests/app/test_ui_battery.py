"""The UI battery (issue 25, point 6): every link field of every page, given values of the wrong type,
out of range, hostile or absurd, opens the page with a warning and defaults, never a traceback; the
sidebar still draws. Every field each page declares (`LINK_FIELDS`, 31 besides `run`) x 4 values = 124
cases, on the fake backend (nothing is computed: `run` is never set, so a case costs one page load)."""

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
