"""What the pages hand each other in a session, typed: the last text comparison, retrieval
evaluation and generation run, the endpoint settings the sidebar collected, and the inboxes by which
one page asks another for something (models to pick, a run, a measurement's inputs, a memory budget).
Pages store and read them here, never as loose values in `st.session_state`, and no page reads
another page's widget keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Iterable
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


def pairs_run() -> Any:
    """The Embeddings page's last run on labeled pairs (`ui.pairs_mode.PairsRun`), if any."""
    return st.session_state.get(keys.PAIRS_RESULTS)


def endpoint_settings() -> dict[str, RemoteSettings]:
    """The endpoint settings to pass to the library, by backend name (`ui.endpoints.endpoint_settings`)."""
    from ui.endpoints import endpoint_settings as current

    return current()


# --- inboxes: one page asks, another takes ---------------------------------------------------


def add_pending_models(task: str, refs: Iterable[str]) -> None:
    """Ask the comparison page of `task` to add these models to its picker (kept until it is drawn)."""
    pending = st.session_state.setdefault(keys.scoped(keys.PENDING_MODELS, task), [])
    pending.extend(ref for ref in map(str, refs) if ref not in pending)


def take_pending_models(task: str) -> list[str]:
    """The models other pages asked `task`'s picker to add; the inbox is empty afterwards."""
    return list(st.session_state.pop(keys.scoped(keys.PENDING_MODELS, task), []))


def request_generation_run(refs: Iterable[str]) -> None:
    """Ask the Generation page to run these models as soon as it is drawn (the Scorecard's "measure
    now"; the page loads the sample prompts when it has none)."""
    st.session_state[keys.scoped(keys.PENDING_MODELS, "generation")] = list(dict.fromkeys(map(str, refs)))
    st.session_state[keys.GEN_RUN_REQUESTED] = True


def take_generation_run_request() -> bool:
    """True once after `request_generation_run`."""
    return bool(st.session_state.pop(keys.GEN_RUN_REQUESTED, False))


@dataclass(frozen=True)
class MemoryBudget:
    """The memory budget set on the Discover page (None: no budget) and whether to hide what is over it."""

    mb: float | None
    fits_only: bool = False


def publish_memory_budget(budget: MemoryBudget) -> None:
    st.session_state[keys.MEMORY_BUDGET] = budget


def memory_budget() -> MemoryBudget | None:
    """The budget the Discover page published this session; None when it was never drawn."""
    found = st.session_state.get(keys.MEMORY_BUDGET)
    return found if isinstance(found, MemoryBudget) else None


@dataclass(frozen=True)
class EmbeddingsInputs:
    """The Embeddings page's inputs as last drawn (texts, one per line; a test suite and its
    distractors), which the Scorecard's "measure now" runs on."""

    texts: str = ""
    suite: str = ""
    distractors: str = ""


def publish_embeddings_inputs(inputs: EmbeddingsInputs) -> None:
    st.session_state[keys.EMBEDDINGS_INPUTS] = inputs


def embeddings_inputs() -> EmbeddingsInputs:
    """What the Embeddings page last held (empty when it was never drawn)."""
    found = st.session_state.get(keys.EMBEDDINGS_INPUTS)
    return found if isinstance(found, EmbeddingsInputs) else EmbeddingsInputs()


@dataclass(frozen=True)
class LinkMeasurements:
    """Measurements a shared scorecard brought along: {model: {metric: Measurement json}}, for one task."""

    task: str
    by_model: dict = field(default_factory=dict)


def keep_link_measurements(found: LinkMeasurements) -> None:
    st.session_state[keys.scoped(keys.SC_LINK_MEASURED, found.task)] = found


def link_measurements(task: str) -> LinkMeasurements:
    """The measurements a shared scorecard of `task` brought (none when no link did)."""
    found = st.session_state.get(keys.scoped(keys.SC_LINK_MEASURED, task))
    return found if isinstance(found, LinkMeasurements) else LinkMeasurements(task)
