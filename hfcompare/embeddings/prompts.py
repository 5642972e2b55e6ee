"""Query and document prompts: the text some embedding models expect before a query or a document.

e5 models were trained on "query: " and "passage: " prefixes, bge-*-en-v1.5, arctic-embed and
mxbai on a query instruction, nomic on "search_query: " and "search_document: ". Embedding them
without it understates their retrieval quality, so each model runs with its authors' prompts.

A model's prompts are resolved per role, first match wins:
1. the user's override (the page, the CLI's --query-prompt/--document-prompt, a share link);
2. the prompts in the model's own configuration (local sentence-transformers models, whose
   `encode_query` / `encode_document` use `model.prompts`);
3. the catalog's `query_prompt` / `document_prompt` figures, each with a quoted source.
Otherwise the role has no prompt. What a prompt is (roles, limits, an override, the resolved
`Prompts`) is `hfcompare.backends.prompts`.
"""

from __future__ import annotations

from typing import Any, Mapping

from hfcompare.backends.prompts import (
    FROM_CATALOG,
    FROM_MODEL,
    FROM_NOWHERE,
    FROM_USER,
    ROLES,
    PromptOverride,
    Prompts,
)


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
