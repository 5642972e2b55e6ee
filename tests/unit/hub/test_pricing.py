"""The live price path, against a local scripted server that serves the router's `/v1/models` shape."""

from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hfcompare import cost
from hfcompare.hub import pricing

MODEL = "Qwen/Qwen2.5-7B-Instruct"
ROUTER_REPLY = {
    "object": "list",
    "data": [
        {"id": MODEL, "object": "model", "owned_by": "Qwen",
         "providers": [
             {"provider": "together", "status": "live", "context_length": 32768,
              "pricing": {"input": 0.3, "output": 0.3}},
             {"provider": "nebius", "status": "live", "pricing": {"input": 0.03, "output": 0.09}},
             {"provider": "broken", "status": "live", "pricing": {"input": "free", "output": -1}},
             {"provider": "hf-inference", "status": "live"},
         ]},
        {"id": "other/model", "providers": [{"provider": "x", "pricing": {"input": 9, "output": 9}}]},
    ],
}


@pytest.fixture
def router(monkeypatch):
    body = {"reply": ROUTER_REPLY, "status": 200}
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.path)
            data = json.dumps(body["reply"]).encode() if body["status"] == 200 else b"oops"
            self.send_response(body["status"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv(pricing.ROUTER_ENV, f"http://127.0.0.1:{server.server_address[1]}/v1")
    yield body, seen
    server.shutdown()
    server.server_close()


def test_live_prices_read_from_router(router):
    body, seen = router
    prices = pricing.live_prices(MODEL, timeout_s=10)
    assert seen == ["/v1/models"]
    assert set(prices) == {"together", "nebius"}  # unreadable prices are unknown, not 0
    nebius = prices["nebius"]
    assert (nebius.input_per_m, nebius.output_per_m) == (0.03, 0.09)
    assert nebius.source.url.endswith("/v1/models") and '"input": 0.03' in nebius.source.quote
    assert nebius.source.checked == date.today().isoformat() and not nebius.source.stale()
    # the cheapest listed provider, or the one named
    assert pricing.provider_price(MODEL).source.title.endswith("provider nebius (live)")
    assert pricing.provider_price(MODEL, "together").input_per_m == 0.3
    # tokens × price from the live figure: (2000 × 0.03 + 500 × 0.09) / 1e6 / 10 × 1000
    c = cost.token_cost(nebius, 10, 2000, 500)
    assert c.usd_per_1000 == 0.0105


def test_router_down_or_model_unlisted_means_unknown(router):
    body, _ = router
    assert pricing.provider_price("no/such-model") is None
    body["status"] = 500
    assert pricing.live_prices(MODEL, timeout_s=10) == {}
    assert pricing.provider_price(MODEL) is None


def test_parse_rejects_malformed_payloads():
    for payload in (None, [], {"data": "x"}, {"data": [1, {"id": MODEL, "providers": "x"}]}):
        assert pricing.parse_router_models(payload, MODEL) == {}
    weird = {"data": [{"id": MODEL, "providers": [{"provider": "p" * 500, "pricing": {"input": float("inf"),
                                                                                         "output": True}}]}]}
    assert pricing.parse_router_models(weird, MODEL) == {}
