"""What a prompt is: the roles (query, document), the limits on one, a user's override, the prompts a
model runs with and where each came from, and how a sentence-transformers configuration names its
own. Shared by the backends that apply prompts, the share links that carry overrides and the
embedding runs that resolve them (`hfcompare.embeddings.prompts`, which says the order)."""

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
