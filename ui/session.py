"""What the pages hand each other in a session, typed: the last text comparison, retrieval
evaluation and generation run, and the endpoint settings the sidebar collected. Pages store and
read them here, never as loose dicts in `st.session_state`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import streamlit as st

from ui import keys

if TYPE_CHECKING:
    from hfcompare.backends import RemoteSettings
    from hfcompare.embeddings.runs import EmbeddingResult
    from hfcompare.generation.checks import Check, Verdict
    from hfcompare.generation.runs import GenerationResult
    from hfcompare.refs import ModelRef
    from hfcompare.retrieval.evaluation import ModelEvaluation
    from hfcompare.retrieval.labeled import RetrievalDataset


@dataclass(frozen=True)
class TextComparison:
    """The Embeddings page's last comparison: the texts and one result per model."""

    texts: list[str]
    results: list[EmbeddingResult]
    #: what the run ran on, to tell when the inputs on screen changed (`ui.freshness`)
    inputs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluation:
    """The last retrieval evaluation: the labeled data and one evaluation per model."""

    dataset: RetrievalDataset
    results: list[ModelEvaluation]
    inputs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GenerationRun:
    """The Generation page's last run: answers, what was asked, and the checks' verdicts with the
    similarity model and threshold they were judged with."""

    results: list[GenerationResult]
    prompts: list[str]
    refs: list[ModelRef]
    checks: list[Check]
    verdicts: dict[tuple[ModelRef, int], Verdict] = field(default_factory=dict)
    embedder: str = ""
    threshold: float = 0.0
    inputs: dict = field(default_factory=dict)


_SLOTS: dict[type, str] = {TextComparison: keys.EMB_RESULTS, Evaluation: keys.EVAL_RESULTS,
                           GenerationRun: keys.GEN_RESULTS}


def save(result: TextComparison | Evaluation | GenerationRun) -> None:
    """Keep `result` as the session's last result of its kind."""
    st.session_state[_SLOTS[type(result)]] = result


def _read(kind: type) -> Any:
    stored = st.session_state.get(_SLOTS[kind])
    return stored if isinstance(stored, kind) else None


def forget(kind: type) -> None:
    """Drop the session's last result of this kind (a failed run replaces it with its error)."""
    st.session_state.pop(_SLOTS[kind], None)


def text_comparison() -> TextComparison | None:
    """The last text comparison of this session, if any."""
    return _read(TextComparison)


def evaluation() -> Evaluation | None:
    """The last retrieval evaluation of this session, if any."""
    return _read(Evaluation)


def generation_run() -> GenerationRun | None:
    """The last generation run of this session, if any."""
    return _read(GenerationRun)


def endpoint_settings() -> dict[str, RemoteSettings]:
    """The endpoint settings to pass to the library, by backend name (`ui.endpoints.endpoint_settings`)."""
    from ui.endpoints import endpoint_settings as current

    return current()
