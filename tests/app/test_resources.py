"""A store or cache that cannot be used (permissions, a lock that stays) is a message, not a traceback."""

from __future__ import annotations

from hfcompare.storage.store import Store, StoreUnavailable
from tests.app.pages import open_app, shown


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


def test_a_database_out_of_reach_leaves_comparisons_running_and_says_why_without_the_password(
        fake_backend, monkeypatch):
    from tests.servers import free_port

    secret = "Pw-NeverShown-42"
    monkeypatch.setenv("HFCOMPARE_DATABASE_URL", f"postgresql://team:{secret}@127.0.0.1:{free_port()}/hfcompare")
    at = open_app("app_pages/embeddings.py")
    at.multiselect[0].set_value(["fake:fake-a", "fake:fake-b"])
    at.text_area[0].set_value("one\ntwo\nthree " + "word " * 60).run()
    next(b for b in at.button if b.label == "Run comparison").click().run()
    assert not at.exception and "Similarity matrices" in [s.value for s in at.main.subheader]
    assert any("the store cannot be used" in shown(w.value) and "cannot be reached" in shown(w.value)
               for w in at.warning)
    at.switch_page("app_pages/arena.py").run()
    assert not at.exception
    assert any("team:***@" in shown(e.value) and "cannot be reached" in shown(e.value) for e in at.error)
    assert sum("needs the store" in i.value for i in at.info) == 2     # the leaderboard and the A/B tab
    at.switch_page("app_pages/monitor.py").run()
    assert any("cannot be reached" in shown(e.value) for e in at.error)
    elements = [*at.error, *at.warning, *at.info, *at.caption, *at.markdown]
    shown_anywhere = " ".join(shown(str(e.value)) for e in elements)
    assert secret not in shown_anywhere


def _vote_once():
    from ui.resources import store

    store().add_vote("generation", "hi", "local:a", "local:b", "tie")


def test_a_store_held_by_another_process_says_waiting_instead_of_a_silent_block(hfcompare_home, monkeypatch):
    """Another process holds the SQLite write lock for 2 s while a visitor votes: the page shows
    "Waiting for the store…" (a spinner; the vote is saved once the lock is free)."""
    import sqlite3
    import subprocess
    import sys

    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext
    from streamlit.testing.v1 import AppTest

    from hfcompare.storage.store import STORE_FILE, shared_store

    shared_store().close()
    path = hfcompare_home / STORE_FILE
    sent: list[bytes] = []
    original = ScriptRunContext.enqueue
    monkeypatch.setattr(ScriptRunContext, "enqueue", lambda self, msg: (sent.append(msg.SerializeToString()),
                                                                        original(self, msg))[1])
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(2); c.execute('COMMIT')\n")],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    AppTest.from_function(_vote_once, default_timeout=60).run()
    holder.wait(timeout=30)
    spinners = [raw for raw in sent if b"Waiting for the store" in raw]   # a transient spinner message
    assert spinners, len(sent)
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*) FROM votes").fetchone() == (1,)


def test_a_store_damaged_while_running_is_a_sentence_on_the_monitor_and_named_after_a_restart(hfcompare_home):
    import os

    import hfcompare.storage.store as store_module
    from hfcompare.storage.store import STORE_FILE, shared_store

    store = shared_store()
    for i in range(40):
        store.save_state(f"{i:016d}", "embeddings", {"texts": ["canary-user-state " * 40]})
    store.close()                     # written through to the file (closing checkpoints the WAL)
    store_module._shared.clear()
    store = shared_store()
    path = hfcompare_home / STORE_FILE
    with open(path, "r+b") as raw:
        raw.seek(100)
        raw.write(os.urandom(path.stat().st_size - 100))
    at = open_app("app_pages/monitor.py")
    assert not at.exception
    errors = [shown(e.value) for e in at.error]
    assert any("Nothing was saved. Comparisons still run" in e for e in errors), errors
    assert not any("canary-user-state" in e or "SELECT" in e for e in errors)
    # a restart: the damaged file is moved aside, and the sidebar names it
    store.close()
    store_module._shared.clear()
    at = open_app("app_pages/monitor.py")
    warnings = [shown(w.value) for w in at.sidebar.warning]
    assert any("was unreadable" in w and "moved to" in w for w in warnings), warnings


def test_a_wrong_thread_count_is_a_warning_in_the_sidebar(monkeypatch):
    monkeypatch.setenv("HFCOMPARE_THREADS", "two")
    at = open_app()
    assert not at.exception
    warnings = [w.value.replace("\\", "") for w in at.sidebar.warning]
    assert any("HFCOMPARE_THREADS is 'two'" in w and '"auto" is used' in w for w in warnings)
