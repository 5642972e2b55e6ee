"""Shared fixtures: a temporary HFCOMPARE_HOME and a deterministic fake backend."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from hfcompare.backends import (
    Capability,
    EmbeddingBackend,
    GenerationBackend,
    GenerationParams,
    ModelInfo,
    ModelLoadError,
    Usage,
    register_backend,
    unregister_backend,
)

FAKE_DIM = 16


class FakeBackend(EmbeddingBackend, GenerationBackend):
    """Vectors from a hash of (model, text): same input, same vector, no model files; and
    streamed answers that echo the prompt word by word, with reported usage.

    `fake-broken` always fails, to check that one failure does not sink a comparison.
    Set `barrier` to a threading.Barrier to prove that models stream concurrently.
    """

    name = "fake"
    capabilities = frozenset({Capability.EMBED, Capability.GENERATE, Capability.STREAM, Capability.LIST_MODELS})
    batch_size = 4

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.generations: list[tuple[str, str]] = []
        self.barrier = None

    def stream(self, model, messages, params: GenerationParams):
        if model == "fake-broken":
            raise ModelLoadError("fake-broken always fails (this is the test double's job)")
        prompt = messages[-1]["content"]
        self.generations.append((model, prompt))
        if self.barrier is not None:
            self.barrier.wait(timeout=10)
        words = f"{model} answers: {prompt}".split()[: params.max_tokens]
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word
        yield Usage(prompt_tokens=len(prompt.split()), completion_tokens=len(words))

    def embed_batch(self, model: str, texts: list[str]) -> np.ndarray:
        if model == "fake-broken":
            raise ModelLoadError("fake-broken always fails (this is the test double's job)")
        self.calls.append(list(texts))
        rows = []
        for text in texts:
            seed = int.from_bytes(hashlib.sha256(f"{model}|{text}".encode()).digest()[:8], "little")
            # words shared between texts pull their vectors together, so similarities mean something
            vector = np.random.default_rng(seed).normal(size=FAKE_DIM) * 0.3
            for word in text.lower().split():
                word_seed = int.from_bytes(hashlib.sha256(f"{model}|{word}".encode()).digest()[:8], "little")
                vector += np.random.default_rng(word_seed).normal(size=FAKE_DIM)
            rows.append(vector)
        return np.asarray(rows, dtype=np.float32)

    def available_models(self) -> list[ModelInfo]:
        return [
            ModelInfo(id=m, backend="fake", task="embeddings", label=f"{m} · fake", offline=True, dimensions=FAKE_DIM)
            for m in ("fake-a", "fake-b", "fake-broken")
        ] + [
            ModelInfo(id=m, backend="fake", task="generation", label=f"{m} · fake chat", offline=True)
            for m in ("fake-a", "fake-b", "fake-broken")
        ]


@pytest.fixture(autouse=True)
def hfcompare_home(tmp_path, monkeypatch) -> Path:
    """Every test gets its own empty HFCOMPARE_HOME."""
    home = tmp_path / "home"
    monkeypatch.setenv("HFCOMPARE_HOME", str(home))
    return home


@pytest.fixture
def fake_backend():
    """The fake backend, registered as `fake` for the test's duration."""
    backend = FakeBackend()
    register_backend("fake", lambda: backend)
    yield backend
    unregister_backend("fake")


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL database for this test session (tests/postgres.py); skipped where
    PostgreSQL is not installed (.ci/run installs it, so CI always runs these tests)."""
    from tests.postgres import postgres_bin, postgres_cluster

    if postgres_bin() is None:
        pytest.skip("PostgreSQL is not installed here (Debian's postgresql package; .ci/run installs it)")
    with postgres_cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The URL of an empty store on each engine: a SQLite file, and a new database in the session's
    PostgreSQL cluster (skipped where PostgreSQL is not installed). The store suite runs on both."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    from tests.postgres import fresh_database

    with fresh_database(request.getfixturevalue("postgres_url")) as url:
        yield url


@pytest.fixture
def make_store(store_url):
    """Open a Store on the test's engine (keyword arguments as Store takes them); all closed afterwards."""
    from hfcompare.storage.store import Store

    opened = []

    def make(**options):
        opened.append(Store(url=store_url, **options))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def public(monkeypatch):
    """Public mode (HFCOMPARE_PUBLIC=1) with no operator allow-list."""
    monkeypatch.setenv("HFCOMPARE_PUBLIC", "1")
    monkeypatch.delenv("HFCOMPARE_ALLOWED_MODELS", raising=False)


@pytest.fixture
def measured(monkeypatch) -> list[str]:
    """The memory measurement's fresh process, stood in for: every model 80 MB loaded, 95 MB at peak. Returns
    the refs it was asked to measure, in order."""
    from hfcompare.backends.local import memory

    calls: list[str] = []

    def child(ref, task):
        calls.append(ref)
        return {"before_mb": 50.0, "load_mb": 80.0, "peak_mb": 95.0, "kv_cache_mb": None}

    monkeypatch.setattr(memory, "run_child", child)
    return calls
