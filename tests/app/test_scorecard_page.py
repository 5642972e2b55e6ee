"""The Scorecard page in AppTest: catalog candidates, measured candidates from a run, weights,
presets, missing-value policy and sensitivity."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import current_key, open_app, open_link, shown, table_with, widget

SMALL, LARGE = "sentence-transformers/all-MiniLM-L6-v2", "intfloat/e5-large-v2"


@pytest.fixture
def scorecard(fake_backend) -> AppTest:
    return open_app("app_pages/scorecard.py")


def ranking(at):
    return list(table_with(at, "model", "score")["model"])


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


def recommendation(at) -> str:
    """The recommendation paragraph, whichever box (success, info, warning) holds it."""
    boxes = [b.value.replace("\\", "") for b in (*at.success, *at.info, *at.warning)]  # shown escaped
    return next(b for b in boxes if "out of 1" in b or "No recommendation" in b)


def test_preset_sets_weights_and_explains(scorecard):
    at = scorecard
    widget(at.selectbox, "Decision preset").set_value("multilingual").run()
    assert widget(at.number_input, "Multilingual").value == 45.0
    paragraph = recommendation(at)
    assert "Prioritize multilingual (performance 30%" in paragraph and "multilingual 45%" in paragraph


def test_editing_a_weight_makes_the_preset_custom_and_a_preset_over_it_can_be_undone(scorecard):
    at = scorecard
    widget(at.number_input, "Speed").set_value(55.0).run()
    assert widget(at.selectbox, "Decision preset").value == "custom"
    assert not [b for b in at.button if b.label == "Undo preset"]
    widget(at.selectbox, "Decision preset").set_value("multilingual").run()
    assert widget(at.number_input, "Speed").value == 15.0          # the preset's weight
    widget(at.button, "Undo preset").click().run()
    assert widget(at.number_input, "Speed").value == 55.0          # the user's weight is back
    assert widget(at.selectbox, "Decision preset").value == "custom"
    widget(at.selectbox, "Decision preset").set_value("speed").run()
    widget(at.selectbox, "Decision preset").set_value("custom").run()   # choosing Custom also brings them back
    assert widget(at.number_input, "Speed").value == 55.0
    assert not at.exception


def test_presets_apply_per_task(scorecard):
    at = scorecard
    widget(at.selectbox, "Decision preset").set_value("quality").run()
    at.segmented_control[0].set_value("generation").run()
    assert widget(at.selectbox, "Decision preset").value == "balanced"
    weights = {n.label: n.value for n in at.number_input}
    assert [weights[k] for k in ("Quality", "Speed", "Context length", "Fine-tuning")] == [40.0, 30.0, 20.0, 10.0]
    at.segmented_control[0].set_value("embeddings").run()
    assert widget(at.selectbox, "Decision preset").value == "quality"
    assert widget(at.number_input, "Performance").value == 65.0


def test_the_normalization_note_matches_the_code(scorecard):
    from hfcompare.decide.scorecard import specs_for
    from hfcompare.decide.scoring import ValueScale, normalize_values

    note = next(m.value for m in scorecard.markdown if "stated scale" in m.value)
    assert "0.001 nDCG lead adds 0.001 × the weight" in note
    assert normalize_values([0.851, 0.850], ValueScale(0.0, 1.0)) == [0.851, 0.850]
    assert specs_for("embeddings")["performance"].criterion.scale == ValueScale(0.0, 1.0)
    scales = table_with(scorecard, "criterion", "0 (worst) at", "1 (best) at")
    assert scales.set_index("criterion").loc["Speed", "0 (worst) at"] == 1000.0


def test_a_must_have_excludes_a_candidate_with_the_reason(scorecard):
    at = scorecard
    widget(at.multiselect, "Candidates").set_value([SMALL, LARGE]).run()
    widget(at.number_input, "At most million parameters").set_value(50.0).run()
    statuses = table_with(at, "model", "status").set_index("model")["status"]
    assert statuses[LARGE].startswith("excluded: Size") and "Size 335M parameters is over the limit of 50M parameters" in statuses[LARGE]
    assert not at.exception


def test_a_link_brings_its_scales_must_haves_and_margin(fake_backend):
    from tests.app.pages import open_link

    at = open_link({"task": "embeddings", "candidates": f"{SMALL},{LARGE}", "limits": '{"size": 50}',
                    "scales": '{"speed": {"worst": 500, "best": 1}}', "margin": "0.07"}, page="app_pages/scorecard.py")
    assert not at.exception
    warned = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert "could not be used" not in warned and not any(f"'{f}'" in warned for f in ("margin", "scales", "limits"))
    statuses = table_with(at, "model", "status").set_index("model")["status"]
    assert statuses[LARGE].startswith("excluded: Size")
    assert table_with(at, "criterion", "0 (worst) at").set_index("criterion").loc["Speed", "0 (worst) at"] == 500.0
    assert widget(at.number_input, "Tie margin").value == 0.07


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
    sources = table_with(at, "criterion", "source")
    perf = sources[sources["criterion"] == "Performance"]
    assert perf["source"].str.contains("measured: nDCG@10 over 20 labeled queries").all()
    assert perf["run"].str.match(r"retrieval evaluation · 20 queries #[0-9a-f]{6} · CPU, \d+ cores").all()
    size = sources[sources["criterion"] == "Size"]
    assert (size["value"] == "unknown").all() and size["source"].str.contains("unknown|not measured").all()
    assert perf["range"].str.match(r"0\.\d+–[01]\.?\d*").all()     # the 95% bootstrap interval
    ranking = table_with(at, "model", "score")
    assert set(ranking["Size pts"]) == {"unknown"}              # never 0
    assert set(ranking["status"]) == {"not recommended: 70% of the weight known"}
    assert "No recommendation yet" in recommendation(at)
    widget(at.radio, "When a value is unknown").set_value("skip").run()
    assert not at.exception and "No recommendation yet" in recommendation(at)


def test_baselines_are_references_and_a_button_measures_what_is_missing(fake_backend):
    at = open_app()
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b", "lexical:tfidf"])
    widget(at.button, "Load sample").click().run()
    widget(at.button, "Run comparison").click().run()
    at.switch_page("app_pages/scorecard.py").run()
    assert widget(at.multiselect, "Candidates").value == ["fake:fake-a", "fake:fake-b"]
    assert "lexical:tfidf" in widget(at.multiselect, "Candidates").options[2]
    assert any(c.value.startswith("References, not candidates") for c in at.caption)
    # the fake models have speed but no catalog figures: keep only measurable criteria
    widget(at.multiselect, "Criteria").set_value(["performance", "speed"]).run()
    assert "No recommendation yet" in recommendation(at)
    assert "run the evaluation" in recommendation(at)
    widget(at.button, "Measure performance now").click().run()
    assert not at.exception
    paragraph = recommendation(at)
    assert "first with a score of" in paragraph or "effectively tied" in paragraph
    assert "lexical" not in paragraph


def test_a_model_that_cannot_be_measured_says_why(scorecard, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = scorecard
    widget(at.multiselect, "Candidates").set_value(["BAAI/bge-small-en-v1.5"]).run()
    widget(at.button, "Measure speed now").click().run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any(e.startswith("Could not measure local:BAAI/bge-small-en-v1.5 (unavailable)") for e in errors)
    assert "No recommendation yet" in recommendation(at)


def test_model_names_in_the_recommendation_stay_text(fake_backend):
    at = open_app()
    at.multiselect[0].set_value(["fake:fake-a", "fake:![x](t.png)"])
    widget(at.button, "Load sample").click().run()
    widget(at.button, "Run comparison").click().run()
    at.switch_page("app_pages/scorecard.py").run()
    widget(at.multiselect, "Criteria").set_value(["speed"]).run()   # both fully known: both named
    raw = [b.value for b in (*at.success, *at.info, *at.warning) if "fake" in b.value]
    assert raw and all("![x](" not in value for value in raw)
    assert any("\\!\\[x\\]\\(t\\.png\\)" in value for value in raw)   # there, escaped


@pytest.mark.slow  # runs the bundled SmolLM2 on the sample prompts
def test_generation_gaps_get_a_button_that_runs_the_generation(fake_backend):
    at = open_app("app_pages/generation.py")
    at.multiselect(key=current_key(at, "gen_models")).set_value(["fake:fake-a", "fake:fake-b"])
    widget(at.button, "Load sample").click().run()
    at.selectbox(key="gen_check_embedder").set_value("(no reference checks)")
    widget(at.button, "Run").click().run()
    at.session_state["gen_results"] = None          # as if nothing had been measured yet
    at.switch_page("app_pages/scorecard.py").run()
    at.segmented_control[0].set_value("generation").run()
    widget(at.multiselect, "Candidates").set_value(["HuggingFaceTB/SmolLM2-135M-Instruct"]).run()
    assert "No recommendation yet" in recommendation(at)
    at.session_state["gen_models"] = []
    widget(at.button, "Measure quality and speed now").click().run()
    assert not at.exception
    assert at.session_state["gen_results"] is not None      # the Generation page ran the models
    refs = {str(r.ref) for r in at.session_state["gen_results"].results}
    assert "local:HuggingFaceTB/SmolLM2-135M-Instruct" in refs


def test_the_generation_button_never_starts_a_download_of_a_model_not_on_this_machine(fake_backend):
    """Mistral-7B is neither bundled nor downloaded here: one click would fetch gigabytes and run them on
    this CPU, so the button leaves it out and says why; the bundled SmolLM2 would still be measured."""
    at = open_app("app_pages/scorecard.py")
    at.segmented_control[0].set_value("generation").run()
    picker = widget(at.multiselect, "Candidates")
    picker.set_value(["mistralai/Mistral-7B-Instruct-v0.2"]).run()
    assert widget(at.button, "Measure quality and speed now").disabled
    assert any("Not measured by this button: mistralai/Mistral-7B-Instruct-v0.2" in shown(c.value)
               and "downloaded from the Hugging Face Hub" in shown(c.value) for c in at.caption)
    widget(at.multiselect, "Candidates").set_value(["mistralai/Mistral-7B-Instruct-v0.2",
                                                     "HuggingFaceTB/SmolLM2-135M-Instruct"]).run()
    assert not widget(at.button, "Measure quality and speed now").disabled
    assert not at.exception


def test_rank_stability_and_flips_are_not_recomputed_for_a_widget_that_does_not_change_them(fake_backend,
                                                                                           monkeypatch):
    import streamlit as st

    from hfcompare.decide import scoring

    calls = {"rank_stability": 0, "weight_to_flip": 0}
    for name in calls:
        real = getattr(scoring, name)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(scoring, name, counted)
    st.cache_data.clear()
    at = open_app("app_pages/scorecard.py")
    widget(at.multiselect, "Candidates").set_value([SMALL, LARGE]).run()
    before = dict(calls)
    assert before["rank_stability"] >= 1 and before["weight_to_flip"] >= 1
    widget(at.number_input, "Tie margin").set_value(0.1).run()        # changes neither weights nor candidates
    assert calls == before
    widget(at.number_input, "Size").set_value(0.0).run()              # a weight: both are computed again
    assert calls == {name: count + 1 for name, count in before.items()}
    assert not at.exception


def test_speeds_of_two_runs_are_never_mixed(fake_backend):
    """A text comparison and an evaluation both timed the models, on different texts: the Scorecard
    ranks on one run's speeds, which the person picks; it silently took the later run's before."""
    at = open_app()
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b"])
    widget(at.button, "Load sample").click().run()
    widget(at.button, "Run comparison").click().run()
    at.segmented_control[0].set_value("evaluate").run()
    widget(at.button, "Load labeled sample").click().run()
    widget(at.button, "Run evaluation").click().run()
    at.switch_page("app_pages/scorecard.py").run()
    widget(at.multiselect, "Criteria").set_value(["performance", "speed"]).run()

    def speed_runs():
        sources = table_with(at, "criterion", "run")
        return list(sources[sources["criterion"] == "Speed"]["run"])

    assert widget(at.radio, "Speeds from").value == "comparison"
    assert all(s.startswith("text comparison · 20 texts #") for s in speed_runs()), speed_runs()
    widget(at.radio, "Speeds from").set_value("evaluation").run()
    assert all(s.startswith("retrieval evaluation · ") for s in speed_runs()), speed_runs()
    assert len({s.split(" · ")[1] for s in speed_runs()}) == 1   # the same texts for both models
    assert not at.exception


def test_a_colleague_opening_the_link_gets_the_same_numbers_and_verdict(fake_backend):
    """The link carries every measured value with its per-query scores, timed passes and provenance:
    the second visitor's page ranks the same numbers, gives the same P(best) and the same verdict, and
    says where the values came from."""
    at = open_app()
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b"])
    at.segmented_control[0].set_value("evaluate").run()
    widget(at.button, "Load labeled sample").click().run()
    widget(at.button, "Run evaluation").click().run()
    at.switch_page("app_pages/scorecard.py").run()
    widget(at.multiselect, "Criteria").set_value(["performance", "speed"]).run()
    mine = table_with(at, "model", "P(best)")
    said = [b.value for b in (*at.success, *at.info, *at.warning) if "P(best)" in b.value or "Recommend" in b.value]
    params = {k: at.query_params[k] for k in at.query_params}
    theirs_at = open_link(params, "app_pages/scorecard.py")
    assert not theirs_at.exception
    theirs = table_with(theirs_at, "model", "P(best)")
    assert theirs[["model", "score", "P(best)"]].equals(mine[["model", "score", "P(best)"]])
    assert [b.value for b in (*theirs_at.success, *theirs_at.info, *theirs_at.warning)
            if "P(best)" in b.value or "Recommend" in b.value] == said
    runs = table_with(theirs_at, "criterion", "run")
    assert runs["run"].str.endswith("from a share link").all()
    assert runs[runs["criterion"] == "Performance"]["run"].str.startswith("retrieval evaluation · 20 queries #").all()
    assert runs[runs["criterion"] == "Speed"]["run"].str.contains(r"^retrieval evaluation · \d+ texts #.* 5 passes").all()


def test_a_run_on_labeled_pairs_is_the_performance_source_when_it_is_the_only_one(fake_backend):
    at = open_app()
    at.segmented_control[0].set_value("pairs").run()
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b"])
    widget(at.button, "Load pairs sample").click().run()
    widget(at.button, "Run on pairs").click().run()
    at.switch_page("app_pages/scorecard.py").run()
    assert not at.exception
    assert widget(at.multiselect, "Candidates").value == ["fake:fake-a", "fake:fake-b"]
    sources = table_with(at, "criterion", "source")
    perf = sources[sources["criterion"].str.contains("Pair ROC AUC")]
    assert len(perf) == 2 and perf["source"].str.contains("measured: ROC AUC over 44 labeled pairs").all()
    assert perf["run"].str.match(r"labeled pairs · 44 pairs #[0-9a-f]{6}").all()
