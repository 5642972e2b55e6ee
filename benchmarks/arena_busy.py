"""The Arena on a busy machine: the time to a full generation battle between the two bundled models
(SmolLM2-135M-Instruct and gemma-3-270m, llama.cpp on this CPU), against the slower of them answering
alone, with 2 CPU-bound background processes running (benchmarks/busy.py) and quiet.

A battle answers with both models on this CPU, so they take turns (hfcompare.backends.local.cpu):
the full battle is at best the sum of both answers, at most 2x the slower alone when both take as
long. The same runs with HFCOMPARE_THREADS set to the CPU count show what every-core threads (the
engine before issue 27) cost under load. Prints medians, the CPU count and the threads chosen.
Run: .venv/bin/python benchmarks/arena_busy.py [--repeats 3] [--busy 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.busy import busy  # noqa: E402

PROMPT = "A customer says their invoice shows the wrong amount. What should they do?"
MODELS = ("HuggingFaceTB/SmolLM2-135M-Instruct", "google/gemma-3-270m")


def battle_seconds(refs, prompt: str) -> float:
    from hfcompare.decide.battles import generation_battle

    started = time.perf_counter()
    battle = generation_battle(refs, prompt)
    assert not any(battle.failed), battle.shown
    return time.perf_counter() - started


def alone_seconds(ref, prompt: str) -> float:
    from hfcompare.decide.battles import BATTLE_PARAMS
    from hfcompare.generation.runs import generate_one

    started = time.perf_counter()
    result = generate_one(ref, prompt, BATTLE_PARAMS)
    assert result.ok, result.error
    return time.perf_counter() - started


def measure(refs, repeats: int) -> tuple[float, float, str]:
    """Medians of (full battle, slower model alone), interleaved, and the slower model's name."""
    alone = {ref: [] for ref in refs}
    battles = []
    for _ in range(repeats):
        battles.append(battle_seconds(refs, PROMPT))
        for ref in refs:
            alone[ref].append(alone_seconds(ref, PROMPT))
    slower = max(refs, key=lambda ref: statistics.median(alone[ref]))
    return statistics.median(battles), statistics.median(alone[slower]), slower.model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--busy", type=int, default=2, help="CPU-bound background processes")
    args = parser.parse_args()

    from hfcompare.backends.local.cpu import THREADS_ENV, threads_now
    from hfcompare.generation.runs import generate_one
    from hfcompare.decide.battles import BATTLE_PARAMS
    from hfcompare.refs import ModelRef

    cpus = os.cpu_count() or 1
    refs = [ModelRef("local", model) for model in MODELS]
    for ref in refs:  # load both (loading is timed apart; this keeps it out of every figure)
        generate_one(ref, "warm up", BATTLE_PARAMS)
    print(f"arena: CPU with {cpus} cores, medians of {args.repeats} interleaved runs, answers of up to "
          f"{BATTLE_PARAMS.max_tokens} tokens at temperature 0, both bundled models on llama.cpp")
    for label, background in (("quiet", 0), (f"{args.busy} CPU-bound background processes", args.busy)):
        for policy, threads in (("hfcompare's thread choice", None), (f"every core ({cpus} threads)", cpus)):
            if threads is None:
                os.environ.pop(THREADS_ENV, None)
            else:
                os.environ[THREADS_ENV] = str(threads)
            with busy(background, seconds=900.0):
                time.sleep(1.0 if background else 0.0)
                chosen = threads_now().threads
                full, alone, slower = measure(refs, args.repeats)
            print(f"  {label}, {policy} (chose {chosen}): full battle {full:6.2f} s, {slower} alone "
                  f"{alone:6.2f} s -> {full / alone:.2f}x")
    os.environ.pop(THREADS_ENV, None)


if __name__ == "__main__":
    main()
