"""The generation page in AppTest, on the fake streaming backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import current_key, shown

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
    at.multiselect(key=current_key(at, "gen_models")).set_value(models)
    button(at, "Load sample").click().run()
    at.selectbox(key="gen_check_embedder").set_value("(no reference checks)")
    return button(at, "Run").click().run()


def test_empty_state_and_bundled_default(page):
    assert "local:HuggingFaceTB/SmolLM2-135M-Instruct" in page.multiselect(key=current_key(page, "gen_models")).value
    assert any("Load sample" in i.value for i in page.info)


def test_sample_run_shows_answers_summary_and_checks(page, fake_backend):
    run_sample(page, FAKES + ["fake:fake-broken"])
    assert not page.exception
    assert len(fake_backend.generations) == 2 * 5
    # said once, above the summary; each prompt's answer cell points to it instead of repeating it
    assert len(page.error) == 1 and "fake:fake-broken" in shown(page.error[0].value)
    assert sum("failed with the error shown above" in c.value for c in page.caption) == 5
    summary = next(d.value for d in page.dataframe if "pass rate" in d.value.columns)
    assert list(summary["model"]) == ["fake-a · fake", "fake-b · fake", "fake-broken · fake"]
    assert list(summary["answers"]) == [5, 5, 0] and list(summary["errors"]) == [0, 0, 5]
    # the fake echoes the prompt, which names none of the app's steps the sample's checks ask for
    # (New invoice, Billing settings, a pending authorization, Send reminder, a bare YES); reference
    # checks were switched off
    assert summary["pass rate"].iloc[0] == 0.0
    assert "Download summary (CSV)" in [b.label for b in page.get("download_button")]
    answers = [shown(m.value) for m in page.markdown]
    assert any(a.startswith("fake-a answers: How do I create an invoice?") for a in answers)
    assert [s.value for s in page.subheader] == ["Summary", "Checks", "Answers side by side"]


def test_rerun_is_served_from_the_cache(page, fake_backend):
    run_sample(page, FAKES)
    button(page, "Run").click().run()
    assert len(fake_backend.generations) == 10
    assert any("cached" in c.value for c in page.caption)


def test_bad_inputs_get_messages(page):
    page.multiselect(key=current_key(page, "gen_models")).set_value(FAKES)
    button(page, "Run").click().run()
    assert "at least one prompt" in page.error[0].value
    button(page, "Load sample").click().run()
    page.multiselect(key=current_key(page, "gen_models")).set_value([])
    button(page, "Run").click().run()
    assert "at least one" in page.error[0].value and not page.exception


def check_table(at: AppTest):
    return next(d.value for d in at.dataframe if "passes when" in d.value.columns).set_index("check")


def test_checks_per_check_rates_adjustable_threshold_few_prompts_warning_and_arena(page, fake_backend):
    from hfcompare.embeddings.runs import embed
    from hfcompare.samples import load_sample

    page.multiselect(key=current_key(page, "gen_models")).set_value(FAKES)
    button(page, "Load sample").click().run()
    page.selectbox(key="gen_check_embedder").set_value("fake:fake-a")
    assert page.number_input(key=current_key(page, "gen_reference_threshold")).value == 0.75
    page.number_input(key=current_key(page, "gen_reference_threshold")).set_value(0.0)
    button(page, "Run").click().run()
    assert not page.exception
    table = check_table(page)
    assert list(table.index) == ["all checks", "keywords", "regex", "max length", "reference"]
    assert list(table.columns) == ["passes when", "fake-a · fake", "fake-b · fake"]
    assert "≥ 0.00 (fake:fake-a)" in table.loc["reference", "passes when"]
    # the reference row counts the answers the fake embedding model puts at cosine >= 0 to their references
    prompts = load_sample("invoice_chatbot_prompts")["prompts"]
    expected = sum(float(v[0] @ v[1]) >= 0 for p in prompts if p["reference"]
                   for v in [embed([f"fake-a answers: {p['prompt']}", p["reference"]], "fake:fake-a")])
    assert table.loc["reference", "fake-a · fake"].startswith(f"{expected} of 4 · ")
    assert table.loc["keywords", "fake-a · fake"] == "1 of 3 · 33% (6%–79%)"  # "refund" echoes the question
    assert any("rest on 5 prompt(s)" in w.value and "about 20" in w.value for w in page.warning)
    assert any("Arena" in i.value for i in page.info)
    # a stricter threshold checks the same answers again, without running the models again
    page.number_input(key=current_key(page, "gen_reference_threshold")).set_value(1.0).run()
    assert len(fake_backend.generations) == 10
    table = check_table(page)
    assert table.loc["reference", "fake-a · fake"].startswith("0 of 4 · ")
    assert "≥ 1.00" in table.loc["reference", "passes when"]


def test_a_buffered_stream_shows_an_unknown_speed_with_its_reason(page, fake_backend, monkeypatch):
    """A frozen (scripted) clock: every piece of the fake stream arrives at the same instant."""
    from hfcompare.generation import runs as generation

    monkeypatch.setattr(generation, "clock", lambda: 50.0)
    run_sample(page, FAKES)
    assert not page.exception
    assert any("tok/s unknown (stream was buffered)" in c.value for c in page.caption)
    summary = next(d.value for d in page.dataframe if "pass rate" in d.value.columns)
    assert summary["median tokens/s"].isna().all()
    assert list(summary["tokens/s note"]) == ["unknown for 5 of 5 answers: stream was buffered (5)"] * 2


def test_link_overrides_are_checked_cell_by_cell():
    from app_pages.generation import _link_overrides

    kept, wrong = _link_overrides({"local:a": {"max tokens": 64, "temperature": 9, "seed": 1.5, "top-p": "x"},
                                   "local:b": [1], "local:c": {"colour": 1, "top-p": 0.5}})
    assert kept == {"local:a": {"max tokens": 64}, "local:c": {"top-p": 0.5}}
    assert wrong == ["local:a temperature", "local:a seed", "local:a top-p", "local:b", "local:c colour"]
    assert _link_overrides("nope") == ({}, ["overrides"])
