"""A local stand-in for the Hugging Face Hub API: Hub-shaped JSON for a few models, on loopback.

Routes (the ones huggingface_hub.HfApi and hfcompare use):
  HEAD/GET /api/models                  search: ?search=, ?pipeline_tag=, ?limit=
  GET      /api/models/<org>/<name>     model info (404 for unknown ids)
  GET      /<org>/<name>/resolve/main/README.md   the model card
`requests` counts every request by path, so tests can tell cache hits from fetches.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CARD = """---
license: apache-2.0
model-index:
- name: tiny-embedder
  results:
  - task: {type: Retrieval}
    dataset: {type: mteb/arguana, name: MTEB ArguAna, config: default, split: test}
    metrics:
    - {type: ndcg_at_10, value: 44.5}
---
# Tiny embedder

A model for tests.

## Usage

Call it.

## Limitations and bias

It only knows **English** and was trained on web text, so it repeats the web's biases.
![chart](https://example.invalid/chart.png)

### Details

Short inputs work best.

## Citation

None.
"""

MODELS = {
    "example-org/tiny-embedder": {
        "id": "example-org/tiny-embedder", "downloads": 1_234_567, "likes": 150,
        "tags": ["sentence-transformers", "sentence-similarity", "en"], "pipeline_tag": "sentence-similarity",
        "library_name": "sentence-transformers", "lastModified": "2025-03-04T05:06:07.000Z",
        "safetensors": {"parameters": {"F32": 22_700_000}, "total": 22_700_000}, "gated": False,
        "cardData": {"license": "apache-2.0", "model-index": [{"name": "tiny-embedder", "results": [
            {"task": {"type": "Retrieval"},
             "dataset": {"type": "mteb/arguana", "name": "MTEB ArguAna", "config": "default", "split": "test"},
             "metrics": [{"type": "ndcg_at_10", "value": 44.5}]}]}]},
    },
    "example-org/quiet-embedder": {
        "id": "example-org/quiet-embedder", "downloads": 99, "likes": 2, "tags": [],
        "pipeline_tag": "sentence-similarity", "library_name": "sentence-transformers",
        "lastModified": "2024-01-01T00:00:00.000Z", "gated": False, "cardData": {"license": "mit"},
    },
    "example-org/tiny-chat": {
        "id": "example-org/tiny-chat", "downloads": 5_000, "likes": 7, "tags": ["text-generation"],
        "pipeline_tag": "text-generation", "library_name": "transformers",
        "lastModified": "2025-06-01T00:00:00.000Z", "gated": False,
        "safetensors": {"parameters": {"BF16": 135_000_000}, "total": 135_000_000},
        "cardData": {"license": "apache-2.0"},
    },
}
CARDS = {"example-org/tiny-embedder": CARD, "example-org/quiet-embedder": "# Quiet\n\nNo sections here.\n"}


class HubServer:
    """`with HubServer() as hub:` then point HF_ENDPOINT at `hub.url`."""

    def __init__(self, models: dict | None = None) -> None:
        self.models = dict(MODELS if models is None else models)
        self.requests: Counter[str] = Counter()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def do_HEAD(self) -> None:
                self.do_GET()

            def do_GET(self) -> None:
                url = urlparse(self.path)
                owner.requests[url.path] += 1
                query = parse_qs(url.query)
                if url.path == "/api/models":
                    return self._send(200, json.dumps(owner.search(query)).encode())
                if url.path.startswith("/api/models/"):
                    model = owner.models.get(url.path.removeprefix("/api/models/"))
                    if model is None:
                        return self._send(404, b'{"error": "Repository not found"}')
                    return self._send(200, json.dumps(model).encode())
                if url.path.endswith("/resolve/main/README.md"):
                    card = CARDS.get(url.path.removeprefix("/").removesuffix("/resolve/main/README.md"))
                    if card is None:
                        return self._send(404, b"Entry not found", "text/plain")
                    return self._send(200, card.encode(), "text/markdown")
                return self._send(404, b'{"error": "no such route"}')

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def search(self, query: dict[str, list[str]]) -> list[dict]:
        text = (query.get("search") or [""])[0].lower()
        pipeline = (query.get("pipeline_tag") or [None])[0]
        limit = int((query.get("limit") or ["1000"])[0])
        found = [m for mid, m in self.models.items()
                 if text in mid.lower() and pipeline in (None, m.get("pipeline_tag"))]
        found.sort(key=lambda m: -m.get("downloads", 0))
        return found[:limit]

    def __enter__(self) -> HubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def use_local_hub(server: HubServer, monkeypatch) -> None:
    """Point hfcompare and huggingface_hub at `server`, online. huggingface_hub reads HF_HUB_OFFLINE once,
    when it is first imported, so a test that imported it offline would leave it offline for the rest of
    the process: its constant is set back too."""
    import huggingface_hub.constants as constants

    from hfcompare.backends import hub as probe

    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(probe, "_last_probes", {})
