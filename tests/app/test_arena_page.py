"""The Arena's generation battle in AppTest, on the fake backend: both answers stream into two
anonymous columns as they arrive, the models stay hidden until the vote, and the reveal shows each
side's time to first token, latency and tokens/s."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from hfcompare.backends import Capability, ModelInfo, Usage, register_backend, unregister_backend
from tests.app.pages import open_app

SENT: list[bytes] = []   # every message the page sent, transient ones too (AppTest keeps only the final tree)


@pytest.fixture(autouse=True)
def record_sent(monkeypatch):
    from streamlit.runtime.scriptrunner_utils.script_run_context import ScriptRunContext

    SENT.clear()
    original = ScriptRunContext.enqueue

    def enqueue(self, msg):
        SENT.append(msg.SerializeToString())
        return original(self, msg)

    monkeypatch.setattr(ScriptRunContext, "enqueue", enqueue)
    yield
    SENT.clear()


def sent(element: str, field: str) -> list[str]:
    """The `field` of every `element` (e.g. text.body, markdown.body) the page sent so far."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    found = []
    for raw in SENT:
        message = ForwardMsg()
        message.ParseFromString(raw)
        if message.HasField("delta") and message.delta.HasField("new_element"):
            new = message.delta.new_element
            if new.WhichOneof("type") == element:
                found.append(getattr(getattr(new, element), field))
    return found


@pytest.fixture
def arena(fake_backend, monkeypatch) -> AppTest:
    import ui.streaming

    monkeypatch.setattr(ui.streaming, "DRAW_EVERY_S", 0.0)   # draw every piece (the fake streams at once)
    return open_app("app_pages/arena.py")


def button(at, key):
    return next(b for b in at.button if b.key == key)


def battle(at, models, prompt="Where is my invoice?") -> None:
    at.multiselect[0].set_value(models)
    at.text_input[0].set_value(prompt).run()
    SENT.clear()
    button(at, "arena_new_generation").click().run()
    assert not at.exception


def reveal_lines(at) -> list[str]:
    """Each side's timings, under its answer once the vote is in."""
    return [c.value for c in at.caption if c.value.startswith(("time to first token", "No timings"))]


def test_a_battle_streams_both_answers_blind_then_reveals_the_models_and_their_timings(arena):
    at = arena
    battle(at, ["fake:fake-a", "fake:fake-b"])
    streamed = sent("text", "body")
    for model in ("fake-a", "fake-b"):   # each answer was shown piece by piece, before it was whole
        assert f"{model} answers:" in streamed and f"{model} answers: Where is my invoice?" in streamed
    captions = sent("markdown", "body")
    assert any("stream in as they arrive" in c for c in captions)
    assert not any("this CPU" in c for c in captions)   # models on servers answer at the same time
    assert not any("fake:" in m for m in captions)    # no model's name in anything sent while streaming
    assert sorted(t.value for t in at.text[:2]) == ["fake-a answers: Where is my invoice?",
                                                     "fake-b answers: Where is my invoice?"]
    headings = [m.value for m in at.markdown]
    assert "#### Model A" in headings and "#### Model B" in headings
    assert not any("fake:" in m for m in headings) and reveal_lines(at) == []   # blind: no names, no timings
    assert not any("of 2 answers" in m for m in headings)   # the streaming view gave way to the battle
    assert any("revealed after your vote" in c.value for c in at.caption)

    button(at, "vote_generation_a").click().run()
    assert any("Model A was" in s.value for s in at.success)
    lines = reveal_lines(at)
    assert len(lines) == 2
    for line in lines:
        assert "time to first token " in line and " s · latency " in line
        # the fake streams every piece at the same instant: no decode window, and the page says why
        assert "tokens/s unknown (stream was buffered)" in line


def test_a_failed_side_says_so_and_has_no_timings(arena):
    at = arena
    battle(at, ["fake:fake-a", "fake:fake-broken"])
    assert any(t.value.startswith("(this model failed: ") for t in at.text)
    button(at, "vote_generation_tie").click().run()
    lines = reveal_lines(at)
    assert len(lines) == 2 and "No timings: this model failed." in lines
    assert any("time to first token" in line for line in lines)


class _OnThisCpu:
    """Two models on this machine's CPU (SHARES_CPU), streaming four words each."""

    name = "cpu-fake"
    capabilities = frozenset({Capability.GENERATE, Capability.STREAM, Capability.SHARES_CPU,
                              Capability.LIST_MODELS})

    def fingerprint(self, model: str) -> str:
        return "default"

    def load_generator(self, model: str) -> None:
        pass

    def stream(self, model, messages, params):
        yield from ("one", " two", " three", " four")
        yield Usage(None, 4)

    def available_models(self) -> list[ModelInfo]:
        return [ModelInfo(id=m, backend="cpu-fake", task="generation", label=f"{m} · cpu", offline=True)
                for m in ("m1", "m2")]


def test_two_models_on_this_cpu_are_said_to_answer_one_after_the_other(arena):
    register_backend("cpu-fake", _OnThisCpu)
    try:
        at = arena
        battle(at, ["cpu-fake:m1", "cpu-fake:m2"])
        assert any("one after the other" in c for c in sent("markdown", "body"))   # while they answer
        assert any("one after the other" in c.value for c in at.caption)           # and under the battle
        assert sorted(t.value for t in at.text[:2]) == ["one two three four"] * 2
    finally:
        unregister_backend("cpu-fake")
