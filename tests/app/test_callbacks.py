"""ui/callbacks.py: while a run applies its clicks and runs their callbacks, no newer request can
stop them; once they are done, requests are checked again as before."""

from __future__ import annotations

from streamlit.runtime.state import SafeSessionState, SessionState

from ui.callbacks import let_callbacks_finish


def test_no_request_check_while_callbacks_run_and_checks_again_after():
    assert let_callbacks_finish() and let_callbacks_finish()  # applies to this Streamlit, once
    checks: list[str] = []
    state = SafeSessionState(SessionState(), yield_callback=lambda: checks.append("check"))

    state.on_script_will_rerun(None)
    assert checks == []  # a newer click would have stopped the callbacks of this one here

    state["texts"] = "sample"
    assert checks == ["check"]  # the page's own code is interrupted by a newer click as usual
