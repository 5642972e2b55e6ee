"""What remote backends share: endpoint settings, secret redaction, error classes and retries."""

from __future__ import annotations

import base64
import email.utils
import json
import os
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

import numpy as np

from hfcompare.backends.base import (
    AuthError,
    BadRequestError,
    BadResponseError,
    Capability,
    ConnectionFailedError,
    EmbeddingBackend,
    GenerationBackend,
    ModelLoadingError,
    ModelUnavailableError,
    NotFoundError,
    RateLimitedError,
    RemoteError,
    RemoteTimeoutError,
    ServerError,
)
from hfcompare.config import CONFIG_ENV, MAX_CONFIG_BYTES, ConfigError, config_problem, home, read_config  # noqa: F401

T = TypeVar("T")

_MAX_SERVER_MESSAGE = 300
#: Sent when no key may go to a server; servers without authentication ignore it (the OpenAI client
#: refuses an empty key, and huggingface_hub would send the environment's HF_TOKEN instead of none).
NO_KEY = "no-key"


@dataclass(frozen=True)
class RemoteSettings:
    """How to reach one remote backend. `api_key` is a secret: never logged, cached or shown."""

    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    provider: str | None = None
    timeout_s: float = 60.0
    max_retries: int = 3
    backoff_s: float = 1.0
    max_wait_s: float = 30.0
    batch_size: int = 32
    concurrency: int = 4
    #: more base URLs serving the same models (replicas); batches are spread over them, round-robin
    replicas: tuple[str, ...] = ()
    #: where `api_key` may be sent: None for a key given together with its URL (typed in the same
    #: session, a CLI flag, Python); for an operator's key (environment, config file, Space secret) the
    #: targets it was configured for (`key_target` of each URL; "" is Hugging Face's own API)
    key_targets: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        # "http://a/v1, http://b/v1" (a config value, a flag, the Endpoints field) lists replicas
        if self.base_url and ("," in self.base_url or " " in self.base_url.strip()):
            urls = split_urls(self.base_url)
            object.__setattr__(self, "base_url", urls[0] if urls else None)
            object.__setattr__(self, "replicas", tuple(dict.fromkeys([*urls[1:], *self.replicas])))
        object.__setattr__(self, "replicas", tuple(u for u in self.replicas if u and u != self.base_url))

    def urls(self) -> list[str]:
        """Every base URL of these models: the first, then its replicas."""
        return [self.base_url, *self.replicas] if self.base_url else []

    def __repr__(self) -> str:
        shown = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "api_key"}
        shown["base_url"] = redact_url(self.base_url) if self.base_url else self.base_url
        shown["replicas"] = tuple(redact_url(u) for u in self.replicas)
        return f"RemoteSettings({', '.join(f'{k}={v!r}' for k, v in shown.items())})"

    def public_url(self) -> str:
        """The base URL without credentials, query or fragment: safe to show and to key caches on."""
        return public_url(self.base_url) if self.base_url else ""

    def key_for(self, url: str | None) -> str | None:
        """The API key to send to `url` (None: Hugging Face's own API): the key when it may go there,
        else None. An operator's key is never attached to a URL a visitor typed."""
        if not self.api_key or self.key_targets is None:
            return self.api_key
        if url and url_problem(url):  # not a URL every client reads alike: no operator key goes to it
            return None
        return self.api_key if key_target(url) in self.key_targets else None

    def key_withheld(self) -> bool:
        """Whether a configured key exists but is not sent to these settings' base URL."""
        return bool(self.api_key) and self.key_for(self.base_url) is None

    def secrets(self) -> list[str]:
        """Everything to redact from messages: the API key and any credentials in the base URL."""
        return [s for s in [self.api_key, *(s for url in self.urls() for s in url_secrets(url))] if s]

    def with_overrides(self, **values: Any) -> RemoteSettings:
        """A copy with the given non-None values replaced. A new API key goes wherever the copy points
        (it was given with its URL); a kept key keeps the targets it was configured for."""
        values = {k: v for k, v in values.items() if v is not None}
        if "api_key" in values and "key_targets" not in values:
            values["key_targets"] = None
        return replace(self, **values)


def key_target(url: str | None) -> str:
    """What a key is bound to for `url`: its public form in lower case, "" for Hugging Face's own API."""
    return public_url(url).lower().rstrip("/") if url and url.strip() else ""


