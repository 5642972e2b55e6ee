"""The int8 MiniLM three ways (issue 29): time per pass over the bundled sample texts, and resident memory.

1. the shipped graph with onnxruntime's defaults (every weight folded into an fp32 constant);
2. the shipped graph with folding off (int8 at rest; the 47 MB word table turned into fp32 on every call);
3. the graph hfcompare runs: lookups on int8 rows (hfcompare.backends.local.int8_graph), folding off.

Timings: each session embeds the sample in batches of 32, runs interleaved so a drift in machine load
hits all three alike; prints the median of --repeats passes and the ratio to (1). Memory: each way in a
fresh process, the resident memory (VmRSS) the session added once made and its peak (VmHWM) above the
memory before it, while embedding the sample. Prints the CPU count.
Run: .venv/bin/python benchmarks/int8_graph.py [--repeats 9]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WAYS = ("shipped, folded (onnxruntime defaults)", "shipped, folding off", "int8 lookups, folding off (hfcompare)")


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key)) / 1024


def _feeds():
    import numpy as np
    from tokenizers import Tokenizer

    from hfcompare.backends.local.memory import sample_texts
    from hfcompare.backends.local.sentence_transformer import bundled_minilm_dir

    tokenizer = Tokenizer.from_file(str(bundled_minilm_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(256)
    tokenizer.enable_padding()
    texts = sample_texts()
    feeds = []
    for start in range(0, len(texts), 32):
        encodings = tokenizer.encode_batch(texts[start:start + 32])
        feeds.append({"input_ids": np.array([e.ids for e in encodings]),
                      "attention_mask": np.array([e.attention_mask for e in encodings]),
                      "token_type_ids": np.array([e.type_ids for e in encodings])})
    return texts, feeds


def _session(way: int):
    import onnxruntime

    from hfcompare.backends.local import int8_graph

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    path = int8_graph.source_file() if way < 2 else int8_graph.ensure()
    if path is None:
        raise SystemExit("the int8 graph is not installed (make install)")
    extra = {} if way == 0 else {"disabled_optimizers": ["ConstantFolding"]}
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"], **extra)


def _memory_child(way: int) -> None:
    import onnxruntime  # noqa: F401 - its own memory is not the model's
    import tokenizers  # noqa: F401

    _, feeds = _feeds()
    before = _status_mb("VmRSS")
    session = _session(way)
    loaded = _status_mb("VmRSS") - before
    for feed in feeds:
        session.run(None, feed)
    print(json.dumps({"load_mb": loaded, "peak_mb": _status_mb("VmHWM") - before}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child is not None:
        _memory_child(args.memory_child)
        return

    memory = []
    for way in range(len(WAYS)):
        out = subprocess.run([sys.executable, __file__, "--memory-child", str(way)], capture_output=True, text=True,
                             check=True).stdout
        memory.append(json.loads(out.strip().splitlines()[-1]))

    texts, feeds = _feeds()
    sessions = [_session(way) for way in range(len(WAYS))]
    for session in sessions:  # warm-up
        for feed in feeds:
            session.run(None, feed)
    passes: list[list[float]] = [[] for _ in sessions]
    for _ in range(args.repeats):
        for way, session in enumerate(sessions):
            started = time.perf_counter()
            for feed in feeds:
                session.run(None, feed)
            passes[way].append(time.perf_counter() - started)
    base = statistics.median(passes[0])
    print(f"{len(texts)} sample texts, batches of 32, {args.repeats} interleaved passes, os.cpu_count() = {os.cpu_count()}")
    print(f"{'way':<42} {'MB loaded':>9} {'peak MB':>8} {'median ms':>10} {'vs folded':>9}")
    for way, name in enumerate(WAYS):
        median = statistics.median(passes[way])
        print(f"{name:<42} {memory[way]['load_mb']:>9.0f} {memory[way]['peak_mb']:>8.0f} "
              f"{1000 * median:>10.1f} {median / base:>8.2f}x")


if __name__ == "__main__":
    main()
