"""Paths, limits and defaults shared by the library, the CLI and the pages."""

from __future__ import annotations

import math
import os
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

HOME_ENV = "HFCOMPARE_HOME"
CONFIG_ENV = "HFCOMPARE_CONFIG"
MODELS_ENV = "HFCOMPARE_MODELS"
PREPARED_MODELS_ENV = "HFCOMPARE_PREPARED_MODELS"

#: Input limits for one embedding comparison (the UI and the CLI enforce them).
MAX_TEXTS = 500
MAX_CHARS_PER_TEXT = 4_000
MAX_MODELS = 6

#: How many texts one backend call receives; keeps progress moving on long inputs.
EMBED_CHUNK = 128

#: Embedding speed: timed passes (after one untimed warm-up) over a fixed sample of up to this many texts.
SPEED_PASSES = 5
SPEED_SAMPLE = 32
#: Once the timed passes have taken this long, stop after MIN_SPEED_PASSES: on a busy machine a slow
#: model's five passes took most of a minute (the median of three is still a median, its range wider).
SPEED_BUDGET_S = 8.0
MIN_SPEED_PASSES = 3


class HomeError(ValueError):
    """$HFCOMPARE_HOME (or $HFCOMPARE_MODELS) cannot be used as a folder; the message names the variable
    and the path."""


def _folder(path: Path, variable: str) -> Path:
    """`path`, created on demand; raises HomeError naming `variable` when it cannot be a folder."""
    try:
        is_file = path.exists() and not path.is_dir()
        if not is_file:
            path.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = getattr(exc, "strerror", None) or str(exc)
        raise HomeError(f"{variable} is {path}, which cannot be created ({reason}); set {variable} to a folder "
                        "this user can write.") from None
    if is_file:
        raise HomeError(f"{variable} is {path}, which is a file, not a folder; set {variable} to a folder "
                        "this user can write.")
    return path


def home() -> Path:
    """The folder that holds every piece of state (cache, store); created on demand. Raises HomeError
    when it is a file or cannot be created."""
    raw = os.environ.get(HOME_ENV, "").strip()
    try:
        path = Path(raw).expanduser() if raw else Path.home() / ".cache" / "hfcompare"
    except RuntimeError as exc:  # `~someone` of no known user, or no home folder at all
        raise HomeError(f"{HOME_ENV} is {raw or 'unset'}, which names no folder ({exc}); set {HOME_ENV} to a "
                        "folder this user can write.") from None
    return _folder(path, HOME_ENV)


def models_dir() -> Path:
    """Where bundled models split over several packages are assembled on first use when the installation
    has no prepared copy (prepared_models_dir): `$HFCOMPARE_MODELS`, else `$HFCOMPARE_HOME/models`.
    Raises HomeError when it is a file or cannot be created."""
    raw = os.environ.get(MODELS_ENV, "").strip()
    try:
        path = Path(raw).expanduser() if raw else home() / "models"
    except RuntimeError as exc:  # `~someone` of no known user
        raise HomeError(f"{MODELS_ENV} is {raw}, which names no folder ({exc}); set {MODELS_ENV} to a folder "
                        "this user can write.") from None
    return _folder(path, MODELS_ENV if raw else HOME_ENV)


def prepared_models_dir() -> Path:
    """Where the installation keeps bundled models assembled once when it was installed (`make install`,
    the Docker build: `python -m hfcompare.backends.local.prepare`): `$HFCOMPARE_PREPARED_MODELS`, else
    `<sys.prefix>/share/hfcompare/models` (inside the virtual environment). Read first, never written at
    run time (it may be read-only), never created here."""
    raw = os.environ.get(PREPARED_MODELS_ENV, "").strip()
    try:
        return Path(raw).expanduser() if raw else Path(sys.prefix) / "share" / "hfcompare" / "models"
    except RuntimeError:  # `~someone` of no known user: taken literally, so no prepared copy is found there
        return Path(raw)


#: Share links kept in the store: the largest state one link may save, the total the store keeps
#: (least recently used links go first beyond it), and how long a link never opened is kept.
LINK_MAX_KB_ENV, LINK_QUOTA_MB_ENV, LINK_EXPIRY_DAYS_ENV = (
    "HFCOMPARE_LINK_MAX_KB", "HFCOMPARE_LINK_QUOTA_MB", "HFCOMPARE_LINK_EXPIRY_DAYS")
