"""Streamlit helpers shared by the pages (the hfcompare library never imports streamlit)."""
