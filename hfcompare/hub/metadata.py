"""Live model metadata from the Hugging Face Hub (huggingface_hub.HfApi), cached with a TTL.

`HF_ENDPOINT` moves the Hub (tests point it at a local server). When the Hub cannot be
reached, every function raises HubUnavailable quickly, and callers fall back to the catalog.
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hfcompare.config import home
from hfcompare.backends.hub import hub_endpoint, hub_reachable

#: How long fetched metadata is reused before asking the Hub again.
METADATA_TTL_S = 6 * 3600
#: The brief's community signals.
LIKES_APPROVED = 100
DOWNLOADS_WIDELY_USED = 1_000_000
CARD_EXCERPT_CHARS = 1_500
REQUEST_TIMEOUT_S = 10.0

#: Hub pipeline tags searched for each task.
PIPELINE_TAGS = {"embeddings": "sentence-similarity", "generation": "text-generation"}
_EXPAND = ["downloads", "likes", "tags", "pipeline_tag", "library_name", "safetensors", "lastModified",
           "cardData", "gated"]
_CARD_SECTION = re.compile(r"limitation|bias|risk|out[- ]of[- ]scope|ethic", re.IGNORECASE)
# A heading's closing #s are stripped in Python (`_heading`), not by the pattern: `(.*?)\s*#*\s*$` backtracks
# in cubic time on a heading line of many spaces (2,000 took 19 s), and a card is anyone's text.
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def _heading(line: str) -> tuple[int, str] | None:
    """(level, text) of a Markdown heading line, its closing #s and spaces dropped; None for other lines."""
    match = _HEADING.match(line)
    return (len(match.group(1)), match.group(2).rstrip().rstrip("#").rstrip()) if match else None


class HubUnavailable(RuntimeError):
    """The Hub could not be reached, or did not answer as the Hub does."""


class HubModelMissing(HubUnavailable):
    """The Hub answered: it has no public model by that id (remembered like an answer)."""


@dataclass
class HubModel:
    """What the Hub says about one model right now."""

    id: str
    downloads: int | None = None        # the last 30 days, as the Hub counts them
    likes: int | None = None
    tags: list[str] = field(default_factory=list)
    pipeline_tag: str | None = None
    library: str | None = None
    parameters: int | None = None       # safetensors total
    last_modified: str | None = None
    gated: bool | str | None = None
    license: str | None = None
    eval_results: list[dict[str, Any]] = field(default_factory=list)
    card_excerpt: str | None = None
    card_section: str | None = None
    fetched_at: str = ""

    @property
    def url(self) -> str:
        return f"{hub_endpoint()}/{self.id}"


def community_badges(likes: int | None, downloads: int | None) -> list[str]:
    """The brief's community signals: 100+ likes is community approved, 1M+ downloads widely used."""
    badges = []
    if likes is not None and likes >= LIKES_APPROVED:
        badges.append("community approved")
    if downloads is not None and downloads >= DOWNLOADS_WIDELY_USED:
        badges.append("widely used")
    return badges


def card_excerpt(markdown: str, limit: int = CARD_EXCERPT_CHARS) -> tuple[str | None, str | None]:
    """(heading, text) of the card's limitations / bias / risks section, or (None, None).

    The section runs to the next heading of the same or a higher level and is cut at `limit`.
    """
    body = re.sub(r"\A---\n.*?\n---\n", "", markdown, count=1, flags=re.DOTALL)
    lines = body.splitlines()
    for start, line in enumerate(lines):
        found = _heading(line)
        if not found or not _CARD_SECTION.search(found[1]):
            continue
        level, title = found
        section = []
        for following in lines[start + 1:]:
            nxt = _heading(following)
            if nxt and nxt[0] <= level:
                break
            section.append(following)
        text = "\n".join(section).strip()
        if not text:
            continue
        if len(text) > limit:
            text = text[:limit].rsplit(" ", 1)[0] + " …"
        return title.strip(), text
    return None, None


def _eval_rows(card_data: Any) -> list[dict[str, Any]]:
    rows = []
    for result in getattr(card_data, "eval_results", None) or []:
        rows.append({
            "task": result.task_type,
            "dataset": result.dataset_name or result.dataset_type,
            "split": result.dataset_split,
            "metric": result.metric_name or result.metric_type,
            "value": result.metric_value,
            "verified": result.verified,
        })
    return rows


