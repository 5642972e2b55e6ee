"""The CPU budget of local models: the thread choice, its setting, the reading of other processes'
CPU use, and turns that never overlap."""

from __future__ import annotations

import threading
import time

import pytest

from hfcompare.backends.local import cpu


@pytest.mark.parametrize("cores, others, threads", [
    (2, 0.0, 2),     # quiet: every core (99.8 tokens/s against 67.0 with 1 thread, benchmarks/threads.py)
    (2, 0.2, 2),     # light background work still leaves both cores 80% idle
    (2, 0.3, 1),     # a core 70% idle is not free: llama.cpp's threads would wait for the slow one
    (2, 1.0, 1),     # one busy process: 1 thread (61.9 against 23.7 with 2)
    (2, 2.0, 1),     # two busy processes: 1 thread (40.4 against 10.8), never 0
    (8, 3.0, 5),
    (8, 0.0, 8),
    (1, 0.0, 1),
    (4, None, 4),    # unknown: every core, as llama.cpp's callers usually do
    (4, -0.5, 4),    # a negative reading (clock skew) counts as quiet
])
def test_threads_are_the_cores_other_processes_leave_free(cores, others, threads):
    assert cpu.choose_threads(cores, others) == threads


def test_the_thread_count_can_be_set_by_environment_or_config(monkeypatch, tmp_path):
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv(cpu.THREADS_ENV, raising=False)
    assert cpu.configured_threads() is None and cpu.threads_problem() is None
    (tmp_path / "config.toml").write_text("[local]\nthreads = 3\n")
    assert cpu.configured_threads() == 3
    choice = cpu.threads_now()
    assert choice.threads == 3 and choice.configured and "set by" in choice.describe()
    monkeypatch.setenv(cpu.THREADS_ENV, "1")  # the environment wins over the file
    assert cpu.configured_threads() == 1


def test_auto_in_the_environment_means_auto(monkeypatch, tmp_path):
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(tmp_path / "config.toml"))
    (tmp_path / "config.toml").write_text("[local]\nthreads = 3\n")
    monkeypatch.setenv(cpu.THREADS_ENV, "auto")
    assert cpu.configured_threads() is None


@pytest.mark.parametrize("raw", ["0", "-2", "two", "1.5"])
def test_a_bad_thread_setting_is_auto_with_a_reason(monkeypatch, raw):
    monkeypatch.setenv(cpu.THREADS_ENV, raw)
    assert cpu.configured_threads() is None
    assert cpu.THREADS_ENV in cpu.threads_problem() and "auto" in cpu.threads_problem()


def test_a_bad_config_value_is_auto_with_a_reason(monkeypatch, tmp_path):
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv(cpu.THREADS_ENV, raising=False)
    (tmp_path / "config.toml").write_text("[local]\nthreads = true\n")
    assert cpu.configured_threads() is None and "[local] threads" in cpu.threads_problem()


STAT = """cpu  300 0 100 1000 50 0 0 0 0 0
cpu0 100 0 50 500 25 0 0 0 0 0
cpu1 200 0 50 500 25 0 0 0 0 0
intr 12345
"""


def test_busy_time_is_read_from_proc_stat_over_our_cores():
    tick = cpu.os.sysconf("SC_CLK_TCK")
    assert cpu.busy_seconds(STAT) == pytest.approx((150 + 250) / tick)
    assert cpu.busy_seconds(STAT, {1}) == pytest.approx(250 / tick)
    assert cpu.busy_seconds("intr 1\n") is None


def test_other_processes_busy_is_machine_busy_minus_our_own(monkeypatch):
    readings = iter([(0.0, 10.0, 1.0), (2.0, 13.0, 2.0)])  # (time, machine busy s, own s)
    meter = cpu._Meter()

    def read():
        meter.at, meter.busy, meter.own = next(readings)

    monkeypatch.setattr(meter, "_read", read)
    monkeypatch.setattr(cpu.time, "monotonic", lambda: 1.0)
    # over 2 s the machine was busy 3 s, 1 s of it ours: others kept 1 core busy
    assert meter.others_busy() == pytest.approx(1.0)


def test_turns_never_overlap_and_nest():
    inside, overlaps = [0], []

    def work():
        with cpu.turn():
            inside[0] += 1
            overlaps.append(inside[0])
            with cpu.turn():  # re-entrant: a local engine's own turn inside the caller's
                time.sleep(0.01)
            inside[0] -= 1

    workers = [threading.Thread(target=work) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert overlaps == [1, 1, 1, 1]


def test_only_backends_on_this_cpu_take_turns():
    from hfcompare.backends import get_backend

    with cpu.turn_for(get_backend("local")) as choice:
        assert choice is not None and choice.threads >= 1 and cpu.granted() is choice
    with cpu.turn_for(object()) as choice:
        assert choice is None


def test_work_sent_to_the_cpu_thread_runs_on_one_thread_whoever_sends_it():
    """llama.cpp keeps an OpenMP team per calling thread, and a second team slows the first (SmolLM2:
    1.6-1.9 s from one thread, 2.6-3.1 s once another thread had called it): every call goes to one."""
    from concurrent.futures import ThreadPoolExecutor

    def where() -> str:
        return threading.current_thread().name

    with ThreadPoolExecutor(3) as pool:
        names = set(pool.map(lambda _: cpu.on_cpu_thread(where), range(6)))
    assert len(names) == 1 and names.pop().startswith(cpu.CPU_THREAD)


def test_a_stream_on_the_cpu_thread_yields_as_it_goes_and_raises_its_errors():
    def pieces(n: int):
        for i in range(n):
            yield f"{i}@{threading.current_thread().name}"
        raise ValueError("the model broke")

    seen = []
    with pytest.raises(ValueError, match="the model broke"):
        for piece in cpu.stream_on_cpu_thread(pieces, 3):
            seen.append(piece)
    assert [p.split("@")[0] for p in seen] == ["0", "1", "2"]
    assert all(p.split("@")[1].startswith(cpu.CPU_THREAD) for p in seen)


def test_work_on_the_cpu_thread_keeps_the_senders_turn_without_waiting_for_it():
    """The sender holds the turn while the CPU thread works: a turn taken there must not wait for it
    (a deadlock) and runs with the sender's threads."""
    with cpu.turn() as held:
        def inner():
            with cpu.turn() as choice:
                return choice

        assert cpu.on_cpu_thread(inner) is held


def test_a_stream_abandoned_early_stops_and_frees_the_cpu_thread():
    made = []

    def pieces():
        for i in range(1000):   # 10 s to the end
            made.append(i)
            time.sleep(0.01)
            yield i

    stream = cpu.stream_on_cpu_thread(pieces)
    assert next(stream) == 0
    stream.close()   # the caller stopped reading: the CPU thread stops at its next piece
    assert len(made) < 1000 and cpu.on_cpu_thread(lambda: "free") == "free"
