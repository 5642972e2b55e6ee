"""The evaluation mode's per-model query and document prompts: each field starts with the model's
own prompt (its configuration, else the catalog's); what the user changes becomes an override."""

from __future__ import annotations

from typing import Any

import streamlit as st

from hfcompare.backends.prompts import FROM_USER, MAX_PROMPT_CHARS, ROLES, PromptOverride, Prompts
from hfcompare.embeddings.prompts import prompts_for
from hfcompare.refs import ModelRef, SpecError, display_names
from ui import keys, session
from ui.state import GENERATION_SUFFIX, remember, restore, set_widget, value, widget_key

EVAL_PROMPTS_LABEL = "Query and document prompts"
EVAL_PROMPTS_HELP = (
    "Some models expect a text before each query or document: e5 'query: ' and 'passage: ', bge, arctic-embed "
    "and mxbai a query instruction, nomic 'search_query: ' and 'search_document: '. Without it their retrieval "
    "quality is understated. Each field starts with the model's own prompt (from its configuration, else from "
    "the catalog, which quotes the source); edit it to try another, or empty it for none."
)
EVAL_PROMPTS_RESET = "Use each model's own prompts"


def prompt_key(ref: ModelRef | str, role: str) -> str:
    """The session key of one model's prompt field for `role`."""
    return f"{keys.EVAL_PROMPT_PREFIX}{role}|{ref}"


def automatic_prompts(ref: ModelRef) -> Prompts:
    """The prompts `ref` runs with unless the user changes them, read without loading any model."""
    settings = session.endpoint_settings().get(ref.backend)
    return prompts_for(ref, settings=settings, load=False)


def _refs(chosen: list[str]) -> list[ModelRef]:
    refs = []
    for choice in chosen:
        try:
            refs.append(ModelRef.parse(choice))
        except SpecError:
            continue  # the run reports it
    return list(dict.fromkeys(refs))


def _reset(refs: list[ModelRef]) -> None:
    for ref in refs:
        auto = automatic_prompts(ref)
        for role in ROLES:
            set_widget(prompt_key(ref, role), auto.for_role(role))


def clear_prompt_fields() -> None:
    """Forget every prompt field, so each starts again from its model's own prompt."""
    for key in [k for k in st.session_state if str(k).startswith(keys.EVAL_PROMPT_PREFIX)]:
        if not str(key).endswith(GENERATION_SUFFIX):  # identities are never reused
            del st.session_state[key]


def apply_prompt_link(prompts: dict[str, Any]) -> None:
    """Put a share link's prompt overrides into the fields (the other fields start from automatic)."""
    clear_prompt_fields()
    for raw_ref, roles in prompts.items():
        try:
            ref = ModelRef.parse(raw_ref)
        except SpecError:
            continue
        for role, text in roles.items():
            set_widget(prompt_key(ref, role), text)


def render_prompt_editor(chosen: list[str]) -> dict[str, PromptOverride]:
    """One row per chosen model: its query and document prompt fields and where each comes from.
    Returns the overrides (fields that differ from the model's own prompts), by `backend:model`."""
    refs = _refs(chosen)
    overrides: dict[str, PromptOverride] = {}
    autos = {ref: automatic_prompts(ref) for ref in refs}
    for ref in refs:  # the fields' values, before drawing them, to say in the label how many are changed
        for role in ROLES:
            restore(prompt_key(ref, role), autos[ref].for_role(role))
    changed = sum(1 for ref in refs for role in ROLES
                  if value(prompt_key(ref, role)) != autos[ref].for_role(role))
    label = EVAL_PROMPTS_LABEL + (f" · {changed} changed" if changed else "")
    with st.expander(label, expanded=bool(changed)):
        st.caption(EVAL_PROMPTS_HELP)
        if not refs:
            st.caption("Choose models to see their prompts.")
            return overrides
        names = display_names(refs)
        widths = [3, 4, 4, 2]
        for column, title in zip(st.columns(widths), ("Model", "Query prompt", "Document prompt", "From")):
            column.caption(title)
        for ref in refs:
            auto = autos[ref]
            columns = st.columns(widths, vertical_alignment="center")
            columns[0].text(names[ref])  # plain text: a typed model id is never Markdown
            values = {}
            for column, role in zip(columns[1:3], ROLES):
                key = prompt_key(ref, role)
                column.text_input(f"{role.capitalize()} prompt", key=widget_key(key), max_chars=MAX_PROMPT_CHARS,
                                  label_visibility="collapsed", placeholder="none")
                remember(key)
                values[role] = st.session_state.get(key) or ""
            override = PromptOverride(**{role: text for role, text in values.items() if text != auto.for_role(role)})
            shown = Prompts(values["query"], values["document"],
                            *(FROM_USER if override.for_role(role) is not None else auto.source(role) for role in ROLES))
            columns[3].caption(shown.origin)
            if override:
                overrides[str(ref)] = override
        st.button(EVAL_PROMPTS_RESET, on_click=_reset, args=(refs,), disabled=not changed)
    return overrides