def _from_info(info: Any) -> HubModel:
    safetensors = getattr(info, "safetensors", None)
    card_data = getattr(info, "card_data", None)
    modified = getattr(info, "last_modified", None)
    return HubModel(
        id=info.id,
        downloads=getattr(info, "downloads", None),
        likes=getattr(info, "likes", None),
        tags=list(getattr(info, "tags", None) or []),
        pipeline_tag=getattr(info, "pipeline_tag", None),
        library=getattr(info, "library_name", None),
        parameters=getattr(safetensors, "total", None),
        last_modified=modified.date().isoformat() if modified else None,
        gated=getattr(info, "gated", None),
        license=getattr(card_data, "license", None) if card_data else None,
        eval_results=_eval_rows(card_data),
        fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


def _api():
    from huggingface_hub import HfApi

    return HfApi(endpoint=hub_endpoint())


def _require_hub() -> None:
    if not hub_reachable():
        raise HubUnavailable(f"The Hugging Face Hub ({hub_endpoint()}) cannot be reached from this machine.")


_caches: dict[str, Any] = {}
_caches_lock = threading.Lock()


def _ttl_cache():
    """The diskcache of Hub answers under `$HFCOMPARE_HOME/hub`, opened once per process and
    folder (diskcache is safe across threads and processes)."""
    from hfcompare.storage.cache import open_recovering

    directory = Path(home()) / "hub"
    with _caches_lock:
        if str(directory) not in _caches:
            _caches[str(directory)] = open_recovering(directory, [])
        return _caches[str(directory)]


def _cached(key: str, compute, ttl_s: float):
    """compute() once per TTL; a missing model is remembered too, so reruns do not ask again.
    Keys include the Hub address, so answers from one endpoint never serve another."""
    cache = _ttl_cache()
    key = f"{hub_endpoint()}|{key}"
    hit = cache.get(key)
    if isinstance(hit, dict) and "missing" in hit:
        raise HubModelMissing(hit["missing"])
    if hit is not None:
        return hit
    _require_hub()
    try:
        value = compute()
    except HubModelMissing as exc:
        cache.set(key, {"missing": str(exc)}, expire=ttl_s)
        raise
    cache.set(key, value, expire=ttl_s)
    return value


def _fetch_card(model_id: str) -> str | None:
    import requests
    from huggingface_hub.utils import build_hf_headers

    response = requests.get(f"{hub_endpoint()}/{model_id}/resolve/main/README.md",
                            headers=build_hf_headers(), timeout=REQUEST_TIMEOUT_S)
    return response.text if response.ok else None


def model_metadata(model_id: str, ttl_s: float = METADATA_TTL_S) -> HubModel:
    """Downloads, likes, tags, parameters, eval results and the card's limitations excerpt for one model."""

    def fetch() -> dict[str, Any]:
        from huggingface_hub.errors import HfHubHTTPError

        try:
            model = _from_info(_api().model_info(model_id, expand=_EXPAND, timeout=REQUEST_TIMEOUT_S))
            card = _fetch_card(model_id)
        except HfHubHTTPError as exc:
            status = getattr(getattr(exc, "response", None), "status_code", None)
            if status in (401, 403, 404):
                raise HubModelMissing(f"The Hub has no public model called {model_id} (HTTP {status}).") from exc
            raise HubUnavailable(f"The Hub did not answer for {model_id}: {exc}") from exc
        except (OSError, ValueError) as exc:
            raise HubUnavailable(f"The Hub did not answer for {model_id}: {exc}") from exc
        except (AttributeError, TypeError, KeyError) as exc:   # a body not shaped like the Hub's (a proxy, a stand-in)
            raise HubUnavailable(f"The Hub's answer for {model_id} could not be read ({type(exc).__name__}).") \
                from exc
        if card:
            model.card_section, model.card_excerpt = card_excerpt(card)
        return asdict(model)

    return HubModel(**_cached(f"model|{model_id}", fetch, ttl_s))


def search_hub(query: str, task: str, limit: int = 50, ttl_s: float = METADATA_TTL_S) -> list[HubModel]:
    """The Hub's most downloaded models for `task` whose id matches `query`."""

    def fetch() -> list[dict[str, Any]]:
        try:
            found = _api().list_models(search=query.strip() or None, pipeline_tag=PIPELINE_TAGS[task],
                                       sort="downloads", limit=limit, expand=_EXPAND)
            return [asdict(_from_info(info)) for info in found]
        except Exception as exc:  # noqa: BLE001 - any failure of the Hub means: fall back to the catalog
            raise HubUnavailable(f"The Hub search failed: {exc}") from exc

    rows = _cached(f"search|{task}|{query.strip().lower()}|{limit}", fetch, ttl_s)
    return [HubModel(**row) for row in rows]


def many_models(model_ids: list[str], ttl_s: float = METADATA_TTL_S, workers: int = 8) -> dict[str, HubModel]:
    """model_metadata for several models at once (the Hub answers each in its own round trip);
    models the Hub does not know, or cannot answer for, are left out."""
    from concurrent.futures import ThreadPoolExecutor

    def one(model_id: str) -> HubModel | None:
        try:
            return model_metadata(model_id, ttl_s)
        except HubUnavailable:
            return None

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(model_ids)))) as pool:
        found = dict(zip(model_ids, pool.map(one, model_ids)))
    return {model_id: model for model_id, model in found.items() if model is not None}
