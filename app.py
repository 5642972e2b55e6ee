"""hfcompare's entry point: page config, navigation and the shared sidebar, nothing else."""

import streamlit as st

from hfcompare.storage.store import StoreUnavailable
from ui.addresses import DEFAULT_PATH, open_default_page_by_its_path
from ui.callbacks import let_callbacks_finish
from ui.endpoints import render_endpoints
from ui.layout import fold_sidebar_when_narrow
from ui.resources import ResourceUnavailable
from ui.sidebar import render_sidebar
from ui.text import literal

st.set_page_config(page_title="hfcompare", page_icon="⚖️", layout="wide")
let_callbacks_finish()  # from the next click on, no click is lost to a newer one (see ui/callbacks.py)

# The page files live in app_pages/, not pages/: Streamlit treats a pages/ folder as the old
# multipage layout, and a first visit to /generation would then run that file without this router.
default = st.Page("app_pages/embeddings.py", title="Embeddings", icon="🧭", url_path=DEFAULT_PATH, default=True)
pages = [
    st.Page("app_pages/discover.py", title="Discover", icon="🔎", url_path="discover"),
    default,
    st.Page("app_pages/generation.py", title="Generation", icon="💬", url_path="generation"),
    st.Page("app_pages/scorecard.py", title="Scorecard", icon="🏆", url_path="scorecard"),
    st.Page("app_pages/arena.py", title="Arena", icon="⚔️", url_path="arena"),
    st.Page("app_pages/monitor.py", title="Monitor", icon="📈", url_path="monitor"),
]
open_default_page_by_its_path(default)  # /embeddings opens it too, not "Page not found"
page = st.navigation(pages)
# The page first, so it paints first; it reads the Endpoints panel's values from the session.
try:
    page.run()
except ResourceUnavailable:
    pass  # the page said why it cannot go on; the panels below still draw, so nothing typed is lost
except StoreUnavailable as exc:  # the database went away while the page used it
    st.error(literal(str(exc)), icon="⚠️")
render_endpoints()
try:
    render_sidebar()  # after the page, so the cache counts include the run just made
except ResourceUnavailable:
    pass
fold_sidebar_when_narrow()