def split_urls(text: str) -> list[str]:
    """Base URLs written in one value, separated by commas or spaces."""
    return [part for part in re.split(r"[\s,]+", text.strip()) if part]


def public_url(url: str) -> str:
    """`url` without user:password@, query string or fragment (an invalid URL loses everything up to its
    last @ as well)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:  # an invalid port or IPv6 host
        parts, host = urlsplit(url.strip().rsplit("@", 1)[-1]), ""
    shown = urlunsplit((parts.scheme, host, parts.path.rstrip("/"), "", "")) if host else url.strip()
    return shown.rsplit("@", 1)[-1].split("?", 1)[0].split("#", 1)[0]


#: Characters HTTP clients read differently: urllib3 (requests) ends the host at a backslash, where
#: urlsplit and httpx read `http://a\@b/` as user "a\" at host b; urlsplit drops tabs and line breaks.
#: The host that binds a key and passes the allow-list must be the host a request goes to.
_AMBIGUOUS_URL = re.compile(r"[\\\s\x00-\x1f\x7f]")


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a server's base URL, or None."""
    odd = _AMBIGUOUS_URL.search(url.strip())
    if odd:
        what = "a backslash" if odd.group() == "\\" else "a space or a control character"
        return f"it contains {what}, which HTTP clients read in different ways"
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        return str(exc)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "it must start with http:// or https:// and name a host"
    return None


def check_base_url(settings: RemoteSettings) -> None:
    """Raise ModelUnavailableError (without the URL's credentials) when the base URL is not usable:
    not a valid http(s) URL, or, in public mode, a server the operator neither configured nor allowed."""
    from hfcompare.backends.base import ModelUnavailableError

    problem = url_problem(settings.base_url) if settings.base_url else None
    if problem:
        url = settings.base_url.strip()
        shown = redact_url(url) if "://" in url else public_url(url)
        raise ModelUnavailableError(f"The base URL {shown!r} is not valid ({problem}).")
    refused = public_url_refusal(settings.base_url)
    if refused:
        raise ModelUnavailableError(refused)


def operator_urls() -> set[str]:
    """The key targets of every base URL the operator configured (environment, config file)."""
    return {key_target(url) for backend in _ENV_KEYS for url in settings_from_environment(backend).urls()}


def public_url_refusal(url: str | None) -> str | None:
    """In public mode, why the server may not send requests to `url`, or None: a visitor may reach
    only the servers the operator configured and the hosts of $HFCOMPARE_ALLOWED_HOSTS."""
    from hfcompare.config import ALLOWED_HOSTS_ENV, allowed_hosts, public_mode

    if not url or not public_mode() or key_target(url) in operator_urls():
        return None
    parts = _parts(url)
    host = (parts.hostname or "") if parts else ""
    try:
        with_port = f"{host}:{parts.port}" if parts and parts.port else host
    except ValueError:
        with_port = host
    allowed = allowed_hosts()
    if host and (host in allowed or with_port in allowed):
        return None
    return (f"This app runs in public mode: it contacts only the servers its operator set up, so it will not "
            f"send requests to {public_url(url)!r}. To use your own server, run hfcompare on your own computer. "
            f"(Operator: {ALLOWED_HOSTS_ENV} allows more hosts.)")


# The scheme is bounded ({0,31}): unbounded, the pattern rescanned the text from every word boundary, in time
# that grew with the square of the message's length (80 KB of "a." took 19 s), and messages carry servers' text.
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{0,31}://)[^/\s@?#]+@")
_URL_QUERY_SECRET = re.compile(r"(?i)([?&](?:[a-z0-9_.-]*(?:key|token|secret|sig|signature|password|auth|pass|"
                               r"credential)[a-z0-9_.-]*)=)[^&#\s]+")


def _parts(url: str):
    try:
        return urlsplit(url.strip())
    except ValueError:  # e.g. an invalid IPv6 host
        return None


def url_secrets(url: str) -> list[str]:
    """Credentials a URL carries: user name and password, and every query value."""
    parts = _parts(url) if url else None
    if parts is None:
        return []
    found = []
    userinfo = parts.netloc.rpartition("@")[0]
    if not parts.netloc and "@" in url:  # no scheme: whatever precedes the last @ may be user:password
        userinfo = (url.rsplit("@", 1)[0].split() or [""])[-1]
    if userinfo:
        user, _, password = userinfo.partition(":")
        basic = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()  # HTTP Basic auth
        found += [userinfo, basic, user, password, unquote(user), unquote(password)]
    for _, value in parse_qsl(parts.query, keep_blank_values=True):
        found += [value, quote(value, safe="")]
    return [s for s in dict.fromkeys(found) if s]


