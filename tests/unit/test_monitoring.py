"""Production monitoring: `track` from a product, `calls` for the Monitor page; an unwritable store
drops rows without ever raising into the caller."""

from __future__ import annotations

import logging

import pytest

from hfcompare import monitoring


def test_tracked_calls_come_back_with_what_they_recorded(store_url, monkeypatch):
    monkeypatch.setenv("HFCOMPARE_DATABASE_URL", store_url)   # on each engine
    monitoring.track(model="bge-small", latency_s=0.42, ok=True, satisfaction=1.0, variant="b",
                     source="support-bot", tags={"region": "eu"})
    monitoring.track(model="bge-small", latency_s=1.5, ok=False, error_kind="timeout", variant="a",
                     source="support-bot")
    monitoring.track(model="other", latency_s=0.1, source="search")
    rows = monitoring.calls(source="support-bot")
    assert [(r["model"], r["latency_s"], r["ok"], r["variant"], r["satisfaction"]) for r in rows] == [
        ("bge-small", 0.42, True, "b", 1.0), ("bge-small", 1.5, False, "a", None)]
    assert rows[0]["tags"] == {"region": "eu"} and rows[1]["error_kind"] == "timeout"
    assert [r["variant"] for r in monitoring.calls(variant="a")] == ["a"]
    assert {r["source"] for r in monitoring.calls()} == {"support-bot", "search"}


@pytest.mark.parametrize("arguments, problem", [
    ({"model": "m", "latency_s": -1}, "latency_s must lie between 0"),
    ({"model": "m", "latency_s": float("nan")}, "finite number"),
    ({"model": "m", "latency_s": 1, "satisfaction": 3}, "satisfaction must lie between 0 and 1"),
    ({"model": "", "latency_s": 1}, "model must be a non-empty text"),
    ({"model": "m", "latency_s": 1, "source": "hfcompare"}, "this app's own"),
])
def test_arguments_that_cannot_be_right_raise_at_once(arguments, problem):
    with pytest.raises(ValueError, match=problem):
        monitoring.track(**arguments)


def test_a_store_that_cannot_be_written_drops_rows_counts_them_and_warns_once(tmp_path, monkeypatch, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store's folder should be")
    monkeypatch.setenv("HFCOMPARE_HOME", str(blocked))
    before = monitoring.dropped()
    monkeypatch.setattr(monitoring.WRITER, "warned", False)
    with caplog.at_level(logging.WARNING, logger="hfcompare.monitoring"):
        for _ in range(3):
            monitoring.track(model="m", latency_s=0.2, source="support-bot")   # never raises
        assert monitoring.flush(10.0)
    assert monitoring.dropped() - before == 3
    assert len([r for r in caplog.records if "dropped" in r.getMessage()]) == 1


def test_a_database_out_of_reach_drops_rows_and_logs_once_without_the_password(monkeypatch, caplog):
    from tests.servers import free_port

    secret = "Track-Pw-31337"
    monkeypatch.setenv("HFCOMPARE_DATABASE_URL", f"postgresql://bot:{secret}@127.0.0.1:{free_port()}/metrics")
    before = monitoring.dropped()
    monkeypatch.setattr(monitoring.WRITER, "warned", False)
    with caplog.at_level(logging.DEBUG):
        for _ in range(5):
            monitoring.track(model="m", latency_s=0.2, source="support-bot")   # never raises
        assert monitoring.flush(30.0)
    assert monitoring.dropped() - before == 5
    assert len([r for r in caplog.records if "dropped" in r.getMessage()]) == 1
    assert secret not in caplog.text
