"""Retry policy, error classification, settings sources and redaction (no network)."""

from __future__ import annotations

import email.utils
import time

import pytest

from hfcompare.backends.base import (
    AuthError,
    BadResponseError,
    ConnectionFailedError,
    RateLimitedError,
    RemoteError,
    RemoteTimeoutError,
)
from hfcompare.backends.remote.common import (
    RemoteSettings,
    RetryLog,
    call_with_retries,
    classify,
    public_url,
    redact,
    settings_from_environment,
)


class FakeResponse:
    def __init__(self, status: int, headers: dict | None = None):
        self.status_code = status
        self.headers = headers or {}


class FakeHTTPError(Exception):
    def __init__(self, status: int, headers: dict | None = None):
        super().__init__(f"HTTP {status}")
        self.response = FakeResponse(status, headers)


def test_retry_after_seconds_is_honoured_and_capped():
    waits: list[float] = []
    calls = iter([FakeHTTPError(429, {"retry-after": "7"}), FakeHTTPError(429, {"retry-after": "120"}), "done"])

    def call():
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    settings = RemoteSettings(max_retries=3, max_wait_s=30)
    assert call_with_retries(call, settings, "server", sleep=waits.append) == "done"
    assert waits == [7.0, 30.0]


def test_the_retry_log_times_the_attempts_before_the_one_that_succeeded():
    """A scripted clock that the (scripted) sleeps advance: two 429s, each failing after 0.5 s and
    asking for 7 s, then the call that succeeds."""
    now = [0.0]
    calls = iter([FakeHTTPError(429, {"retry-after": "7"}), FakeHTTPError(429, {"retry-after": "7"}), "done"])

    def call():
        now[0] += 0.5
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    def sleep(seconds: float) -> None:
        now[0] += seconds

    log = RetryLog()
    assert call_with_retries(call, RemoteSettings(max_retries=3), "server", sleep=sleep, log=log,
                             clock=lambda: now[0]) == "done"
    assert log.attempts == 3 and log.waited_s == pytest.approx(2 * (0.5 + 7.0))
    once = RetryLog()
    call_with_retries(lambda: "done", RemoteSettings(), "server", log=once)
    assert once.attempts == 1 and once.waited_s == 0.0


def test_retry_after_http_date_is_understood():
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    error = classify(FakeHTTPError(503, {"retry-after": when}), "server")
    assert 3.0 <= error.retry_after_s <= 5.0


def test_exponential_backoff_with_jitter_is_bounded():
    waits: list[float] = []
    settings = RemoteSettings(max_retries=4, backoff_s=1.0, max_wait_s=5.0)
    with pytest.raises(ConnectionFailedError) as info:
        call_with_retries(lambda: (_ for _ in ()).throw(ConnectionRefusedError("refused")), settings, "s",
                          sleep=waits.append)
    assert info.value.attempts == 5 and len(waits) == 4
    assert all(0 < w <= 5.0 for w in waits)
    assert waits[1] >= 1.0  # grows from the initial wait


def test_non_transient_errors_are_not_retried():
    waits: list[float] = []
    with pytest.raises(AuthError) as info:
        call_with_retries(lambda: (_ for _ in ()).throw(FakeHTTPError(401)), RemoteSettings(), "s", sleep=waits.append)
    assert waits == [] and info.value.attempts == 1


@pytest.mark.parametrize(
    "error, kind",
    [
        (TimeoutError("t"), RemoteTimeoutError),
        (ConnectionRefusedError("r"), ConnectionFailedError),
        (ValueError("not json"), BadResponseError),
        (FakeHTTPError(429), RateLimitedError),
    ],
)
def test_classify(error, kind):
    assert isinstance(classify(error, "server"), kind)


def test_secrets_are_redacted_and_urls_cleaned():
    assert redact("key sk-secret-123 leaked", ["sk-secret-123"]) == "key *** leaked"
    assert public_url("https://user:pw@host:8080/v1/?token=abc#x") == "https://host:8080/v1"
    settings = RemoteSettings(base_url="http://u:p@h/v1", api_key="sk-abc")
    assert "sk-abc" not in repr(settings)


