"""Model ids typed into a picker are checked as they are added: refused with the reason and a
"did you mean", never turned into a choice that fails on Run; models that cannot run here are marked."""

from __future__ import annotations

import pytest

from tests.app.pages import current_key, open_app, shown

MINILM = "local:sentence-transformers/all-MiniLM-L6-v2"


@pytest.fixture
def offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")              # the Hub cannot be asked
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))  # nothing downloaded


def picker(at):
    return at.multiselect(key=current_key(at, "emb_models"))


def test_a_typo_is_refused_with_did_you_mean_and_one_click_takes_the_suggestion(fake_backend, offline):
    at = open_app()
    picker(at).set_value([MINILM, "sentence-transformers/all-MiniLM-L6-v3"]).run()
    assert not at.exception
    assert picker(at).value == [MINILM]                        # not a chip
    message = shown(at.error[0].value)
    assert message == ("sentence-transformers/all-MiniLM-L6-v3 is not bundled or downloaded, and the Hub cannot "
                       "be reached to check it. Did you mean sentence-transformers/all-MiniLM-L6-v2?")
    assert "Add sentence-transformers/all-MiniLM-L6-v3 anyway" in [shown(b.label) for b in at.button]
    next(b for b in at.button if shown(b.label) == "Use sentence-transformers/all-MiniLM-L6-v2").click().run()
    assert picker(at).value == [MINILM]                        # the same model: no second chip
    assert not at.error
    picker(at).set_value([]).run()
    picker(at).set_value(["sentence-transformers/all-MiniLM-L6-v3"]).run()
    next(b for b in at.button if shown(b.label) == "Use sentence-transformers/all-MiniLM-L6-v2").click().run()
    assert picker(at).value == [MINILM]                        # in the form the list knows


def test_an_id_that_cannot_be_an_id_is_refused_and_cannot_be_forced(fake_backend, offline):
    at = open_app()
    picker(at).set_value([MINILM, "bge small en"]).run()
    assert picker(at).value == [MINILM]
    assert shown(at.error[0].value).endswith("Did you mean BAAI/bge-small-en-v1.5?")
    assert not [b for b in at.button if "anyway" in b.label]


def test_a_model_that_cannot_run_here_is_marked_with_what_would_make_it_run(fake_backend, offline):
    at = open_app()
    picker(at).set_value([MINILM, "mistralai/Mistral-7B-v0.3"]).run()   # valid, unknown, offline: kept
    assert picker(at).value == [MINILM, "mistralai/Mistral-7B-v0.3"]
    notes = [shown(w.value) for w in at.warning]
    assert any(n.startswith("**mistralai/Mistral-7B-v0.3** can't run here now.") and "hf download" in n for n in notes)
