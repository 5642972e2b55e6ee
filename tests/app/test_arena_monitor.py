"""The Arena and Monitor pages in AppTest, on the fake backend."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.pages import current_key, open_app
from ui import prose


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
    assert list(board["rating"]) == ["", ""] and list(board["95% interval"]) == ["", ""]
    assert list(board["note"]) == ["not enough votes to rate (1 of 5)"] * 2
    assert any("1 vote so far." in c.value for c in at.caption)
    assert not any("1 votes" in c.value for c in at.caption)


def test_leaderboard_opens_on_the_arena_just_voted_in_and_rates_after_enough_votes(arena):
    at = arena
    at.multiselect[1].set_value(["fake:fake-a", "lexical:tfidf"])
    queries = ["How do I create an invoice?", "Can I change the currency?", "Reset my password",
               "Export to PDF", "Who can see my invoices?"]   # five different battles (a repeat counts once)
    for query in queries:
        at.text_input(key=current_key(at, "arena_query")).set_value(query).run()
        button(at, "arena_new_retrieval").click().run()
        button(at, "vote_retrieval_tie").click().run()
    board_control = next(c for c in at.segmented_control if c.label == "Arena")
    assert board_control.value == "retrieval"
    board = at.dataframe[0].value
    assert set(board["model"]) == {"fake:fake-a", "lexical:tfidf"} and list(board["votes"]) == [5, 5]
    for rating, interval in zip(board["rating"], board["95% interval"]):   # five ties: both near 1000
        low, high = (float(v) for v in interval.split(" to "))
        assert low <= float(rating) <= high
    assert any("5 votes so far." in c.value for c in at.caption)


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


def log_by_hand(at, experiment: str, users) -> None:
    next(t for t in at.text_input if t.label == "Experiment").set_value(experiment)
    for i in users:
        next(t for t in at.text_input if t.label == "User id").set_value(f"user-{i}")
        next(c for c in at.checkbox if c.label == "Satisfied").set_value(i % 2 == 0)
        button(at, "ab_log").click().run()


def test_ab_outcomes_by_hand_then_a_plan_and_a_test_only_at_the_planned_size(arena):
    at = arena
    log_by_hand(at, "bot-v2", range(6))
    assert any("is in variant" in s.value for s in at.success)
    variants = at.dataframe[-1].value
    assert list(variants["variant"]) == ["A", "B"] and variants["users"].sum() == 6
    assert "rate" not in variants.columns                       # no plan: counts only, no test
    assert any("has no plan yet" in i.value for i in at.info) and not any("z-test on" in m.value for m in at.markdown)
    at.number_input(key="ab_baseline").set_value(30.0)
    at.number_input(key="ab_difference").set_value(50.0).run()
    button(at, "ab_plan").click().run()
    assert not at.exception
    from hfcompare.storage.store import Store

    planned = Store().experiment_plan("bot-v2")["per_variant"]
    assert planned > 6 and any("Fixed-horizon test" in c.value for c in at.caption)
    assert any(f"of {planned:,}" in p.text for p in at.get("progress"))
    log_by_hand(at, "bot-v2", range(6, 6 + 4 * planned))
    assert any(f"z-test on the first {planned:,} users of each variant" in m.value for m in at.markdown)
    variants = the_tested_table(at)
    assert list(variants["users"]) == [planned, planned] and "rate" in variants.columns
    after = after_plan_table(at)                                  # the users beyond the plan, apart
    assert after["new users"].sum() == 4 * planned + 6 - 2 * planned and "95% low" not in after.columns
    log_by_hand(at, "later-bot", range(1))                       # the view follows the experiment just logged
    assert next(s for s in at.selectbox if s.label == "Experiment").value == "later-bot"
    assert at.dataframe[-1].value["users"].sum() == 1


def the_tested_table(at):
    return next(d.value for d in at.dataframe if "95% low" in d.value.columns)


def after_plan_table(at):
    return next(d.value for d in at.dataframe if "new users" in d.value.columns)


def test_ab_verdict_stays_final_and_later_outcomes_are_shown_apart(arena):
    """Issue 28.3: B 87/200 against A 61/200 at the plan (p = 0.007); 15 of B's satisfied users then
    log unsatisfied outcomes, and 3 new users come. The tested counts and the verdict stay; the later
    outcomes are in their own table, "after the plan"."""
    from hfcompare.decide import ab
    from hfcompare.storage.store import Store
    from tests.unit.decide.test_ab import users_of

    store = Store()
    ab.plan("bot-*final*", 200, store=store)
    a_users, b_users = users_of("A", 200, "bot-*final*"), users_of("B", 203, "bot-*final*")
    for i in range(200):
        store.log_outcome("bot-*final*", a_users[i], "A", float(i < 61), ts=1_700_000_000.0)
        store.log_outcome("bot-*final*", b_users[i], "B", float(i < 87), ts=1_700_000_000.0)
    for user in b_users[:15] + b_users[200:]:
        store.log_outcome("bot-*final*", user, "B", 0.0, ts=1_700_000_600.0)
    store.close()
    at = arena.run()
    assert not at.exception
    tested = the_tested_table(at).set_index("variant")
    assert list(tested["users"]) == [200, 200] and list(tested["satisfied"]) == [61, 87]
    verdict = next(m.value for m in at.markdown if "z-test on the first 200 users" in m.value)
    assert "p = 0.0071" in verdict and "**a significant difference**" in verdict and "final" in verdict
    assert "2023-11-14 at 22:13 UTC" in verdict and "400th outcome" in verdict
    after = after_plan_table(at).set_index("variant")
    assert list(after["users"]) == [0, 18] and list(after["new users"]) == [0, 3]
    assert list(after["outcomes"]) == [0, 18] and after.loc["B", "satisfied"] == 0
    assert any("After the plan" in m.value and "not part of the test" in m.value for m in at.markdown)
    assert any("Not part of the test" in c.value for c in at.caption)


def test_ab_flags_outcomes_logged_under_the_other_variant(arena):
    from hfcompare.decide import ab
    from hfcompare.storage.store import Store

    store = Store()
    assigned = ab.assign("user-1", "bot-v3")
    store.log_outcome("bot-v3", "user-1", assigned, 1.0)
    store.log_outcome("bot-v3", "user-1", "B" if assigned == "A" else "A", 0.0)
    store.close()
    at = arena.run()
    assert any("1 user had 1 outcome logged under the variant they were not assigned" in w.value for w in at.warning)
    assert at.dataframe[-1].value["users"].sum() == 1


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


def test_monitor_counts_failed_model_loads_with_their_error_class(fake_backend, monkeypatch):
    """A model that never loads (not bundled, the Hub out of reach) used to leave no call at all."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = open_app("app_pages/embeddings.py")
    at.multiselect[0].set_value(["fake:fake-a", "local:example-org/not-bundled"])
    at.text_area[0].set_value("one\ntwo\nthree").run()
    next(b for b in at.button if b.label == "Run comparison").click().run()
    at.switch_page("app_pages/monitor.py").run()
    table = at.dataframe[0].value.set_index("model")
    assert table.loc["example-org/not-bundled", "errors"] == 1
    assert table.loc["example-org/not-bundled", "error classes"] == "unavailable ×1"
    assert table.loc["fake-a", "errors"] == 0 and table.loc["fake-a", "error classes"] == ""


