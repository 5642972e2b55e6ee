"""A click the browser sends before it has taken the address the page just wrote carries the older
address. Streamlit sets `st.query_params` from the address each request carries, so such a run sees
the previous address (the one the session was opened with, or one it wrote itself) instead of the
current one. It must not be taken for a newly opened link: re-applying it put back the link's state
and dropped what the user did since (an edited prompt went back to the model's own, and the next
run and its share link went without it: the e2e prompts test's empty MiniLM prompt, on a loaded
machine only)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.pages import current_key
from ui.prompt_editor import prompt_key

APP = str(Path(__file__).resolve().parents[2] / "app.py")
E5, PLAIN = "fake:intfloat/e5-base-v2", "fake:fake-a"
OPENED_WITH = {"mode": "evaluate", "models": f"{PLAIN},{E5}"}


def _open(params: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(params)
    at.run()
    assert not at.exception
    return at


def _field(at: AppTest, ref: str, role: str = "query"):
    return at.text_input(key=current_key(at, prompt_key(ref, role)))


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _link_state(at: AppTest) -> dict:
    from hfcompare.storage.sharing import from_query
    from hfcompare.storage.store import Store
    from tests.link_pages import fields

    state, warnings = from_query("embeddings", dict(at.query_params), fields("embeddings"), Store())
    assert not warnings
    return state


def _lagging(at: AppTest, address: dict) -> AppTest:
    """The next request carries `address`, an address the browser had not yet replaced."""
    at.query_params.clear()
    at.query_params.update(address)
    return at


def _edited(at: AppTest) -> AppTest:
    _field(at, PLAIN).set_value("query: ").run()
    assert _link_state(at)["prompts"] == {PLAIN: {"query": "query: "}}
    return at


def test_a_click_carrying_the_address_written_before_the_edit_keeps_the_edit(fake_backend):
    at = _open(OPENED_WITH)
    written = dict(at.query_params)   # the page wrote its state (run=0) over the address it was opened with
    assert written != OPENED_WITH
    _edited(at)
    _button(_lagging(at, written), "Load labeled sample").click().run()
    assert not at.exception
    assert _field(at, PLAIN).value == "query: "
    _button(at, "Run evaluation").click().run()
    assert not at.exception
    assert _field(at, PLAIN).value == "query: "
    assert _link_state(at)["prompts"] == {PLAIN: {"query": "query: "}}
    assert _link_state(at)["run"] is True
    metrics = at.dataframe[0].value.set_index("reference")
    assert metrics.loc[PLAIN, "query prompt"] == '"query: "'


def test_a_click_carrying_the_address_the_session_was_opened_with_keeps_the_edit(fake_backend):
    at = _edited(_open(OPENED_WITH))
    _button(_lagging(at, OPENED_WITH), "Load labeled sample").click().run()
    assert not at.exception
    assert _field(at, PLAIN).value == "query: "
    assert _link_state(at)["prompts"] == {PLAIN: {"query": "query: "}}


def test_a_new_link_opened_in_the_same_session_is_still_applied(fake_backend):
    """An address the session never saw nor wrote is a link: it is applied as before."""
    at = _edited(_open(OPENED_WITH))
    _lagging(at, {"mode": "evaluate", "models": f"{E5},{PLAIN}", "prompts": '{"%s":{"query":"q: "}}' % E5}).run()
    assert not at.exception
    assert _field(at, PLAIN).value == ""
    assert _field(at, E5).value == "q: "


def test_going_back_to_an_earlier_address_with_the_browser_shows_that_view_again(fake_backend, monkeypatch):
    """The browser's Back button asks for a run with an earlier address, and says so: that address is
    applied again, as a link (the edit made after it is undone)."""
    import ui.share

    at = _open(OPENED_WITH)
    written = dict(at.query_params)
    _edited(at)
    monkeypatch.setattr(ui.share, "_history_navigation", lambda: True)
    _lagging(at, written).run()
    assert not at.exception
    assert _field(at, PLAIN).value == ""
