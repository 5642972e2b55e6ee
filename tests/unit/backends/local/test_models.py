"""The bundled real models: sentence-transformers fp32 and the int8 ONNX export."""

from __future__ import annotations

import time

import numpy as np
import pytest

import hfcompare
from hfcompare.backends import ModelUnavailableError, get_backend
from hfcompare.backends.local.sentence_transformer import MINILM_ID
from hfcompare.backends import hub

pytestmark = pytest.mark.slow

TEXTS = [
    "I need help with invoice management",
    "How do I create an invoice?",
    "Invoice templates and billing",
    "Resetting your password and recovering your account",
]


def test_embed_api_returns_normalized_float32():
    vectors = hfcompare.embed(TEXTS, MINILM_ID, backend="local")
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_bundled_model_matches_sentence_transformers_directly():
    from sentence_transformers import SentenceTransformer

    from hfcompare.backends.local.sentence_transformer import bundled_minilm_dir

    direct = SentenceTransformer(str(bundled_minilm_dir()), device="cpu").encode(TEXTS, normalize_embeddings=True)
    assert np.allclose(hfcompare.embed(TEXTS, MINILM_ID), direct, atol=1e-5)


def test_int8_onnx_agrees_with_fp32():
    fp32 = hfcompare.embed(TEXTS, MINILM_ID, backend="local")
    int8 = hfcompare.embed(TEXTS, f"onnx:{MINILM_ID}")
    assert int8.shape == fp32.shape and int8.dtype == np.float32
    cosines = (fp32 * int8).sum(axis=1)
    assert cosines.mean() > 0.995, cosines


def test_onnx_backend_refuses_other_models():
    with pytest.raises(ModelUnavailableError, match="serves only"):
        get_backend("onnx").load("BAAI/bge-small-en-v1.5")


def test_unbundled_hub_model_offline_fails_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError) as info:
        get_backend("local").load("example-org/not-bundled-model")
    message = str(info.value)
    assert "example-org/not-bundled-model" in message and "cannot be reached" in message
    assert "Traceback" not in message
    assert time.monotonic() - started < 120  # a guard against the minute-long retry loop, not a speed test


def test_hub_probe_reports_unreachable_endpoint(monkeypatch):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "_last_probes", {})
    assert hub.hub_reachable(timeout_s=2) is False
    monkeypatch.setattr(hub, "_last_probes", {})