def test_settings_come_from_file_then_environment(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text('[openai]\nbase_url = "http://file:1/v1"\nbatch_size = 7\napi_key_env = "MY_KEY"\n'
                      '[hf]\nprovider = "together"\n', encoding="utf-8")
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(config))
    monkeypatch.setenv("MY_KEY", "from-env-var")
    for name in ("HFCOMPARE_OPENAI_BASE_URL", "HFCOMPARE_OPENAI_API_KEY", "OPENAI_API_KEY", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings = settings_from_environment("openai")
    assert (settings.base_url, settings.batch_size, settings.api_key) == ("http://file:1/v1", 7, "from-env-var")
    monkeypatch.setenv("HFCOMPARE_OPENAI_BASE_URL", "http://env:2/v1")
    monkeypatch.setenv("HFCOMPARE_CONCURRENCY", "9")
    settings = settings_from_environment("openai")
    assert (settings.base_url, settings.concurrency) == ("http://env:2/v1", 9)
    assert settings_from_environment("hf").provider == "together"


def test_broken_config_file_is_ignored(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("[openai\nthis is not toml", encoding="utf-8")
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(config))
    assert settings_from_environment("openai").batch_size == RemoteSettings().batch_size


def test_credentials_anywhere_in_a_url_stay_out_of_repr_and_messages():
    from hfcompare.backends.remote.common import redact_url

    url = "https://alice:pa55word@host:8080/v1?api_key=qk-123456&region=eu"
    settings = RemoteSettings(base_url=url, api_key="sk-abcdef")
    shown = repr(settings)
    assert all(s not in shown for s in ("alice", "pa55word", "qk-123456", "sk-abcdef")), shown
    assert "host:8080/v1" in shown
    assert redact_url(url) == "https://***@host:8080/v1?api_key=***&region=***"
    for secret in ("alice", "pa55word", "qk-123456", "sk-abcdef"):
        assert secret in settings.secrets()
    # a URL with credentials in any message, even one whose secrets are not known
    assert redact(f"cannot reach {url}", []) == "cannot reach https://***@host:8080/v1?api_key=***&region=eu"

    def refused():
        raise ConnectionRefusedError(f"refused by {url} (sk-abcdef)")

    with pytest.raises(ConnectionFailedError) as info:
        call_with_retries(refused, settings.with_overrides(max_retries=0), "server", sleep=lambda s: None)
    assert all(s not in str(info.value) for s in ("alice", "pa55word", "qk-123456", "sk-abcdef")), str(info.value)



def test_redacting_a_long_message_takes_linear_time():
    """400 KB of "a." (word boundaries everywhere, no URL): the unbounded scheme rescanned from every boundary,
    quadratic time (80 KB took 19 s). The test would hang, not fail, before."""
    text = "a." * 200_000
    assert redact(text, []) == text
    assert redact("see svn+ssh://bob:pw@host/x and " + "b." * 50_000, []).startswith("see svn+ssh://***@host/x and")


class _Chunk:
    def __init__(self, text):
        self.usage = None
        self.choices = [type("Choice", (), {"delta": type("Delta", (), {"content": text})()})()]


def test_an_error_mid_stream_is_classified_redacted_and_counted():
    """A server that fails after the first tokens: a typed, redacted error with the attempts it took to open
    the stream, never a raw exception."""
    from hfcompare.backends.base import Retried
    from hfcompare.backends.remote.common import streamed_chat

    settings = RemoteSettings(base_url="http://bob:hunter22@h/v1", api_key="sk-abcdef")

    def chunks():
        yield _Chunk("Hello")
        raise FakeHTTPError(500)

    def failing_chunks():
        yield _Chunk("Hi")
        raise ConnectionResetError("reset by http://bob:hunter22@h/v1 with sk-abcdef")

    def opened(source):
        def open_stream(log):
            log.attempts, log.waited_s = 2, 0.5
            return source()
        return open_stream

    events = []
    with pytest.raises(RemoteError) as info:
        for event in streamed_chat(opened(chunks), settings, "h/v1"):
            events.append(event)
    assert isinstance(events[0], Retried) and events[1] == "Hello"
    assert info.value.kind == "server error" and info.value.attempts == 2
    assert "during the stream" in str(info.value) and "gave up after 2 attempts" in str(info.value)
    with pytest.raises(ConnectionFailedError) as info:
        list(streamed_chat(opened(failing_chunks), settings, "h/v1"))
    assert all(s not in str(info.value) for s in ("bob", "hunter22", "sk-abcdef")), str(info.value)


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"[openai]\nbatch_size = 4\nbase_url = \n", ", line 3: not valid TOML"),
        (b"a = " + b"[" * 5_000, ": nested too deeply"),
        (b"[openai]\nprovider = \"caf\xe9\"\n", ", line 2: not UTF-8"),
        (b"[openai]\nprovider = \"a\x00b\"\n", ", line 2: not valid TOML"),
        (b"a = " + b"9" * 5_000, ": a number is too long"),
        (b"query,document\nq,d\n", ", line 1: not valid TOML"),
    ],
)
def test_a_broken_config_file_is_named_with_its_line_and_never_crashes(tmp_path, monkeypatch, content, problem):
    from hfcompare.backends.remote.common import config_problem

    config = tmp_path / "config.toml"
    config.write_bytes(content)
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(config))
    assert settings_from_environment("openai").batch_size == RemoteSettings().batch_size
    assert config_problem().startswith(f"{config}{problem}"), config_problem()


def test_a_config_number_out_of_range_is_ignored(tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("[openai]\nmax_retries = inf\nbatch_size = 7\n", encoding="utf-8")
    monkeypatch.setenv("HFCOMPARE_CONFIG", str(config))
    assert settings_from_environment("openai").batch_size == 7


@pytest.mark.parametrize("url", ["http://u:pw-secret1@[bad/v1", "http://u:pw-secret1@host:99999/v1",
                                 "notaurl u:pw-secret1@x", "ftp://u:pw-secret1@h/"])
@pytest.mark.parametrize("backend", ["openai", "hf"])
def test_an_invalid_base_url_is_a_typed_error_without_its_credentials(url, backend):
    from hfcompare.backends import GenerationParams
    from hfcompare.embeddings.runs import embed_with_stats
    from hfcompare.generation.runs import generate_one
    from hfcompare.refs import ModelRef

    settings = RemoteSettings(base_url=url, api_key="sk-zzzz1234", timeout_s=1, max_retries=0)
    assert "pw-secret1" not in repr(settings) and "pw-secret1" not in public_url(url)
    embedded = embed_with_stats(["a"], ModelRef(backend, "m"), None, settings=settings, speed_passes=0)
    generated = generate_one(ModelRef(backend, "m"), "hi", GenerationParams(max_tokens=2), settings=settings)
    for result in (embedded, generated):
        assert result.error_kind == "unavailable" and "base URL" in result.error, result.error
        assert "pw-secret1" not in result.error and "sk-zzzz1234" not in result.error
