"""The generation page in AppTest, on the fake streaming backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "app_pages" / "generation.py")
FAKES = ["fake:fake-a", "fake:fake-b"]


@pytest.fixture
def page(fake_backend) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def run_sample(at: AppTest, models: list[str]) -> AppTest:
    at.multiselect(key="gen_models").set_value(models)
    button(at, "Load sample").click().run()
    at.selectbox(key="gen_check_embedder").set_value("(no reference checks)")
    return button(at, "Run").click().run()


def test_empty_state_and_bundled_default(page):
    assert "local:HuggingFaceTB/SmolLM2-135M-Instruct" in page.multiselect(key="gen_models").value
    assert any("Load sample" in i.value for i in page.info)


def test_sample_run_shows_answers_summary_and_checks(page, fake_backend):
    run_sample(page, FAKES + ["fake:fake-broken"])
    assert not page.exception
    assert len(fake_backend.generations) == 2 * 5
    assert len(page.error) == 1 + 5 and "fake:fake-broken" in page.error[0].value  # once on top, once per prompt
    summary = next(d.value for d in page.dataframe if "pass rate" in d.value.columns)
    assert list(summary["model"]) == ["fake-a · fake", "fake-b · fake", "fake-broken · fake"]
    assert list(summary["answers"]) == [5, 5, 0] and list(summary["errors"]) == [0, 0, 5]
    # the fake echoes the prompt, so keyword checks pass, the regex check (^yes) fails,
    # and reference checks were switched off
    assert summary["pass rate"].iloc[0] == pytest.approx(4 / 5)
    answers = [m.value for m in page.markdown]
    assert any(a.startswith("fake-a answers: How do I create an invoice?") for a in answers)
    assert [s.value for s in page.subheader] == ["Summary", "Answers side by side"]


def test_rerun_is_served_from_the_cache(page, fake_backend):
    run_sample(page, FAKES)
    button(page, "Run").click().run()
    assert len(fake_backend.generations) == 10
    assert any("cached" in c.value for c in page.caption)


def test_bad_inputs_get_messages(page):
    page.multiselect(key="gen_models").set_value(FAKES)
    button(page, "Run").click().run()
    assert "at least one prompt" in page.error[0].value
    button(page, "Load sample").click().run()
    page.multiselect(key="gen_models").set_value([])
    button(page, "Run").click().run()
    assert "at least one" in page.error[0].value and not page.exception
