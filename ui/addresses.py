"""Every page at its own address. Streamlit serves the default page only at "/": a visit to its own
path (/embeddings) finds no page of that name and shows "Page not found" before falling back to it.
Such a visit is pointed at the default page before the navigation resolves it. Streamlit has no
option for this, so it is a small patch of the session's page intent, guarded: with a Streamlit
that lacks these attributes, nothing changes.
"""

from __future__ import annotations

from typing import Any

#: The default page's own path, served at "/" and, with this module, at "/<DEFAULT_PATH>" too.
DEFAULT_PATH = "embeddings"


def open_default_page_by_its_path(default_page: Any, path: str = DEFAULT_PATH) -> bool:
    """When this run asks for the page named `path` by URL, ask for `default_page` instead. True when
    the request was redirected."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    manager = getattr(get_script_run_ctx(), "pages_manager", None)
    if manager is None or not hasattr(manager, "set_script_intent"):
        return False
    asked = (getattr(manager, "intended_page_name", None) or "").strip("/")
    if asked != path or getattr(manager, "intended_page_script_hash", None):
        return False
    script_hash = getattr(default_page, "_script_hash", None)
    if not script_hash:
        return False
    manager.set_script_intent(script_hash, "")
    return True
