"""Query and document prompts: the text some embedding models expect before a query or a document.

e5 models were trained on "query: " and "passage: " prefixes, bge-*-en-v1.5, arctic-embed and
mxbai on a query instruction, nomic on "search_query: " and "search_document: ". Embedding them
without it understates their retrieval quality, so each model runs with its authors' prompts.

A model's prompts are resolved per role, first match wins:
1. the user's override (the page, the CLI's --query-prompt/--document-prompt, a share link);
2. the prompts in the model's own configuration (local sentence-transformers models, whose
   `encode_query` / `encode_document` use `model.prompts`);
3. the catalog's `query_prompt` / `document_prompt` figures, each with a quoted source.
Otherwise the role has no prompt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

ROLES = ("query", "document")
MAX_PROMPT_CHARS = 300

#: Where a prompt came from, as tables and captions say it.
FROM_USER = "you"
FROM_MODEL = "model configuration"
FROM_CATALOG = "catalog"
FROM_NOWHERE = "none"

#: The keys of a sentence-transformers `prompts` dict that `encode_document` reads, in its order.
DOCUMENT_PROMPT_NAMES = ("document", "passage", "corpus")


class PromptError(ValueError):
    """A prompt that cannot be used; the message says what to change."""


def check_prompt(text: Any, role: str = "query") -> str:
    """`text` when it can be used as a prompt (at most MAX_PROMPT_CHARS, no line breaks or control
    characters); raises PromptError otherwise. Spaces are kept: "query: " ends in one on purpose."""
    if not isinstance(text, str):
        raise PromptError(f"The {role} prompt must be text.")
    if len(text) > MAX_PROMPT_CHARS:
        raise PromptError(f"The {role} prompt is {len(text):,} characters long; at most {MAX_PROMPT_CHARS} are allowed.")
    if any(not ch.isprintable() for ch in text):
        raise PromptError(f"The {role} prompt holds a line break or another control character; remove it.")
    return text


@dataclass(frozen=True)
class PromptOverride:
    """The prompts a user set for one model; None leaves that role to the model and the catalog."""

    query: str | None = None
    document: str | None = None

    def __post_init__(self) -> None:
        for role in ROLES:
            value = getattr(self, role)
            if value is not None:
                check_prompt(value, role)

    def __bool__(self) -> bool:
        return self.query is not None or self.document is not None

    def for_role(self, role: str) -> str | None:
        return getattr(self, role)

    def as_dict(self) -> dict[str, str]:
        """The roles that are set, for share links and JSON."""
        return {role: getattr(self, role) for role in ROLES if getattr(self, role) is not None}

    @classmethod
    def from_dict(cls, raw: Any) -> PromptOverride:
        """An override from {"query": ..., "document": ...} (either may be missing); raises PromptError."""
        if not isinstance(raw, Mapping):
            raise PromptError("Prompts must map 'query' and/or 'document' to text.")
        unknown = sorted(str(k) for k in raw if k not in ROLES)
        if unknown:
            raise PromptError(f"Prompts know only 'query' and 'document', not {', '.join(map(repr, unknown[:3]))}.")
        return cls(**{role: check_prompt(raw[role], role) for role in ROLES if raw.get(role) is not None})


@dataclass(frozen=True)
class Prompts:
    """The prompts a model runs with, and where each came from (FROM_USER, FROM_MODEL, FROM_CATALOG
    or FROM_NOWHERE)."""

    query: str = ""
    document: str = ""
    query_from: str = FROM_NOWHERE
    document_from: str = FROM_NOWHERE

    def for_role(self, role: str | None) -> str:
        return getattr(self, role) if role in ROLES else ""

    def source(self, role: str) -> str:
        return getattr(self, f"{role}_from")

    @property
    def any(self) -> bool:
        return bool(self.query or self.document)

    @property
    def origin(self) -> str:
        """One phrase for both roles: 'catalog', or 'query: you; document: catalog' when they differ."""
        sources = {role: self.source(role) for role in ROLES}
        if len(set(sources.values())) == 1:
            return sources["query"]
        return "; ".join(f"{role}: {where}" for role, where in sources.items())

    def describe(self) -> str:
        """Plain text for a caption or a terminal: 'query "query: ", document "passage: " (catalog)'."""
        if not self.any:
            return "no prompts"
        shown = ", ".join(f"{role} {json.dumps(getattr(self, role))}" if getattr(self, role) else f"no {role} prompt"
                          for role in ROLES)
        return f"{shown} ({self.origin})"

    def as_dict(self) -> dict[str, str]:
        """The JSON and CSV shape: both prompts and where they came from."""
        return {"query": self.query, "document": self.document, "query_from": self.query_from,
                "document_from": self.document_from}


NO_PROMPTS = Prompts()


def role_prompts(configured: Mapping[str, Any] | None) -> dict[str, str]:
    """The query and document prompts a sentence-transformers `prompts` dict names, read the way
    `encode_query` ("query") and `encode_document` (the first of "document", "passage", "corpus")
    read it; roles without a non-empty prompt are left out."""
    configured = configured or {}
    found: dict[str, str] = {}
    if isinstance(configured.get("query"), str) and configured["query"]:
        found["query"] = configured["query"]
    name = next((n for n in DOCUMENT_PROMPT_NAMES if n in configured), None)
    if name is not None and isinstance(configured[name], str) and configured[name]:
        found["document"] = configured[name]
    return found


def catalog_prompts(model_id: str) -> dict[str, str]:
    """The catalog's prompts for a Hub id (roles the catalog states, possibly as ""), or {}."""
    from hfcompare.hub.catalog import CatalogError, load_catalog

    try:
        entry = load_catalog().by_id(model_id)
    except CatalogError:
        return {}
    if entry is None:
        return {}
    found = {}
    for role in ROLES:
        value = entry.value(f"{role}_prompt")
        if isinstance(value, str):
            found[role] = value
    return found