LINK_MAX_KB, LINK_QUOTA_MB, LINK_EXPIRY_DAYS = 512, 200, 30


def _positive(name: str, default: float) -> float:
    """A positive number from the environment; unset, unreadable or not positive gives `default`."""
    try:
        value = float(os.environ.get(name, "").strip() or default)
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def link_limits() -> tuple[int, int, float]:
    """(largest saved state in bytes, store quota in bytes, expiry of never-opened links in seconds);
    the quota is never below the largest state."""
    max_bytes = int(_positive(LINK_MAX_KB_ENV, LINK_MAX_KB) * 1024)
    quota = max(int(_positive(LINK_QUOTA_MB_ENV, LINK_QUOTA_MB) * 1024 * 1024), max_bytes)
    return max_bytes, quota, _positive(LINK_EXPIRY_DAYS_ENV, LINK_EXPIRY_DAYS) * 86_400


#: Public mode (a public Space): links and pages load only bundled, operator-allowed or
#: visitor-added models, a link's `run=1` computes nothing new without a click, and uploads are
#: capped (checked before reading). Off unless HFCOMPARE_PUBLIC is 1/true/yes/on.
PUBLIC_ENV, ALLOWED_MODELS_ENV, MAX_UPLOAD_MB_ENV, ALLOWED_HOSTS_ENV = (
    "HFCOMPARE_PUBLIC", "HFCOMPARE_ALLOWED_MODELS", "HFCOMPARE_MAX_UPLOAD_MB", "HFCOMPARE_ALLOWED_HOSTS")
MAX_UPLOAD_MB = 200


def public_mode() -> bool:
    """Whether the app runs in public mode ($HFCOMPARE_PUBLIC)."""
    return os.environ.get(PUBLIC_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def allowed_hosts() -> set[str]:
    """Hosts (`host` or `host:port`, lower case) a visitor may point the server at in public mode,
    besides the base URLs the operator configured ($HFCOMPARE_ALLOWED_HOSTS, comma-separated)."""
    return {part.strip().lower().rstrip("/") for part in os.environ.get(ALLOWED_HOSTS_ENV, "").split(",")
            if part.strip()}


def max_upload_bytes() -> int:
    """The largest uploaded file accepted, in bytes ($HFCOMPARE_MAX_UPLOAD_MB, default 200 MB)."""
    return int(_positive(MAX_UPLOAD_MB_ENV, MAX_UPLOAD_MB) * 1024 * 1024)


def _config_file() -> Path:
    raw = os.environ.get(CONFIG_ENV, "").strip()
    return Path(raw).expanduser() if raw else home() / "config.toml"


#: A config file larger than this is refused before it is read.
MAX_CONFIG_BYTES = 1_000_000


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file, the line and the problem."""


def read_config() -> dict[str, Any]:
    """The config file's tables ({} when there is no file); raises ConfigError for any problem."""
    path = _config_file()
    try:
        if not path.exists():
            return {}
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: {size:,} bytes; a config file may have {MAX_CONFIG_BYTES:,}.")
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{path}, line {line}: not UTF-8 text (byte {exc.start}).") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problem = str(exc)
        where = re.search(r"\s*\(at line (\d+), column \d+\)", problem)
        line = where.group(1) if where else ("end of file" if "end of document" in problem else "?")
        problem = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", problem)
        raise ConfigError(f"{path}, line {line}: not valid TOML ({problem}).".replace("line end of file",
                                                                                   "end of file")) from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be a config file.") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise ConfigError(f"{path}: a number is too long.") from None


def config_problem() -> str | None:
    """What is wrong with the config file, or None (no file, or a good one); for the CLI and the pages."""
    try:
        read_config()
    except ConfigError as exc:
        return str(exc)
    return None


#: Where votes, share links, the call log, A/B tests and production metrics live: a SQLAlchemy
#: URL (`postgresql://user:password@host/db`); unset, the SQLite file under $HFCOMPARE_HOME.
DATABASE_URL_ENV = "HFCOMPARE_DATABASE_URL"


def database_url() -> str | None:
    """The database URL from $HFCOMPARE_DATABASE_URL, else the config file's `[database] url`, else
    None (the embedded SQLite store). A broken config file counts as no setting (config_problem says why)."""
    raw = os.environ.get(DATABASE_URL_ENV, "").strip()
    if raw:
        return raw
    try:
        section = read_config().get("database", {})
    except ConfigError:
        return None
    value = section.get("url") if isinstance(section, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None
