"""Any screen from 800 pixels up. Streamlit folds the sidebar away only below 768 pixels; between
that and about 1,000 its 300 pixels squeeze the page. When the app loads in a window narrower than
NARROW_PX, the sidebar is folded away once (the user can open it again, and moving between pages
leaves it as they left it; a reload folds it again). Streamlit has no option for the width, so a
few lines of our own script do it, from an invisible component in the sidebar, drawn after the
page so the page paints first."""

from __future__ import annotations

import streamlit as st

#: Below this window width the sidebar starts folded.
NARROW_PX = 1000

# Our own fixed script (nothing from users in it). It runs in the component's frame, which shares the
# app's origin, and clicks Streamlit's own collapse button once per page load (the flag lives on the
# app's window, which a move to another page keeps and a reload clears).
_FOLD_SIDEBAR = """
<script>
(function () {
  const app = window.parent;
  if (app.innerWidth >= %d || app.hfcompareSidebarFolded) return;
  app.hfcompareSidebarFolded = true;
  let tries = 150;   // 15 s: on a busy machine the sidebar's button can come late
  (function fold() {
    const sidebar = app.document.querySelector('[data-testid="stSidebar"]');
    const button = app.document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (sidebar && button && sidebar.getAttribute("data-collapsed") === "false") { button.click(); return; }
    if (tries-- > 0) setTimeout(fold, 100);
  })();
})();
</script>
""" % NARROW_PX


def fold_sidebar_when_narrow() -> None:
    """Fold the sidebar away on a first visit in a window narrower than NARROW_PX."""
    with st.sidebar:
        st.iframe(_FOLD_SIDEBAR, height=1)  # our fixed script only (st.iframe runs it with the app's origin)