def test_monitor_shows_production_traffic_apart_with_satisfaction_per_variant(fake_backend):
    from hfcompare import monitoring

    for i in range(10):
        monitoring.track(model="bge-small", latency_s=0.1 * (i + 1), ok=i != 0, satisfaction=1.0 if i % 2 else 0.0,
                         variant="ab"[i % 2], source="support-bot")
    monitoring.flush()
    at = open_app("app_pages/monitor.py")
    assert not at.exception
    at.segmented_control(key="mon_traffic").set_value("production").run()
    table = at.dataframe[0].value.set_index("variant")
    assert list(table["calls"]) == [5, 5] and table.loc["a", "satisfaction"] == 0.0
    assert table.loc["b", "satisfaction"] == 1.0 and table.loc["a", "error rate"] == 0.2
    assert "Per model and variant" in [s.value for s in at.main.subheader]
    at.segmented_control(key="mon_traffic").set_value("app").run()
    assert [i.value for i in at.info] == [prose.MONITOR_EMPTY]      # production rows are not this app's calls


def test_the_monitor_reads_only_the_newest_calls_and_says_how_many_there_are(fake_backend, monkeypatch):
    from hfcompare.storage.store import shared_store

    monkeypatch.setattr("hfcompare.reporting.monitoring.MAX_CALLS_SHOWN", 5)
    store = shared_store()
    store.log_calls([{"ts": 1000.0 + i, "backend": "fake", "model": "fake-a", "task": "embeddings",
                      "latency_s": 0.1, "ok": True} for i in range(8)])
    store.log_calls([{"ts": 1000.0 + i, "backend": "prod", "model": "bot-model", "task": "generate",
                      "latency_s": 0.2, "ok": True, "source": "support-bot"} for i in range(7)])
    at = open_app("app_pages/monitor.py")
    assert any("newest 5 of 8 calls" in w.value for w in at.warning)
    assert at.dataframe[0].value.set_index("model").loc["fake-a", "calls"] == 5
    next(c for c in at.segmented_control if c.label == "Traffic").set_value("production").run()
    assert any("newest 5 of 7 calls" in w.value for w in at.warning)


def test_voting_again_on_the_same_battle_does_not_count_as_a_new_vote(arena):
    at = arena
    at.multiselect[1].set_value(["fake:fake-a", "lexical:tfidf"])
    at.text_input(key=current_key(at, "arena_query")).set_value("How do I create an invoice?").run()
    for _ in range(3):
        button(at, "arena_new_retrieval").click().run()
        button(at, "vote_retrieval_tie").click().run()
    board = at.dataframe[0].value
    assert list(board["votes"]) == [1, 1]
    assert any("3 votes so far. 2 votes repeated a battle already judged" in c.value for c in at.caption)