def redact_url(url: str) -> str:
    """`url` with its user:password@ and every query value replaced by ***."""
    parts = _parts(url)
    if parts is None:
        return redact(url, [])
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rpartition("@")[2]
    query = "&".join(f"{name}=***" for name, _ in parse_qsl(parts.query, keep_blank_values=True))
    return redact(urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)), url_secrets(url))


def redact(text: str, secrets: list[str | None]) -> str:
    """`text` with every secret (of at least 4 characters), any user:password@ in a URL and any key-like
    query value replaced by ***."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    text = _URL_USERINFO.sub(r"\1***@", text)
    return _URL_QUERY_SECRET.sub(r"\1***", text)


def _file_section(backend: str) -> dict[str, Any]:
    """The backend's table of the config file; a broken file counts as empty (config_problem says why)."""
    try:
        data = read_config()
    except ConfigError as exc:
        import logging

        logging.getLogger(__name__).warning("config file ignored: %s", exc)
        return {}
    section = data.get(backend, {})
    return section if isinstance(section, dict) else {}


_ENV_KEYS = {
    "openai": {"base_url": "HFCOMPARE_OPENAI_BASE_URL", "api_key": ("HFCOMPARE_OPENAI_API_KEY", "OPENAI_API_KEY")},
    "hf": {"base_url": "HFCOMPARE_HF_BASE_URL", "api_key": ("HF_TOKEN",), "provider": "HFCOMPARE_HF_PROVIDER"},
}
_NUMBERS = {"timeout_s": float, "max_retries": int, "batch_size": int, "concurrency": int, "backoff_s": float}


def settings_from_environment(backend: str) -> RemoteSettings:
    """Settings from the config file (`$HFCOMPARE_HOME/config.toml` or `$HFCOMPARE_CONFIG`), then the environment.

    The file names a key's environment variable (`api_key_env`), never the key itself.
    """
    values: dict[str, Any] = {}
    section = _file_section(backend)
    for name in ("base_url", "provider"):
        if isinstance(section.get(name), str):
            values[name] = section[name]
    for name, kind in _NUMBERS.items():
        if name in section:
            try:
                values[name] = kind(section[name])
            except (TypeError, ValueError, OverflowError):
                pass
    if isinstance(section.get("api_key_env"), str) and os.environ.get(section["api_key_env"]):
        values["api_key"] = os.environ[section["api_key_env"]]
    env = _ENV_KEYS.get(backend, {})
    for name in ("base_url", "provider"):
        if name in env and os.environ.get(env[name], "").strip():
            values[name] = os.environ[env[name]].strip()
    for variable in env.get("api_key", ()):
        if os.environ.get(variable, "").strip():
            values["api_key"] = os.environ[variable].strip()
            break
    for name, kind in _NUMBERS.items():
        raw = os.environ.get(f"HFCOMPARE_{name.upper()}", "").strip()
        if raw:
            try:
                values[name] = kind(raw)
            except ValueError:
                pass
    settings = RemoteSettings(**values)
    return replace(settings, key_targets=operator_targets(backend, settings.urls()))


#: Where an operator's key goes when no base URL is configured beside it.
DEFAULT_KEY_TARGETS = {"openai": ("https://api.openai.com/v1",), "hf": ("",)}



def remote_settings(backend: str, **overrides: Any) -> RemoteSettings | None:
    """A remote backend's settings from the config file and environment with `overrides` applied
    (None values skipped); None for local backends or when nothing is overridden."""
    from hfcompare.backends.base import is_configurable

    if not is_configurable(backend) or not any(v is not None for v in overrides.values()):
        return None
    return settings_from_environment(backend).with_overrides(**overrides)


def operator_targets(backend: str, urls: list[str]) -> tuple[str, ...]:
    """The targets an operator's key is bound to: the base URLs configured with it, and for
    Hugging Face its own API as well (a token always may go to the Hub that issued it)."""
    targets = [key_target(url) for url in urls] or list(DEFAULT_KEY_TARGETS.get(backend, ()))
    if backend == "hf":
        targets.append("")
    return tuple(dict.fromkeys(targets))


