"""A scripted OpenAI-protocol server on loopback that misbehaves on purpose.

The requested model name (or, for TEI requests, the last path segment) picks the behaviour:
  ok            answers properly (embeddings and chat)
  limited-N     429 with Retry-After: 0 for the first N requests, then ok
  busy-N        503 (no Retry-After) for the first N requests, then ok
  always-429    429 with Retry-After: 0 every time
  always-503    503 every time
  error-500     500 every time (not retried)
  denied        401 (not retried)
  missing       404 (not retried)
  slow          answers after SLOW_S seconds (longer than the client's timeout)
  malformed     200 with a body that is not JSON
  wrong-count   200 with one vector too few
  latency-N     answers properly after N ms (a distant server's round trip)
  paced-N       streams max_tokens words, one every N ms (a remote model's pace, without using CPU)
  burst-N       streams N words, one chunk each, all in one write (a buffering server or proxy)
  patient-N     429 with Retry-After: 1 for the first N requests, then ok
  cut-N         streams N words, then drops the connection before the promised end of the body
  fail-N        streams N words, then an error event whose message repeats the request's key
The server counts requests per model, refuses to serve more than MAX_REQUESTS in all, and
stops itself after MAX_SECONDS. With `redirect_to` set (a URL prefix), it logs each request's headers and
answers every one with `redirect_status` (307 by default) to that prefix plus the request's path.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_REQUESTS = 20_000
MAX_SECONDS = 300
SLOW_S = 3.0
DIM = 8


class FaultServer:
    """Start with `with FaultServer() as server:`; `server.url` is the /v1 base URL. `capacity` bounds
    how many requests it works on at once (a model server's batch slots); the rest wait their turn."""

    def __init__(self, capacity: int | None = None, redirect_to: str | None = None,
                 redirect_status: int = 307) -> None:
        self.counts: Counter[str] = Counter()
        self.redirect_to, self.redirect_status = redirect_to, redirect_status
        self._slots = threading.BoundedSemaphore(capacity) if capacity else None
        self.headers_seen: list[dict[str, str]] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _redirected(self) -> bool:
                """Answer with a redirect when the server is set to send one (a server that points elsewhere)."""
                if not owner.redirect_to:
                    return False
                with owner._lock:
                    owner.headers_seen.append(dict(self.headers))
                self._send(owner.redirect_status, b"{}", {"Location": owner.redirect_to.rstrip("/") + self.path})
                return True

            def do_GET(self) -> None:
                if self._redirected():
                    return
                with owner._lock:
                    owner.headers_seen.append(dict(self.headers))
                if self.path.rstrip("/").endswith("/info"):  # TEI/TGI
                    self._send(200, json.dumps({"model_id": "org/tei-model", "model_pipeline_tag": None}).encode())
                elif self.path.rstrip("/").endswith("/models"):
                    data = [{"id": name, "object": "model", "owned_by": "faults"} for name in ("ok", "slow")]
                    self._send(200, json.dumps({"object": "list", "data": data}).encode())
                else:
                    self._send(404, b'{"error": {"message": "no such route"}}')

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = json.loads(self.rfile.read(length) or b"{}")
                if self._redirected():
                    return
                # TEI's protocol (huggingface_hub's feature_extraction at a base URL) names no model:
                # the last path segment picks the behaviour, e.g. POST /tei/always-503
                model = str(request.get("model") or self.path.rstrip("/").rsplit("/", 1)[-1])
                with owner._lock:
                    owner.counts[model] += 1
                    seen = owner.counts[model]
                    total = sum(owner.counts.values())
                    owner.headers_seen.append(dict(self.headers))
                if total > MAX_REQUESTS:
                    self._send(503, b'{"error": {"message": "fault server request budget used up"}}')
                    return
                if owner._slots is None:
                    self._respond(model, seen, request)
                    return
                with owner._slots:
                    self._respond(model, seen, request)

            def _respond(self, model: str, seen: int, request: dict) -> None:
                kind, _, number = model.partition("-")
                if kind in ("limited", "busy", "patient") and number.isdigit() and seen <= int(number):
                    status = 429 if kind in ("limited", "patient") else 503
                    headers = {"Retry-After": "1" if kind == "patient" else "0"} if status == 429 else {}
                    self._send(status, b'{"error": {"message": "try again later"}}', headers)
                elif model == "always-429":
                    self._send(429, b'{"error": {"message": "slow down"}}', {"Retry-After": "0"})
                elif model == "always-503":
                    self._send(503, b'{"error": {"message": "model is loading"}}')
                elif model == "error-500":
                    self._send(500, b'{"error": {"message": "internal failure"}}')
                elif model == "denied":
                    self._send(401, b'{"error": {"message": "bad key"}}')
                elif model == "missing":
                    self._send(404, b'{"error": {"message": "model not found"}}')
                elif model == "malformed":
                    self._send(200, b"<html>this is not json")
                else:
                    if model == "slow":
                        time.sleep(SLOW_S)
                    elif kind == "latency" and number.isdigit():
                        time.sleep(int(number) / 1000)
                    self._ok(model, request)

            def _ok(self, model: str, request: dict) -> None:
                if "inputs" in request:  # TEI: a bare JSON list of vectors
                    inputs = request["inputs"] if isinstance(request["inputs"], list) else [request["inputs"]]
                    vectors = [[float(len(t) % 7 + 1)] + [float(j) for j in range(1, DIM)] for t in inputs]
                    self._send(200, json.dumps(vectors).encode())
                elif self.path.rstrip("/").endswith("/embeddings"):
                    inputs = request.get("input", [])
                    inputs = [inputs] if isinstance(inputs, str) else inputs
                    if model == "wrong-count":
                        inputs = inputs[:-1]
                    data = [
                        {"object": "embedding", "index": i, "embedding": [float(len(t) % 7 + 1)] + [float(j) for j in range(1, DIM)]}
                        for i, t in enumerate(inputs)
                    ]
                    body = {"object": "list", "data": data, "model": model, "usage": {"prompt_tokens": 1, "total_tokens": 1}}
                    self._send(200, json.dumps(body).encode())
                elif request.get("stream") and model.startswith("paced-"):
                    self._paced_stream(model, request)
                elif request.get("stream") and model.partition("-")[0] in ("cut", "fail"):
                    self._broken_stream(model)
                elif request.get("stream"):
                    words = ("fault ", "server ", "says ", "hello")
                    kind, _, number = model.partition("-")
                    if kind == "burst" and number.isdigit():
                        words = tuple(f"w{i} " for i in range(int(number)))
                    events = [
                        {"choices": [{"index": 0, "delta": {"role": "assistant", "content": word}}]}
                        for word in words
                    ]
                    events.append({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": len(words),
                                                            "total_tokens": 3 + len(words)}})
                    lines = [
                        "data: " + json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 0, "model": model, **e})
                        for e in events
                    ]
                    body = ("\n\n".join(lines) + "\n\ndata: [DONE]\n\n").encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    message = {"role": "assistant", "content": "fault server says hello"}
                    body = {"id": "x", "object": "chat.completion", "created": 0, "model": model,
                            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}}
                    self._send(200, json.dumps(body).encode())

            def _paced_stream(self, model: str, request: dict) -> None:
                """Stream max_tokens words, one every N milliseconds: a remote model's pace, without CPU."""
                delay = int(model.split("-", 1)[1]) / 1000
                count = int(request.get("max_tokens") or 16)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                for i in range(count):
                    time.sleep(delay)
                    event = {"id": "p", "object": "chat.completion.chunk", "created": 0, "model": model,
                             "choices": [{"index": 0, "delta": {"content": f"w{i} "}}]}
                    self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                    self.wfile.flush()
                usage = {"id": "p", "object": "chat.completion.chunk", "created": 0, "model": model, "choices": [],
                         "usage": {"prompt_tokens": 5, "completion_tokens": count, "total_tokens": count + 5}}
                self.wfile.write(f"data: {json.dumps(usage)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()

            def _broken_stream(self, model: str) -> None:
                """N words, then a failure mid-stream: a dropped connection (cut) or an error event (fail)."""
                kind, _, number = model.partition("-")
                events = [{"id": "b", "object": "chat.completion.chunk", "created": 0, "model": model,
                           "choices": [{"index": 0, "delta": {"content": f"w{i} "}}]} for i in range(int(number))]
                if kind == "fail":
                    key = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    events.append({"error": {"message": f"the model crashed (request key {key})", "code": 500}})
                body = "".join(f"data: {json.dumps(e)}\n\n" for e in events).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Content-Length", str(len(body) + (1000 if kind == "cut" else 0)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._timer = threading.Timer(MAX_SECONDS, self.stop)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._timer.cancel()
        self._server.shutdown()
        self._server.server_close()
