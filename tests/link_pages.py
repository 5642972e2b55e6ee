"""The pages with share links and the link fields each declares next to its `apply_link`
(`LINK_FIELDS` in app_pages/<page>.py), for tests of links."""

from __future__ import annotations

import importlib
from pathlib import Path

from hfcompare.storage.sharing import Field

APP_PAGES = Path(__file__).resolve().parents[1] / "app_pages"


def fields(page: str) -> dict[str, Field]:
    """The link fields page `page` (app_pages/<page>.py) declares."""
    return importlib.import_module(f"app_pages.{page}").LINK_FIELDS


def link_pages() -> dict[str, dict[str, Field]]:
    """Every page that declares link fields, by name; a new page with a link joins on its own."""
    found = {}
    for path in sorted(APP_PAGES.glob("*.py")):
        module = importlib.import_module(f"app_pages.{path.stem}")
        if hasattr(module, "LINK_FIELDS"):
            found[path.stem] = module.LINK_FIELDS
    return found