def _status_and_headers(exc: BaseException) -> tuple[int | None, Any]:
    status = getattr(exc, "status_code", None)
    response = getattr(exc, "response", None)
    if status is None and response is not None:
        status = getattr(response, "status_code", None)
    headers = getattr(response, "headers", None) or {}
    return status, headers


def _retry_after(headers: Any) -> float | None:
    raw = headers.get("retry-after") if hasattr(headers, "get") else None
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


def _server_message(exc: BaseException) -> str:
    message = getattr(exc, "server_message", None) or getattr(exc, "message", None) or str(exc)
    message = " ".join(str(message).split())
    return message[:_MAX_SERVER_MESSAGE] + ("…" if len(message) > _MAX_SERVER_MESSAGE else "")


def classify(exc: BaseException, where: str) -> RemoteError:
    """A typed RemoteError for any client exception (openai, huggingface_hub, httpx, json)."""
    if isinstance(exc, RemoteError):
        return exc
    name = type(exc).__name__
    status, headers = _status_and_headers(exc)
    detail = _server_message(exc)
    if "Timeout" in name or isinstance(exc, TimeoutError):
        return RemoteTimeoutError(f"{where} did not answer in time ({detail})")
    if status is None:
        if "RemoteProtocol" in name or name in ("ReadError", "ChunkedEncodingError", "IncompleteRead"):
            return ConnectionFailedError(f"the connection to {where} broke ({detail})")
        if isinstance(exc, (json.JSONDecodeError, ValueError, KeyError, TypeError, IndexError)) or "Validation" in name:
            return BadResponseError(f"{where} sent a response that could not be read ({name}: {detail})")
        if "Connect" in name or isinstance(exc, (ConnectionError, OSError)):
            return ConnectionFailedError(f"cannot connect to {where} ({detail})")
        return BadResponseError(f"{where} failed ({name}: {detail})")
    label = f"{where} answered HTTP {status}"
    if status in (401, 403):
        return AuthError(f"{label}: not authorized; check the token or API key ({detail})")
    if status == 404:
        return NotFoundError(f"{label}: model or route not found ({detail})")
    if status == 429:
        return RateLimitedError(f"{label}: rate limited ({detail})", retry_after_s=_retry_after(headers))
    if status == 503:
        return ModelLoadingError(f"{label}: the model is loading or the server is busy ({detail})",
                                 retry_after_s=_retry_after(headers))
    if 400 <= status < 500:
        return BadRequestError(f"{label}: the request was refused ({detail})")
    return ServerError(f"{label}: server error ({detail})")


@dataclass
class RetryLog:
    """How a call went: attempts made, and seconds from the first attempt's start to the start of
    the last one (failed attempts and back-off waits), read from `call_with_retries`'s clock."""

    attempts: int = 0
    waited_s: float = 0.0


def call_with_retries(call: Callable[[], T], settings: RemoteSettings, where: str,
                      sleep: Callable[[float], None] = time.sleep, log: RetryLog | None = None,
                      clock: Callable[[], float] = time.perf_counter) -> T:
    """Run `call`, retrying 429, 503, timeouts and connection errors with bounded exponential backoff.

    Waits follow Retry-After when the server sends it (capped at `max_wait_s`), else exponential
    backoff with jitter (tenacity). Other errors are raised at once. The raised error's message is
    free of the settings' secret and says how many attempts were made. `log`, when given, records
    the attempts and the time spent before the last one, so callers can time that attempt alone.
    """
    from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

    backoff = wait_exponential_jitter(initial=settings.backoff_s, max=settings.max_wait_s, jitter=settings.backoff_s)

    def wait(state) -> float:
        error = state.outcome.exception()
        if getattr(error, "retry_after_s", None) is not None:
            return min(error.retry_after_s, settings.max_wait_s)
        return backoff(state)

    attempts, first = 0, None
    try:
        for attempt in Retrying(
            stop=stop_after_attempt(max(1, settings.max_retries + 1)),
            wait=wait,
            retry=retry_if_exception(lambda e: isinstance(e, RemoteError) and e.transient),
            sleep=sleep,
            reraise=True,
        ):
            with attempt:
                attempts += 1
                now = clock()
                first = now if first is None else first
                if log is not None:
                    log.attempts, log.waited_s = attempts, now - first
                try:
                    return call()
                except (RemoteError, ModelUnavailableError):
                    raise   # typed already (a refused URL says why, not "bad response")
                except Exception as exc:  # noqa: BLE001 - every client error is classified below
                    raise classify(exc, where) from exc
    except RemoteError as error:
        _accounted(error, settings, attempts)
        raise
    raise AssertionError("unreachable")  # pragma: no cover


