"""Opening the app in AppTest, on one page, and finding widgets by label."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app(page: str | None = None, timeout: float = 120) -> AppTest:
    """The whole app (router included) after its first run, switched to `page` if given."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception
    return at


def widget(elements, label: str):
    """The first element of `elements` with this label."""
    return next(e for e in elements if e.label == label)


def current_key(at: AppTest, key: str) -> str:
    """The key widget `key` is drawn with now (`ui.state.widget_key`: a new one each time the program
    set its value)."""
    from ui.state import GENERATION_SUFFIX

    generation = at.session_state[key + GENERATION_SUFFIX] if key + GENERATION_SUFFIX in at.session_state else 0
    return f"{key}@{generation}" if generation else key


def shown(markdown: str) -> str:
    """What a visitor reads of Markdown whose untrusted parts were escaped (`ui.text.literal`):
    the backslash escapes removed."""
    import re

    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


#: The page the app serves at "/": the first run of `open_link` opens it, with the link.
DEFAULT_PAGE = "app_pages/embeddings.py"


def open_link(params: dict, page: str | None = None, timeout: float = 120) -> AppTest:
    """The whole app opened as a share link with these query parameters, on `page` if given (the
    parameters are set again after the switch, as a link to that page would carry them). The default
    page read the link in the first run already: the same address again is no new link to it (a
    request carrying an address the session opened is a lagging one, `ui.share.read_link`)."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page and page != DEFAULT_PAGE:
        at.switch_page(page)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    return at


def table_with(at: AppTest, *columns: str):
    """The first table (dataframe or editor) on the page that has all these columns, as a DataFrame."""
    return next(d.value for d in at.dataframe if all(c in d.value.columns for c in columns))
