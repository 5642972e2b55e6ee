"""Starting and stopping the real servers tests use (streamlit, llama.cpp), on loopback."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_and_wait(command: list[str], ready_url: str, log: Path, timeout_s: float = 120, **popen) -> subprocess.Popen:
    """Start `command`, logging to `log`, and return once `ready_url` answers 200 (or raise with the log)."""
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, **popen)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{command[2]} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(ready_url, timeout=2).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop(process)
    raise RuntimeError(f"{command[2]} did not become ready in {timeout_s:.0f} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """End a server this test run started (by its own handle, never by name)."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


class LoopbackServer:
    """An HTTP server for tests on 127.0.0.1 at a free port, serving from a daemon thread while it is used as a
    context manager; `url` is its address followed by `path`."""

    def __init__(self, handler: type, path: str = "") -> None:
        from http.server import ThreadingHTTPServer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