#: Seconds a replica that failed is left out before it is tried again.
REPLICA_COOLDOWN_S = 30.0


class Replicas:
    """Round-robin over the base URLs of one set of models. A replica whose call fails with a
    passing fault (refused connection, timeout, 429, 503) is left out for a cool-down; when every
    replica is cooling down, the one back soonest is tried."""

    def __init__(self, urls: list[str], cooldown_s: float = REPLICA_COOLDOWN_S,
                 clock: Callable[[], float] = time.monotonic):
        import threading

        self.urls = list(urls)
        self.cooldown_s = cooldown_s
        self.clock = clock
        self._next = 0
        self._down_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def pick(self) -> str:
        with self._lock:
            now, n = self.clock(), len(self.urls)
            for step in range(n):
                index = (self._next + step) % n
                if self._down_until.get(self.urls[index], 0.0) <= now:
                    self._next = (index + 1) % n
                    return self.urls[index]
            return min(self.urls, key=lambda url: self._down_until.get(url, 0.0))

    def failed(self, url: str) -> None:
        with self._lock:
            self._down_until[url] = self.clock() + self.cooldown_s

    def succeeded(self, url: str) -> None:
        with self._lock:
            self._down_until.pop(url, None)


_replica_sets: dict[tuple[str, ...], Replicas] = {}


def replicas_for(urls: list[str]) -> Replicas:
    """The process's one round-robin for this list of base URLs (its cool-downs outlive a call)."""
    key = tuple(urls)
    if key not in _replica_sets:
        _replica_sets[key] = Replicas(urls)
    return _replica_sets[key]


def call_on_replicas(call: Callable[[str | None], T], settings: RemoteSettings, where: Callable[[str | None], str],
                     log: RetryLog | None = None) -> T:
    """`call(base_url)` with retries. With one base URL (or none), as `call_with_retries`. With
    replicas, each try goes to the next replica in turn, and a passing fault moves on to another one
    at once (the failed replica cools down) instead of waiting to retry the same server."""
    urls = settings.urls()
    if len(urls) <= 1:
        url = urls[0] if urls else None
        return call_with_retries(lambda: call(url), settings, where(url), log=log)
    pool = replicas_for(urls)
    once = replace(settings, max_retries=0)
    error: RemoteError | None = None
    for _ in range(max(len(urls), settings.max_retries + 1)):
        url = pool.pick()
        try:
            result = call_with_retries(lambda: call(url), once, where(url), log=log)
        except RemoteError as exc:
            if not exc.transient:
                raise
            pool.failed(url)
            error = exc
            continue
        pool.succeeded(url)
        return result
    assert error is not None
    raise error


def _accounted(error: RemoteError, settings: RemoteSettings, attempts: int, note: str = "") -> RemoteError:
    """`error` with its attempts recorded and its message free of the settings' secrets."""
    error.attempts = attempts
    message = redact(str(error) + note, settings.secrets())
    if attempts > 1:
        message += f" [gave up after {attempts} attempts]"
    error.args = (message,)
    return error


def embed_concurrently(texts: list[str], settings: RemoteSettings, one_batch: Callable[[list[str]], list]) -> list:
    """`one_batch` over batches of `settings.batch_size` texts, at most `settings.concurrency` at once, in order."""
    from concurrent.futures import ThreadPoolExecutor

    size = max(1, settings.batch_size)
    batches = [texts[i : i + size] for i in range(0, len(texts), size)]
    with ThreadPoolExecutor(max_workers=max(1, min(settings.concurrency, len(batches)))) as pool:
        return [vector for part in pool.map(one_batch, batches) for vector in part]


