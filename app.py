"""hfcompare's entry point: page config, navigation and the shared sidebar, nothing else."""

import streamlit as st

from ui import session
from ui.callbacks import let_callbacks_finish
from ui.endpoints import render_endpoints
from ui.sidebar import render_sidebar

st.set_page_config(page_title="hfcompare", page_icon="⚖️", layout="wide")
let_callbacks_finish()  # from the next click on, no click is lost to a newer one (see ui/callbacks.py)

# The page files live in app_pages/, not pages/: Streamlit treats a pages/ folder as the old
# multipage layout, and a first visit to /generation would then run that file without this router.
page = st.navigation(
    [
        st.Page("app_pages/discover.py", title="Discover", icon="🔎", url_path="discover"),
        st.Page("app_pages/embeddings.py", title="Embeddings", icon="🧭", url_path="embeddings", default=True),
        st.Page("app_pages/generation.py", title="Generation", icon="💬", url_path="generation"),
        st.Page("app_pages/scorecard.py", title="Scorecard", icon="🏆", url_path="scorecard"),
        st.Page("app_pages/arena.py", title="Arena", icon="⚔️", url_path="arena"),
        st.Page("app_pages/monitor.py", title="Monitor", icon="📈", url_path="monitor"),
    ]
)
# Endpoints first: the page needs this session's remote settings when it runs.
session.save_endpoint_settings(render_endpoints())
page.run()
render_sidebar()  # after the page, so the cache counts include the run just made
