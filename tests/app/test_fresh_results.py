"""Results always match the inputs on screen: changed inputs dim the old results under a note that
says what changed; a run that fails replaces them with its error."""

from __future__ import annotations

from tests.app.pages import current_key, open_app, shown, widget
from ui.freshness import what_changed

FAKES = ["fake:fake-a", "fake:fake-b"]


def _run_sample(at):
    at.multiselect(key=current_key(at, "emb_models")).set_value(FAKES + ["fake:fake-broken"]).run()
    widget(at.button, "Load sample").click().run()
    widget(at.button, "Run comparison").click().run()
    return at


def _stale(at) -> list[str]:
    return [shown(w.value) for w in at.warning if "previous inputs" in w.value]


def test_changed_inputs_mark_the_results_as_for_the_previous_inputs(fake_backend):
    at = _run_sample(open_app())
    assert _stale(at) == [] and "Similarity matrices" in [s.value for s in at.main.subheader]
    texts = at.text_area(key=current_key(at, "emb_texts"))
    texts.set_value(texts.value + "\nA new text").run()
    at.multiselect(key=current_key(at, "emb_models")).set_value(FAKES).run()
    (note,) = _stale(at)
    assert "models: removed fake:fake-broken" in note and "texts: 1 of 21 changed" in note
    assert "Similarity matrices" in [s.value for s in at.main.subheader]   # still there, dimmed
    widget(at.button, "Run comparison").click().run()
    assert _stale(at) == [] and not at.error                               # fresh again: fake-broken is gone


def test_a_failed_run_never_sits_above_the_results_of_another_run(fake_backend):
    at = _run_sample(open_app())
    at.text_area(key=current_key(at, "emb_texts")).set_value("").run()
    widget(at.button, "Run comparison").click().run()
    assert [shown(e.value) for e in at.error] == ["Enter at least two texts, one per line, or load a sample."]
    assert "Similarity matrices" not in [s.value for s in at.main.subheader]


def test_what_changed_names_models_and_counts_other_items():
    before = {"models": ["a", "b"], "texts": ["x", "y"], "system": "s"}
    after = {"models": ["b", "c"], "texts": ["x", "z", "w"], "system": "t"}
    assert what_changed(before, after, {"models": "models", "texts": "texts", "system": "system prompt"}) == [
        "models: added c; removed a", "texts: 2 of 3 changed", "system prompt changed"]
    assert what_changed(before, dict(before), {"models": "models"}) == []
