"""Cost on the Embeddings page and in the Scorecard (AppTest, fake backend): the timing table's cost
columns follow the hourly rate exactly, and the Scorecard offers cost, costed at the same rate."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tests.app.pages import open_app, table_with, widget

FAKES = ["fake:fake-a", "fake:fake-b"]


def _run(at):
    at.multiselect[0].set_value(FAKES)
    widget(at.button, "Load sample").click().run()
    widget(at.button, "Run comparison").click().run()
    assert not at.exception
    return at


def test_timing_table_has_cost_columns_that_follow_the_hourly_rate(fake_backend):
    at = _run(open_app())
    timing = table_with(at, "cold ms/text", "$ per 1,000 requests", "cost arithmetic").set_index("reference")
    rate = widget(at.number_input, "Hourly rate for self-hosted models (USD)")
    assert rate.value == pytest.approx(0.067) and "intel-spr x2" in rate.help
    how = timing.loc["fake:fake-a", "cost arithmetic"]
    ms = timing.loc["fake:fake-a", "cold ms/text"]
    assert how.startswith(f"{ms:g} ms/text (median of 5 timed passes over 20 texts, this run) × 1,000 requests")
    assert "huggingface.co/docs/inference-endpoints" in how
    rate.set_value(3.6).run()
    timing = table_with(at, "cold ms/text", "$ per 1,000 requests").set_index("reference")
    for ref in FAKES:   # exactly ms/text × 1,000 texts = seconds, × $3.6/h ÷ 3,600 s/h
        ms = timing.loc[ref, "cold ms/text"]
        expected = float(Fraction(str(ms)) * Fraction("3.6") / 3600)
        assert timing.loc[ref, "$ per 1,000 requests"] == expected
        assert "rate you set" in timing.loc[ref, "cost arithmetic"]


def test_scorecard_offers_cost_at_the_rate_set_on_the_page(fake_backend):
    at = _run(open_app())
    widget(at.number_input, "Hourly rate for self-hosted models (USD)").set_value(3.6).run()
    at.switch_page("app_pages/scorecard.py").run()
    criteria = widget(at.multiselect, "Criteria")
    assert "Cost" in criteria.options
    criteria.set_value(["speed", "cost"]).run()
    assert not at.exception
    assert widget(at.number_input, "Cost").value == 10.0
    sources = table_with(at, "criterion", "source")
    cost = sources[sources["criterion"] == "Cost"]
    assert len(cost) == 2 and not (cost["value"] == "unknown").any()
    assert all("× $3.6/h ÷ 3,600 s/h" in s and "rate you set" in s for s in cost["source"])
    assert "Cost pts" in table_with(at, "model", "score").columns
