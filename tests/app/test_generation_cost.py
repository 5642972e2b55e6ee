"""The generation page's cost column: seconds × the hourly rate for self-hosted models, with its arithmetic."""

from __future__ import annotations

import pytest

from tests.app.test_generation_page import page, run_sample  # noqa: F401  (fixture)


def _summary(at):
    return next(d.value for d in at.dataframe if "pass rate" in d.value.columns).set_index("model")


def test_cost_per_1000_is_seconds_times_rate_with_its_arithmetic(page, fake_backend):  # noqa: F811
    at = run_sample(page, ["fake:fake-a", "fake:fake-b"])
    rate = next(n for n in at.number_input if n.label.startswith("Hourly rate"))
    assert rate.value == pytest.approx(0.067) and "intel-spr x2" in rate.help
    summary = _summary(at)
    how = summary.loc["fake-a · fake", "cost arithmetic"]
    assert "× $0.067/h ÷ 3,600 s/h" in how and "huggingface.co/docs/inference-endpoints" in how
    rate.set_value(3.6).run()
    summary = _summary(at)
    how = summary.loc["fake-a · fake", "cost arithmetic"]
    seconds = float(how.split(" s ÷ ")[0])
    assert summary.loc["fake-a · fake", "$ per 1,000 requests"] == pytest.approx(seconds / 5 * 1000 * 3.6 / 3600)
    assert "rate you set" in how
