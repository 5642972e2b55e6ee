"""The Monitor page in AppTest: measurement calls (speed passes) apart from work, and a definition
for every figure."""

from __future__ import annotations

import json

from tests.app.pages import open_app
from ui import prose


def log(store, n: int, tags: dict | None, model: str = "fake-a", task: str = "embeddings") -> None:
    store.log_calls([{"ts": 1000.0 + i, "backend": "fake", "model": model, "task": task, "latency_s": 0.1,
                      "items": 3, "ok": True, "tags": tags} for i in range(n)])


def help_texts(at) -> dict[str, str]:
    """Each column's help in the first table, as the browser receives it."""
    config = json.loads(at.dataframe[0].proto.columns)
    return {column.get("label", name): column.get("help", "") for name, column in config.items()}


def test_speed_passes_are_left_out_by_default_and_shown_with_the_toggle(fake_backend):
    from hfcompare.storage.store import shared_store

    store = shared_store()
    log(store, 3, {"purpose": "work"})
    log(store, 5, {"purpose": "speed pass"})
    log(store, 1, None)                       # logged before calls had a purpose: work
    at = open_app("app_pages/monitor.py")
    assert at.dataframe[0].value.set_index("model").loc["fake-a", "calls"] == 4
    captions = " ".join(c.value for c in at.caption)
    assert "5 measurement calls (embedding speed passes) are left out" in captions
    at.toggle(key="mon_measurements").set_value(True).run()
    assert at.dataframe[0].value.set_index("model").loc["fake-a", "calls"] == 9
    assert any("Includes 5 measurement calls" in c.value for c in at.caption)
    at.switch_page("app_pages/arena.py").run()
    at.switch_page("app_pages/monitor.py").run()
    assert at.toggle(key="mon_measurements").value               # kept across page visits
    assert at.dataframe[0].value.set_index("model").loc["fake-a", "calls"] == 9


def test_a_comparison_counts_its_work_not_its_speed_passes(fake_backend):
    """MiniLM used to show 17 calls after 2 runs: the embedding speed passes were counted as calls."""
    from hfcompare import monitoring
    from hfcompare.storage.store import shared_store

    at = open_app("app_pages/embeddings.py")
    at.multiselect[0].set_value(["fake:fake-a"])
    at.text_area[0].set_value("one\ntwo\nthree").run()
    next(b for b in at.button if b.label == "Run comparison").click().run()
    monitoring.flush()
    purposes = [c["tags"].get("purpose") for c in shared_store().calls()]
    assert "speed pass" in purposes
    at.switch_page("app_pages/monitor.py").run()
    assert at.dataframe[0].value.set_index("model").loc["fake-a", "calls"] == purposes.count("work")


def test_every_figure_on_the_monitor_says_how_it_is_counted(fake_backend):
    from hfcompare.storage.store import shared_store

    log(shared_store(), 2, {"purpose": "work", "ttft_s": 0.1, "decode_tokens": 9, "decode_s": 0.3},
        model="fake-b", task="generation")
    at = open_app("app_pages/monitor.py")
    table = at.dataframe[0].value.set_index("model")
    assert table.loc["fake-b", "median tokens/s"] == 30.0
    helps = help_texts(at)
    assert set(table.reset_index().columns) <= {name for name, text in helps.items() if text}
    assert "Median over successful generation calls" in helps["median tokens/s"]
    assert "Pooled" in helps["items/s"] and "Median seconds per call" in helps["p50 latency s"]
    assert any(c.value == prose.MONITOR_OVER_TIME_CAPTION for c in at.caption)


def test_every_production_figure_says_how_it_is_counted(fake_backend):
    from hfcompare import monitoring

    for i in range(4):
        monitoring.track(model="bot-model", latency_s=0.1, ok=True, satisfaction=1.0, variant="ab"[i % 2],
                         source="support-bot")
    monitoring.flush()
    at = open_app("app_pages/monitor.py")
    at.segmented_control(key="mon_traffic").set_value("production").run()
    helps = help_texts(at)
    assert set(at.dataframe[0].value.columns) <= {name for name, text in helps.items() if text}
    assert any(c.value == prose.MONITOR_PRODUCTION_OVER_TIME_CAPTION for c in at.caption)
