"""Honest timings of a streamed answer: time to first token from the attempt that succeeded, and a
decode rate only when the stream really trickled (a buffered stream has no decode window to time)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from hfcompare.backends.base import Retried, Usage

#: Pieces closer together than this arrived together (one network read, or one buffered flush).
ARRIVAL_GAP_S = 0.002

BUFFERED = "stream was buffered"
ONE_TOKEN = "fewer than two tokens"


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
    #: why tokens_per_s is unknown ("stream was buffered", "fewer than two tokens"), else ""
    speed_note: str = ""


def arrivals(stamps: list[float], gap_s: float = ARRIVAL_GAP_S) -> int:
    """How many separate arrivals the pieces made: a new one whenever a piece came more than
    `gap_s` after the previous piece."""
    return sum(1 for i, stamp in enumerate(stamps) if i == 0 or stamp - stamps[i - 1] > gap_s)


def decode_rate(stamps: list[float], output_tokens: int | None) -> tuple[float | None, str]:
    """Tokens per second over the decode window (first piece to last piece), with the reason when unknown.

    Known only when the stream trickled: at least two pieces, and at least half of them arriving
    separately (see `arrivals`). Tokens after the first piece are `output_tokens` x (pieces - 1) /
    pieces, which is output_tokens - 1 when each piece is one token (the figure llama.cpp reports).
    A stream whose pieces came in a few bursts has no decode window to time: its rate is unknown.
    """
    if not output_tokens or output_tokens < 2:
        return None, ONE_TOKEN
    pieces = len(stamps)
    window = stamps[-1] - stamps[0] if pieces else 0.0
    if pieces < 2 or window <= 0 or arrivals(stamps) < max(2, -(-pieces // 2)):
        return None, BUFFERED
    return output_tokens * (pieces - 1) / pieces / window, ""


def account(started: float, events: Iterable[tuple[float, str | Usage | Retried]], ended: float) -> tuple[str, Timings]:
    """The text and timings of one stream from (timestamp, event) pairs.

    When the stream opens with a Retried event, the clock starts at the attempt that succeeded
    (`started` plus the retries' time, reported apart as `retry_wait_s`). Time to first token is the
    first non-empty piece's arrival; latency runs to `ended`; tokens per second: see `decode_rate`.
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
    rate, note = decode_rate(stamps, output)
    timings = Timings(
        latency_s=ended - began,
        ttft_s=stamps[0] - began if stamps else None,
        output_tokens=output,
        prompt_tokens=usage.prompt_tokens if usage else None,
        tokens_per_s=rate,
        tokens_counted=usage.counted if reported else "pieces",
        attempts=retried.attempts if retried else 1,
        retry_wait_s=waited,
        speed_note=note,
    )
    return "".join(pieces), timings
