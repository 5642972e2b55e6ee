"""Untrusted text in the browser (issue 16.1): hostile share links on every page, and a generation
whose model answers (and errors) carry Markdown images, raw HTML, `javascript:` links and
reference-style images. The browser may request nothing from any host but the app's.

A scripted OpenAI-protocol server answers with the hostile text; the URLs in that text point at
the same server's /track/ path, so a fetch would also show up in its hit log.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import quote, urlsplit

import pytest

from tests.e2e.conftest import screenshot, settle, start_streamlit, stop
from tests.servers import LoopbackServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PAGES = ["", "embeddings", "discover", "generation", "scorecard", "arena", "monitor"]


def hostile(track: str, tag: str) -> str:
    """Every way Markdown or HTML could make the browser fetch `track` without a click."""
    return (f"![i]({track}/{tag}-md.png) <img src=\"{track}/{tag}-html.png\"> "
            f"[click](javascript:alert(1)) ![r][1] <iframe src=\"{track}/{tag}-frame\"></iframe>\n\n"
            f"```\ncode is fine: ![c]({track}/{tag}-code.png)\n```\n\n"
            f"<video poster=\"{track}/{tag}-poster.png\"></video>\n\n[1]: {track}/{tag}-ref.png")


class HostileServer(LoopbackServer):
    """An OpenAI-compatible chat server whose answers are hostile Markdown; model `error` fails with
    a hostile message. Every GET outside /v1 is a tracker hit."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        self.chats = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/v1/models"):
                    data = [{"id": name, "object": "model", "owned_by": "hostile"} for name in ("answer", "error")]
                    self._send(200, json.dumps({"object": "list", "data": data}).encode())
                    return
                owner.hits.append(self.path)
                self._send(404, b"{}")

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                owner.chats += 1
                model = request.get("model")
                text = hostile(owner.track, "answer")
                if model == "error":
                    self._send(500, json.dumps({"error": {"message": hostile(owner.track, "error")}}).encode())
                    return
                if not request.get("stream"):
                    message = {"role": "assistant", "content": text}
                    body = {"id": "x", "object": "chat.completion", "created": 0, "model": model,
                            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                            "usage": {"prompt_tokens": 3, "completion_tokens": 20, "total_tokens": 23}}
                    self._send(200, json.dumps(body).encode())
                    return
                pieces = [text[i:i + 7] for i in range(0, len(text), 7)]  # markup split across chunks
                events = [{"choices": [{"index": 0, "delta": {"content": piece}}]} for piece in pieces]
                events.append({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": len(pieces),
                                                        "total_tokens": 3 + len(pieces)}})
                lines = ["data: " + json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 0,
                                                "model": model, **e}) for e in events]
                self._send(200, ("\n\n".join(lines) + "\n\ndata: [DONE]\n\n").encode(), "text/event-stream")

        super().__init__(Handler, "/v1")
        self.track = f"http://127.0.0.1:{self.port}/track"


def outside(requests: list[str], app_url: str) -> list[str]:
    """The requested URLs that are not the app's own (data: and blob: URLs load nothing)."""
    app = urlsplit(app_url).netloc
    return [u for u in requests if urlsplit(u).scheme not in ("data", "blob", "about")
            and urlsplit(u).netloc != app]


def settled_with_images(page) -> None:
    """The run has ended and every image on the page has had its answer (loaded or failed): an image
    the page asked for is no longer pending. Then every help tooltip of the page is opened (a tooltip
    renders its Markdown only when hovered), each waited on the same way."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    settle(page)
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
    targets = page.locator('[data-testid="stMain"] [data-testid="stTooltipHoverTarget"]')
    for i in range(targets.count()):
        try:   # a target in a closed expander or under an open tooltip cannot be hovered: skipped
            targets.nth(i).hover(timeout=2_000)
        except PlaywrightTimeout:
            continue
        HOVERED.append(i)
        page.wait_for_function("() => [...document.images].every(image => image.complete)")
    page.mouse.move(0, 0)


HOVERED: list[int] = []   # tooltips opened by settled_with_images (the test checks some were)


def test_hostile_links_and_answers_make_the_browser_fetch_nothing_from_elsewhere(tmp_path, page):
    with HostileServer() as server:
        env = {"HFCOMPARE_OPENAI_BASE_URL": server.url, "HFCOMPARE_OPENAI_API_KEY": "sk-test",
               "HFCOMPARE_MAX_RETRIES": "0"}
        process, url = start_streamlit(tmp_path / "home", tmp_path / "streamlit.log", env)
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        try:
            for name in PAGES:
                link = hostile(server.track, f"link-{name or 'home'}")
                query = "&".join([f"{quote(link)}=1", f"mode={quote(link)}", f"run={quote(link)}",
                                  "models=" + quote(f"openai:answer,nonsense:{link}"),
                                  "candidates=" + quote(f"{link},sentence-transformers/all-MiniLM-L6-v2")])
                page.goto(f"{url}/{name}?{query}")
                if name in ("arena", "monitor"):  # pages without links: the link is ignored
                    page.locator("h1").first.wait_for(timeout=120_000)
                else:  # the link's warning, echoing its hostile names and values
                    page.locator('[data-testid="stAlertContainer"]').first.wait_for(timeout=120_000)
                settled_with_images(page)  # a live image would have been asked for by now
            # a run=1 link whose model name is an image: the progress bar names the model while it runs
            # (st.progress renders Markdown; the image was fetched before the fix)
            progress_model = f"openai:![p]({server.track}/progress.png)"
            page.goto(f"{url}/?" + "&".join(["models=" + quote(progress_model), "texts=" + quote("one\ntwo"),
                                             "run=1"]))
            page.locator('[data-testid="stAlertContentError"]').first.wait_for(timeout=120_000)
            settled_with_images(page)
            prompts = [{"prompt": hostile(server.track, "prompt"), "keywords": "", "regex": "", "max chars": None,
                        "reference": ""}]
            query = "&".join(["models=" + quote("openai:answer,openai:error"), "prompts=" + quote(json.dumps(prompts)),
                              "run=1", "max_tokens=64"])
            page.goto(f"{url}/generation?{query}")
            page.get_by_role("heading", name="Answers side by side").wait_for(timeout=240_000)
            settled_with_images(page)
            screenshot(page, "untrusted_generation")
            answers = page.locator('[data-testid="stMarkdownContainer"]').all_inner_texts()
            errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
            codes = page.locator('[data-testid="stMarkdownContainer"] pre code').all_inner_texts()
            live = page.locator('[data-testid="stMain"] img[src*="/track/"], [data-testid="stMain"] iframe, '
                                '[data-testid="stMain"] video, [data-testid="stMain"] a[href^="javascript"], '
                                '[data-testid="stMain"] a[href*="/track/"]').count()   # a bare address autolinked too
            exceptions = page.locator('[data-testid="stException"]').count()
        finally:
            stop(process)
        hits = list(server.hits)
        chats = server.chats

    print(f"browser requests: {len(requested)}, outside the app: {len(outside(requested, url))}, "
          f"tracker hits: {len(hits)}, tooltips opened: {len(HOVERED)}")
    assert len(HOVERED) >= 20, "the help tooltips should have been opened"
    assert chats >= 2, "the scripted server should have been asked for both answers"
    assert exceptions == 0
    assert outside(requested, url) == [], outside(requested, url)
    assert hits == []
    assert live == 0
    assert any("![i](" in a and "<img src=" in a for a in answers), "the answer is shown as typed"
    assert any("code is fine" in c for c in codes), "a fenced code block stays a code block"
    assert any("openai:error" in e and "/track/error-" in e for e in errors), errors
