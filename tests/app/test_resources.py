"""A store or cache that cannot be used (permissions, a lock that stays) is a message, not a traceback."""

from __future__ import annotations

from hfcompare.storage.store import Store, StoreUnavailable
from tests.app.pages import open_app


def test_an_unusable_store_is_a_message_on_the_page(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise StoreUnavailable("The store at /x/hfcompare.db cannot be opened: permission denied; check that "
                               "this user may read and write it and its folder ($HFCOMPARE_HOME).")

    monkeypatch.setattr(Store, "__init__", refuse)
    at = open_app("app_pages/monitor.py")
    assert not at.exception
    assert any("permission denied" in e.value for e in at.error)
    assert [e.label for e in at.sidebar.expander] == ["Endpoints"]   # the panels after the page still draw
    assert at.sidebar.get("metric")                                  # (the cache panel too)


def test_a_broken_config_file_is_a_warning_in_the_sidebar(hfcompare_home):
    hfcompare_home.mkdir(parents=True, exist_ok=True)
    (hfcompare_home / "config.toml").write_text("[openai\nbase_url = 'x'\n")
    at = open_app()
    assert not at.exception
    warnings = [w.value.replace("\\", "") for w in at.sidebar.warning]
    assert any(w.startswith("The config file is ignored:") and "config.toml" in w for w in warnings)
