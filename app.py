"""hfcompare's entry point: page config, navigation and the shared sidebar, nothing else."""

import streamlit as st

from ui.sidebar import render_sidebar

st.set_page_config(page_title="hfcompare", page_icon="⚖️", layout="wide")

page = st.navigation(
    [st.Page("pages/embeddings.py", title="Embeddings", icon="🧭", url_path="embeddings", default=True)]
)
page.run()
render_sidebar()  # after the page, so its counts include the run just made
