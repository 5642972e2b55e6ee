"""The backend registry and its typed errors."""

from __future__ import annotations

import pytest

from hfcompare.backends import (
    BackendError,
    UnknownBackendError,
    available_models,
    backend_names,
    get_backend,
)


def test_bundled_backends_are_registered():
    assert {"local", "onnx", "lexical"} <= set(backend_names())
    assert get_backend("local") is get_backend("local")


def test_unknown_backend_lists_the_valid_names():
    with pytest.raises(UnknownBackendError) as info:
        get_backend("nope")
    message = str(info.value)
    assert "nope" in message and "local" in message and "onnx" in message and "lexical" in message
    assert isinstance(info.value, BackendError) and isinstance(info.value, KeyError)


def test_available_models_lists_bundled_offline_models():
    refs = {m.ref: m for m in available_models("embeddings")}
    assert refs["local:sentence-transformers/all-MiniLM-L6-v2"].offline
    assert refs["onnx:sentence-transformers/all-MiniLM-L6-v2"].offline
    assert refs["lexical:tfidf"].offline
    onnx = refs["onnx:sentence-transformers/all-MiniLM-L6-v2"]
    assert onnx.variant_of == "local:sentence-transformers/all-MiniLM-L6-v2"  # offered, not chosen by default
    assert available_models("no-such-task") == []


def test_default_embedding_picks_are_the_real_models_then_the_baseline():
    from hfcompare.backends.local import bundled as bundled_st

    if not bundled_st.installed(bundled_st.MPNET):
        pytest.skip("the all-mpnet-base-v2 packages are not installed")
    defaults = [m.ref for m in available_models("embeddings") if m.offline and not m.variant_of]
    assert defaults == ["local:sentence-transformers/all-MiniLM-L6-v2", "local:sentence-transformers/all-mpnet-base-v2",
                        "lexical:tfidf"]


def test_fake_backend_joins_and_leaves(fake_backend):
    assert "fake" in backend_names()
    assert any(m.ref == "fake:fake-a" for m in available_models())