def chat_pieces(chunks) -> Any:
    """Text pieces from OpenAI-style streamed chat chunks, then one Usage: the server's when it sent
    one, else the count of chunks that carried text (`counted="chunks"`: servers such as llama.cpp's
    stream one token per chunk but ignore `stream_options.include_usage`)."""
    from hfcompare.backends.base import Usage

    usage, chunks_with_text = None, 0
    for chunk in chunks:
        if getattr(chunk, "usage", None):
            usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
        for choice in getattr(chunk, "choices", None) or []:
            piece = getattr(choice.delta, "content", None)
            if piece:
                chunks_with_text += 1
                yield piece
    if usage is None or usage.completion_tokens is None:
        usage = Usage(usage.prompt_tokens if usage else None, chunks_with_text, counted="chunks")
    yield usage


def streamed_chat(open_stream: Callable[[RetryLog], Any], settings: RemoteSettings | None = None,
                  where: str = "the server") -> Any:
    """`chat_pieces` of the stream `open_stream(log)` opens (through `call_with_retries(..., log=log)`),
    preceded by a Retried event when opening it took more than one attempt.

    An error while the stream runs is classified, redacted and counted like one before it opened (it is
    not retried: part of the answer may already be shown)."""
    from hfcompare.backends.base import Retried

    log = RetryLog()
    chunks = open_stream(log)
    if log.attempts > 1:
        yield Retried(log.attempts, log.waited_s)
    try:
        yield from chat_pieces(chunks)
    except Exception as exc:  # noqa: BLE001 - every client error is classified, as before the stream
        error = classify(exc, where)
        raise _accounted(error, settings or RemoteSettings(), max(1, log.attempts), " [during the stream]") from exc


def plain_answer(response: Any, where: str) -> tuple[str, Any]:
    """(text, Usage) from a non-streamed OpenAI-style chat completion."""
    from hfcompare.backends.base import Usage

    try:
        text = response.choices[0].message.content or ""
    except (AttributeError, IndexError, TypeError) as exc:
        raise BadResponseError(f"{where} sent a chat answer without a message ({type(exc).__name__})") from exc
    usage = getattr(response, "usage", None)
    return text, (Usage(usage.prompt_tokens, usage.completion_tokens) if usage else None)


def pool_token_vectors(vector: Any) -> tuple[np.ndarray, bool]:
    """One vector from a server's answer: as is, or the mean of per-token vectors (True if pooled)."""
    array = np.asarray(vector, dtype=np.float32)
    if array.ndim == 2:
        return array.mean(axis=0), True
    if array.ndim != 1 or array.size == 0:
        raise BadResponseError(f"expected one vector per text, got an array of shape {array.shape}")
    return array, False


class RemoteBackend(EmbeddingBackend, GenerationBackend):
    """What server backends share: settings, concurrent batches, per-token pooling and its note.

    Subclasses implement `_embed_one_batch` (one request) and `stream` (a chat completion).
    """

    capabilities = frozenset({Capability.EMBED, Capability.GENERATE, Capability.STREAM, Capability.LIST_MODELS,
                              Capability.REMOTE})

    def __init__(self, settings: RemoteSettings | None = None):
        self.settings = settings or settings_from_environment(self.name)
        self.pooled_token_vectors = False

    @property
    def batch_size(self) -> int:  # type: ignore[override]
        return max(1, self.settings.batch_size)

    @property
    def chunk_size(self) -> int:
        """Texts handed over per call, enough to keep every concurrent request busy."""
        return self.batch_size * max(1, self.settings.concurrency) * 2

    @property
    def note(self) -> str:  # type: ignore[override]
        if self.pooled_token_vectors:
            return "The server returned one vector per token; hfcompare mean-pooled and normalized them."
        return ""

    def _embed_one_batch(self, model: str, texts: list[str]) -> list[Any]:
        raise NotImplementedError

    def load_generator(self, model: str) -> None:
        """Import and build the client before a stream is timed, so time to first token counts the
        request, not this process's first import of the client library."""
        self.load(model)

    def _pooled(self, vectors: list[Any]) -> list[np.ndarray]:
        pooled = [pool_token_vectors(v) for v in vectors]
        self.pooled_token_vectors |= any(flag for _, flag in pooled)
        return [v for v, _ in pooled]

    def embed_batch(self, model: str, texts: list[str]) -> np.ndarray:
        vectors = self._pooled(embed_concurrently(texts, self.settings, lambda b: self._embed_one_batch(model, b)))
        if len({v.shape for v in vectors}) > 1:
            raise BadResponseError(f"{self.where} returned vectors of different lengths")
        return np.stack(vectors)
