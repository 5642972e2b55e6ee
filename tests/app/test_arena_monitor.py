"""The Arena and Monitor pages in AppTest, on the fake backend."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import open_app



@pytest.fixture
def arena(fake_backend) -> AppTest:
    return open_app("app_pages/arena.py")


def button(at, key):
    return next(b for b in at.button if b.key == key)


def test_generation_battle_is_blind_until_the_vote_then_counts(arena):
    at = arena
    assert any("No votes yet" in i.value for i in at.info)
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b"])
    at.text_input[0].set_value("Where is my invoice?").run()
    button(at, "arena_new_generation").click().run()
    shown = " ".join(m.value for m in at.markdown)
    assert "Model A" in shown and "fake:fake-a" not in shown and "fake:fake-b" not in shown
    assert sorted(t.value for t in at.text[:2]) == ["fake-a answers: Where is my invoice?",
                                                     "fake-b answers: Where is my invoice?"]
    button(at, "vote_generation_tie").click().run()
    assert any("Model A was" in s.value and "Saved" in s.value for s in at.success)
    assert button(at, "vote_generation_a").disabled
    board = at.dataframe[0].value
    assert set(board["model"]) == {"fake:fake-a", "fake:fake-b"} and list(board["ties"]) == [1, 1]


def test_battle_needs_two_models_and_a_prompt(arena):
    at = arena
    at.multiselect[0].set_value(["fake:fake-a"])
    at.text_input[0].set_value("hi").run()
    button(at, "arena_new_generation").click().run()
    assert any("at least two different models" in e.value for e in at.error)


def test_retrieval_battle_and_vote(arena):
    at = arena
    at.multiselect[1].set_value(["fake:fake-a", "lexical:tfidf"])
    button(at, "arena_sample_retrieval").click().run()
    button(at, "arena_new_retrieval").click().run()
    assert not at.exception
    lists = [t.value for t in at.text]
    assert len(lists) >= 2 and all(text.startswith("1. ") for text in lists[-2:])
    button(at, "vote_retrieval_b").click().run()
    assert any("Saved" in s.value for s in at.success)


def test_ab_outcomes_by_hand_and_the_test(arena):
    at = arena
    next(t for t in at.text_input if t.label == "Experiment").set_value("bot-v2")
    for i in range(6):
        next(t for t in at.text_input if t.label == "User id").set_value(f"user-{i}")
        next(c for c in at.checkbox if c.label == "Satisfied").set_value(i % 2 == 0)
        button(at, "ab_log").click().run()
    assert any("is in variant" in s.value for s in at.success)
    variants = at.dataframe[-1].value
    assert list(variants["variant"]) == ["A", "B"] and variants["users"].sum() == 6


def test_monitor_shows_logged_calls_with_filters(fake_backend):
    at = open_app("app_pages/monitor.py")
    assert any("No model has been called yet" in i.value for i in at.info)
    at.switch_page("app_pages/embeddings.py").run()
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-broken"])
    at.text_area[0].set_value("one\ntwo\nthree").run()
    next(b for b in at.button if b.label == "Run comparison").click().run()
    at.switch_page("app_pages/monitor.py").run()
    table = at.dataframe[0].value.set_index("model")
    assert table.loc["fake-a", "calls"] >= 1 and table.loc["fake-a", "error rate"] == 0
    assert table.loc["fake-broken", "error rate"] == 1.0
    at.multiselect[0].set_value(["fake-a"]).run()
    assert list(at.dataframe[0].value["model"]) == ["fake-a"]
