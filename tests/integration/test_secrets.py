"""A canary token and key never reach disk, error text or exports, on any backend.

Every backend is pointed at loopback (the fault server, or a closed local port for the Hub and the
Inference Providers' router), and any connection elsewhere is refused, so the canaries never reach a
real provider even on a machine with network."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from hfcompare.backends import RemoteSettings
from hfcompare.cli import main
from hfcompare.embeddings.runs import compare_embeddings
from hfcompare.refs import ModelRef
from hfcompare.storage.cache import EmbeddingCache
from tests.integration.fault_server import FaultServer

CANARY_HF = "hf_CANARYtoken0123456789"
CANARY_KEY = "sk-CANARYkey0123456789"
TEXTS = ["create an invoice", "invoice templates", "reset my password"]


def _loopback(host) -> bool:
    if host in (None, "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture
def loopback_only(monkeypatch):
    """Refuse every connection and name lookup that does not stay on this machine; point the Hub and
    huggingface_hub's provider routes at a closed local port. Yields that port's URL."""
    import huggingface_hub.constants as hub_constants
    from huggingface_hub.inference._providers import PROVIDERS

    from tests.servers import free_port

    real_connect, real_connect_ex, real_getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def checked(address) -> None:
        if isinstance(address, tuple) and not _loopback(address[0]):
            raise ConnectionRefusedError(f"test_secrets: no connection leaves this machine ({address[0]})")

    def connect(self, address):
        checked(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        checked(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if not _loopback(host) and host not in ("127.0.0.1", "::1"):
            raise socket.gaierror(socket.EAI_NONAME, f"test_secrets: no lookup of {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    closed = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("HF_ENDPOINT", closed)
    monkeypatch.setattr(hub_constants, "ENDPOINT", closed)
    monkeypatch.setattr(hub_constants, "INFERENCE_PROXY_TEMPLATE", closed + "/{provider}")
    for tasks in PROVIDERS.values():
        for helper in tasks.values():
            if hasattr(helper, "base_url"):
                monkeypatch.setattr(helper, "base_url", f"{closed}/{getattr(helper, 'provider', 'auto')}")
    yield closed


def test_the_guard_refuses_connections_off_this_machine(loopback_only):
    with pytest.raises(OSError):
        socket.create_connection(("203.0.113.7", 443), timeout=1)
    with pytest.raises(OSError):
        socket.create_connection(("router.huggingface.co", 443), timeout=1)


def files_containing(folder: Path, needle: str) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and needle.encode() in path.read_bytes():
            found.append(path)
    return found


@pytest.mark.slow
def test_canary_secrets_stay_out_of_everything_written(hfcompare_home, tmp_path, monkeypatch, capsys, loopback_only):
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
    assert failing[0].error_kind == "connection"  # the Hub and the provider route point at a closed local port
    assert seen, "the key must reach the server, or this test proves nothing"
    texts = [str(r.error) for r in results + failing] + [r.note for r in results] + [printed.out, printed.err]
    for secret in (CANARY_HF, CANARY_KEY):
        assert not any(secret in text for text in texts)
        assert files_containing(hfcompare_home, secret) == []
        assert files_containing(exported, secret) == []