def resolve_prompts(model_id: str, override: PromptOverride | None = None,
                    configured: Mapping[str, str] | None = None) -> Prompts:
    """Each role's prompt: the override, else the model's own configured prompt (`configured`, as
    `role_prompts` returns it), else the catalog's, else none."""
    catalog = catalog_prompts(model_id)
    values: dict[str, Any] = {}
    for role in ROLES:
        chosen = override.for_role(role) if override else None
        if chosen is not None:
            values[role], values[f"{role}_from"] = chosen, FROM_USER
        elif configured and configured.get(role):
            values[role], values[f"{role}_from"] = configured[role], FROM_MODEL
        elif catalog.get(role):
            values[role], values[f"{role}_from"] = catalog[role], FROM_CATALOG
        else:
            values[role], values[f"{role}_from"] = "", FROM_NOWHERE
    return Prompts(**values)


def prompts_for(ref, override: PromptOverride | None = None, settings: Any = None, load: bool = True) -> Prompts:
    """The prompts model `ref` runs with. `load=False` reads the model's configuration only where
    that needs no model loading (for pages that must stay fast); unknown backends use the catalog."""
    from hfcompare.backends import BackendError, get_backend

    configured = None
    try:
        configured = get_backend(ref.backend, settings).configured_prompts(ref.model, load=load)
    except BackendError:
        configured = None
    return resolve_prompts(ref.model, override, configured)


def overrides_from_json(raw: Any) -> dict[str, PromptOverride]:
    """{model ref: override} from a share link or a file; raises PromptError naming the model at fault."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise PromptError(f"The prompts are not valid JSON ({exc}).") from exc
    if not isinstance(raw, Mapping):
        raise PromptError("Prompts must map each model to its 'query' and 'document' prompts.")
    out: dict[str, PromptOverride] = {}
    for ref, value in raw.items():
        if not isinstance(ref, str) or not ref.strip() or len(ref) > 300:
            raise PromptError("A prompt entry names no model, or a model name that is too long.")
        try:
            out[ref.strip()] = PromptOverride.from_dict(value)
        except PromptError as exc:
            shown = "".join(ch if ch.isprintable() else "?" for ch in ref)[:60]
            raise PromptError(f"{shown!r}: {exc}") from exc
    return out
