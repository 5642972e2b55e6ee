"""A canary token and key never reach disk, error text or exports, on any backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfcompare.backends import RemoteSettings
from hfcompare.cache import EmbeddingCache
from hfcompare.cli import main
from hfcompare.embedding import compare_embeddings
from hfcompare.spec import ModelRef
from tests.integration.fault_server import FaultServer

CANARY_HF = "hf_CANARYtoken0123456789"
CANARY_KEY = "sk-CANARYkey0123456789"
TEXTS = ["create an invoice", "invoice templates", "reset my password"]


def files_containing(folder: Path, needle: str) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes():
            found.append(path)
    return found


@pytest.mark.slow
def test_canary_secrets_stay_out_of_everything_written(hfcompare_home, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HF_TOKEN", CANARY_HF)
    monkeypatch.setenv("HFCOMPARE_OPENAI_API_KEY", CANARY_KEY)
    with FaultServer() as server:
        root = server.url.removesuffix("/v1")
        monkeypatch.setenv("HFCOMPARE_OPENAI_BASE_URL", server.url)
        fast = dict(timeout_s=2.0, max_retries=1, backoff_s=0.01, max_wait_s=0.05)
        settings = {
            "openai": RemoteSettings(base_url=server.url, api_key=CANARY_KEY, **fast),
            "hf": RemoteSettings(base_url=f"{root}/tei/ok", api_key=CANARY_HF, **fast),
        }
        refs = [
            ModelRef("local", "sentence-transformers/all-MiniLM-L6-v2"),
            ModelRef("onnx", "sentence-transformers/all-MiniLM-L6-v2"),
            ModelRef("lexical", "tfidf"),
            ModelRef("openai", "ok"),
            ModelRef("openai", "denied"),
            ModelRef("openai", "always-429"),
            ModelRef("hf", "any-model"),
        ]
        results = compare_embeddings(TEXTS, refs, EmbeddingCache(), settings=settings)
        failing = compare_embeddings(
            TEXTS,
            [ModelRef("hf", "BAAI/bge-small-en-v1.5")],
            EmbeddingCache(),
            settings={"hf": RemoteSettings(api_key=CANARY_HF, provider="hf-inference", **fast)},
        )
        source = tmp_path / "texts.txt"
        source.write_text("\n".join(TEXTS), encoding="utf-8")
        exported = tmp_path / "export"
        exported.mkdir()
        for model in ("openai:ok", "openai:denied"):
            main(["embed", "--model", model, "--input", str(source), "--output", str(exported / "out.npy")])
        seen = [h for h in server.headers_seen if CANARY_KEY in str(h)]
    printed = capsys.readouterr()

    assert [r.ok for r in results] == [True, True, True, True, False, False, True], [r.error for r in results]
    assert failing[0].error_kind == "connection"  # offline here: the provider route cannot resolve
    assert seen, "the key must reach the server, or this test proves nothing"
    texts = [str(r.error) for r in results + failing] + [r.note for r in results] + [printed.out, printed.err]
    for secret in (CANARY_HF, CANARY_KEY):
        assert not any(secret in text for text in texts)
        assert files_containing(hfcompare_home, secret) == []
        assert files_containing(exported, secret) == []
