"""Widget callbacks that finish: a click that arrives while a button's callback runs waits for it.

Streamlit (1.67, pinned) checks for a newer rerun request at every `st.session_state` access, and
also just before it applies a click. A request found there stops the callback (or the click)
halfway: the first click's trigger is dropped, or its callback dies at its first write, and only
the second click runs. On a busy server that is "Load sample, then Run" ending in "Enter at least
two texts" (8 concurrent sessions: 1 in 8 lost the sample). Holding that check while a run applies
its clicks and runs their callbacks makes each click take full effect; the newer request is then
taken as soon as the callbacks are done, before the page starts drawing. Streamlit offers no option
for this, hence the patch; `runner.fastReruns = false` (.streamlit/config.toml) keeps a click that
arrives before its run has begun from replacing that run.
"""

from __future__ import annotations

import functools

_PATCHED = "_hfcompare_callbacks_finish"


def let_callbacks_finish() -> bool:
    """Patch Streamlit's session state once per process; False when this Streamlit has no such hook
    (then clicks behave as Streamlit ships them)."""
    from streamlit.runtime.state.safe_session_state import SafeSessionState

    original = SafeSessionState.on_script_will_rerun
    if getattr(original, _PATCHED, False):
        return True
    if "_yield_callback" not in getattr(SafeSessionState, "__annotations__", {}):
        return False

    @functools.wraps(original)
    def on_script_will_rerun(self, *args, **kwargs):
        check_for_requests = self._yield_callback
        object.__setattr__(self, "_yield_callback", lambda: None)  # the class keeps its own __setattr__
        try:
            return original(self, *args, **kwargs)
        finally:
            object.__setattr__(self, "_yield_callback", check_for_requests)

    setattr(on_script_will_rerun, _PATCHED, True)
    SafeSessionState.on_script_will_rerun = on_script_will_rerun
    return True
