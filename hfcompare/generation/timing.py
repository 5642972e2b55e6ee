"""Honest timings of a streamed answer: time to first token from the attempt that succeeded, and a
decode rate (tokens after the first ÷ time after the first token) only when the stream really trickled
and has at least 2 tokens after the first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from hfcompare.backends.base import Retried, Usage

#: Pieces closer together than this arrived together (one network read, or one buffered flush).
ARRIVAL_GAP_S = 0.002

BUFFERED = "stream was buffered"
TOO_SHORT = "fewer than 2 tokens after the first"
@dataclass
class Timings:
    """What a streamed answer cost, timed from the attempt that succeeded. Token counts come from
    the server when it reports them."""

    latency_s: float
    ttft_s: float | None
    output_tokens: int | None
    prompt_tokens: int | None
    tokens_per_s: float | None
    tokens_counted: str  # "reported", "tokenizer", "chunks" (see Usage) or "pieces" (one streamed piece per token)
    #: calls made; more than one when the server asked to retry (429, 503, timeouts, refused connections)
    attempts: int = 1
    #: seconds before the attempt that succeeded (failed attempts and back-off waits), not in latency or ttft
    retry_wait_s: float = 0.0
    #: why tokens_per_s is unknown (BUFFERED, TOO_SHORT), else ""
    speed_note: str = ""
    #: tokens after the first piece and the seconds after it (first piece to the end of the stream):
    #: tokens_per_s is their ratio
    decode_tokens: float | None = None
    decode_s: float | None = None
    #: CPU threads the local engine generated with (None on a server)
    threads: int | None = None


def arrivals(stamps: list[float], gap_s: float = ARRIVAL_GAP_S) -> int:
    """How many separate arrivals the pieces made: a new one whenever a piece came more than
    `gap_s` after the previous piece."""
    return sum(1 for i, stamp in enumerate(stamps) if i == 0 or stamp - stamps[i - 1] > gap_s)


def decode_window(stamps: list[float], output_tokens: int | None, ended: float) -> tuple[float | None, float | None, str]:
    """(tokens after the first piece, seconds after it, why the rate is unknown): tokens per second
    is tokens after the first ÷ time after the first token, to the end of the stream (which includes
    generating the stop token), so it is (output tokens − 1) ÷ (latency − time to first token) when
    each piece is one token.

    A piece holds output_tokens / pieces tokens when a server sends several per piece. The rate is
    unknown when fewer than 2 tokens came after the first, or when the pieces came in a few bursts
    (fewer than half of them arriving separately, see `arrivals`): such a stream has no decode
    window to time.
    """
    pieces = len(stamps)
    if not output_tokens or output_tokens < 3 or not pieces:
        return None, None, TOO_SHORT
    window = ended - stamps[0]
    if pieces < 2 or window <= 0 or arrivals(stamps) < max(2, -(-pieces // 2)):
        return None, None, BUFFERED
    after = output_tokens - output_tokens / pieces if pieces < output_tokens else output_tokens - 1
    if after < 2:
        return None, None, TOO_SHORT
    return float(after), window, ""


def account(started: float, events: Iterable[tuple[float, str | Usage | Retried]], ended: float) -> tuple[str, Timings]:
    """The text and timings of one stream from (timestamp, event) pairs.

    When the stream opens with a Retried event, the clock starts at the attempt that succeeded
    (`started` plus the retries' time, reported apart as `retry_wait_s`). Time to first token is the
    first non-empty piece's arrival; latency runs to `ended`; tokens per second: see `decode_window`.
    """
    pieces: list[str] = []
    stamps: list[float] = []
    usage: Usage | None = None
    retried: Retried | None = None
    for stamp, event in events:
        if isinstance(event, Usage):
            usage = event
        elif isinstance(event, Retried):
            retried = event
        elif event:
            pieces.append(event)
            stamps.append(stamp)
    waited = max(0.0, retried.waited_s) if retried else 0.0
    began = min(started + waited, stamps[0] if stamps else ended)
    reported = usage is not None and usage.completion_tokens is not None
    output = usage.completion_tokens if reported else (len(pieces) or None)
    after, window, note = decode_window(stamps, output, ended)
    timings = Timings(
        latency_s=ended - began,
        ttft_s=stamps[0] - began if stamps else None,
        output_tokens=output,
        prompt_tokens=usage.prompt_tokens if usage else None,
        tokens_per_s=after / window if after is not None and window else None,
        tokens_counted=usage.counted if reported else "pieces",
        attempts=retried.attempts if retried else 1,
        retry_wait_s=waited,
        speed_note=note,
        decode_tokens=after,
        decode_s=window,
    )
    return "".join(pieces), timings
