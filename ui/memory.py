"""Measured memory for the pages: measured once per model version in a fresh process (a few seconds
the first time, with a spinner), then read from disk."""

from __future__ import annotations

import streamlit as st


def memory_figures(refs, task: str, failed=()) -> dict:
    """{ref: MemoryFigure or None}, measuring what is missing (hfcompare.backends.local.memory). Models in
    `failed` (every result of theirs failed here) are not measured: loading one again in a fresh process
    would fail the same way, or download it. A figure remembered from before is still shown."""
    from hfcompare.backends.local import memory

    refs = [str(r) for r in dict.fromkeys(refs)]
    failed = {str(r) for r in failed}
    missing = [r for r in refs if r not in failed and memory.pending(r, task)]
    figures = {r: memory.remembered(r, task) for r in refs if r not in missing}
    if missing:
        with st.spinner(f"Measuring the memory of {len(missing)} model(s) in a fresh process (once per model)…"):
            figures |= memory.measure_many(missing, task)
    return {r: figures.get(r) for r in refs}


def failed_refs(results) -> set[str]:
    """The models none of whose `results` (objects with .ref and .ok) succeeded."""
    worked = {str(r.ref) for r in results if r.ok}
    return {str(r.ref) for r in results} - worked


def memory_columns(refs, task: str, names: dict | None = None, failed=()) -> dict:
    """{name (or ref): the memory columns of that model's row} (hfcompare.backends.local.memory.columns)."""
    from hfcompare.backends.local import memory

    figures = memory_figures(refs, task, failed)
    return {(names or {}).get(r, str(r)): memory.columns(r, figures.get(str(r))) for r in dict.fromkeys(refs)}
