"""Measured memory for the pages: measured once per model version in a fresh process (a few seconds
the first time, with a spinner), then read from disk."""

from __future__ import annotations

import streamlit as st


def memory_figures(refs, task: str) -> dict:
    """{ref: MemoryFigure or None}, measuring what is missing (hfcompare.backends.local.memory)."""
    from hfcompare.backends.local import memory

    refs = [str(r) for r in dict.fromkeys(refs)]
    missing = [r for r in refs if memory.pending(r, task)]
    if missing:
        with st.spinner(f"Measuring the memory of {len(missing)} model(s) in a fresh process (once per model)…"):
            return memory.measure_many(refs, task)
    return {r: memory.remembered(r, task) for r in refs}


def memory_columns(refs, task: str, names: dict | None = None) -> dict:
    """{name (or ref): the memory columns of that model's row} (hfcompare.backends.local.memory.columns)."""
    from hfcompare.backends.local import memory

    figures = memory_figures(refs, task)
    return {(names or {}).get(r, str(r)): memory.columns(r, figures.get(str(r))) for r in dict.fromkeys(refs)}
