"""The Scorecard page in AppTest: catalog candidates, measured candidates from a run, weights,
presets, missing-value policy and sensitivity."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import open_app, widget

SMALL, LARGE = "sentence-transformers/all-MiniLM-L6-v2", "intfloat/e5-large-v2"


@pytest.fixture
def scorecard(fake_backend) -> AppTest:
    return open_app("app_pages/scorecard.py")


def ranking(at):
    return list(at.dataframe[0].value["model"])


def test_catalog_candidates_rank_and_weights_change_the_winner(scorecard):
    at = scorecard
    assert any("No comparison of this kind" in i.value for i in at.info)
    widget(at.multiselect, "Candidates").set_value([SMALL, LARGE]).run()
    widget(at.number_input, "Performance").set_value(100.0).run()
    widget(at.number_input, "Size").set_value(0.0).run()
    assert ranking(at)[0] == LARGE          # the better published retrieval score
    widget(at.number_input, "Performance").set_value(0.0).run()
    widget(at.number_input, "Size").set_value(100.0).run()
    assert ranking(at)[0] == SMALL          # the smaller model
    assert not at.exception
    assert any("winner changes at" in d.value.columns for d in at.dataframe)


def test_preset_sets_weights_and_explains(scorecard):
    at = scorecard
    widget(at.selectbox, "Decision preset").set_value("multilingual").run()
    assert widget(at.number_input, "Multilingual").value == 45.0
    paragraph = next(m.value for m in at.markdown if m.value.startswith("Prioritize multilingual"))
    assert "multilingual 45%" in paragraph and "out of 1" in paragraph


def test_all_weights_zero_is_a_message_not_a_traceback(scorecard):
    at = scorecard
    for box in at.number_input:
        box.set_value(0.0)
    at.run()
    assert not at.exception
    assert any("Every weight is 0" in w.value for w in at.warning)


def test_measured_values_from_an_evaluation_run_join_the_scorecard(fake_backend):
    at = open_app()
    at.segmented_control[0].set_value("evaluate").run()
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b"])
    widget(at.button, "Load labeled sample").click().run()
    widget(at.button, "Run evaluation").click().run()
    at.switch_page("app_pages/scorecard.py").run()
    assert widget(at.multiselect, "Candidates").value == ["fake:fake-a", "fake:fake-b"]
    sources = at.dataframe[1].value
    perf = sources[sources["criterion"] == "Performance"]
    assert perf["source"].str.contains("measured here: nDCG@10 over 20 labeled queries").all()
    size = sources[sources["criterion"] == "Size"]
    assert size["value"].isna().all() and size["source"].str.contains("unknown").all()
    known = at.dataframe[0].value["known"]
    assert set(known) == {"2 of 4"}
    widget(at.radio, "When a value is unknown").set_value("penalize").run()
    assert not at.exception
