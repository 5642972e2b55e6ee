"""Paths, limits and defaults shared by the library, the CLI and the pages."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "HFCOMPARE_HOME"
MODELS_ENV = "HFCOMPARE_MODELS"

#: Input limits for one embedding comparison (the UI and the CLI enforce them).
MAX_TEXTS = 500
MAX_CHARS_PER_TEXT = 4_000
MAX_MODELS = 6

#: How many texts one backend call receives; keeps progress moving on long inputs.
EMBED_CHUNK = 128

#: Embedding speed: timed passes (after one untimed warm-up) over a fixed sample of up to this many texts.
SPEED_PASSES = 5
SPEED_SAMPLE = 32


def home() -> Path:
    """The folder that holds every piece of state (cache, store); created on demand."""
    raw = os.environ.get(HOME_ENV, "").strip()
    path = Path(raw).expanduser() if raw else Path.home() / ".cache" / "hfcompare"
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    """Where bundled models split over several packages are assembled on first use:
    `$HFCOMPARE_MODELS`, else `$HFCOMPARE_HOME/models`. Tests share one across temporary homes."""
    raw = os.environ.get(MODELS_ENV, "").strip()
    path = Path(raw).expanduser() if raw else home() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path
