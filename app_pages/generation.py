"""Generation page: prompts and checks, models side by side as they stream, speed and pass rates."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from hfcompare.backends import GenerationParams, available_models
from hfcompare.generation.checks import MAX_PROMPTS, MIN_RELIABLE_PROMPTS, REFERENCE_THRESHOLD, prompts_and_checks
from hfcompare.generation.runs import compare_generations, params_with_overrides
from hfcompare.refs import ModelRef, SpecError, display_names, validate_models
from hfcompare.samples import load_sample
from hfcompare.storage.sharing import Field, models_field, run_field, text_field
from ui import keys, prose, session
from ui.freshness import results_for
from ui.resources import embedding_cache, generation_cache
from ui.share import (
    ask_before_computing,
    cache_note,
    cancel_ask,
    link_models,
    open_page,
    render_share,
    show_cache_note,
    write_link,
)
from ui.state import remember, renew, restore, set_widget, value, widget_key
from ui.text import literal, safe_markdown
from ui.widgets import CHART_WIDTH, chart, chart_row, columns_first, pinned_model, render_model_picker

GENERATION_INTRO = (
    "Pick two or more models, enter your prompts (or load the invoice-chatbot sample), and read the answers "
    "side by side as they stream in, with latency, time to first token and tokens per second. Add checks per "
    "prompt (keywords, a regex, a maximum length, a reference answer) to get pass rates."
)
PROMPTS_HELP = (
    "One row per prompt. Checks are optional: **keywords** (comma-separated, all must appear as whole words or numbers), **regex** "
    "(must match somewhere), **max chars**, and a **reference** answer compared by meaning with the embedding "
    "model chosen below."
)
GEN_EMPTY_STATE = "Add prompts and press **Run**, or **Load sample** for the invoice-chatbot scenario."
OVERRIDES_HELP = "Leave a cell empty to use the shared value above."
ALLOW_CACHE_HELP = (
    "Answers sampled with temperature > 0 and no seed differ on every run, so they are normally generated afresh. "
    "Tick to reuse earlier ones anyway."
)
GEN_SPEED_MIXED = "Speeds on servers come from their hardware, so they are not comparable with local ones."
GEN_THRESHOLD_LABEL = "Reference similarity needed"
GEN_THRESHOLD_HELP = (
    "A reference check passes when the cosine similarity between the answer and the reference answer, by the "
    "embedding model at the left, reaches this value. On the sample with all-MiniLM-L6-v2, correct paraphrases "
    "score 0.78-0.99 and on-topic wrong answers 0.49-0.68; other embedding models score higher or lower, so "
    "set it per model. Changing it re-checks the answers without running the models again."
)
GEN_CHECK_RULES = {
    "all checks": "every check of the prompt passes",
    "keywords": "every listed keyword appears as a whole word or number (any case; 30 is not in 14/30/2023)",
    "regex": "the pattern matches somewhere (any case)",
    "max length": "the answer is at most 'max chars' long",
    "reference": "similarity to the reference answer ≥ {threshold:.2f} ({embedder})",
}
GEN_CHECKS_CAPTION = (
    "Answers that passed each check, out of the answers it ran on, with the 95% Wilson interval: the range the "
    "model's true pass rate probably lies in. Checks only test what the prompts' rows spell out: an answer can "
    "contain the keyword and resemble the reference yet be wrong."
)
GEN_FEW_PROMPTS = (
    "These pass rates rest on {n} prompt(s) per model, fewer than the about {minimum} a pass rate needs: the "
    "intervals are wide ({example}), so differences between models here may be chance. Add prompts before "
    "choosing by pass rate."
)
GEN_ARENA_POINTER = (
    "Checks test only what the prompts' rows spell out; they cannot judge whether an answer actually helps. For "
    "a human judgement, compare the models blind in the **Arena**: two anonymous answers to the same prompt, "
    "your vote, then the names."
)
GEN_SPEED_UNKNOWN = "tok/s unknown ({reason})"
GEN_RETRIED = "{retries} retr{ies}, waited {waited:.1f}s before this answer (not in its times)"
GEN_FAILED_AS_ABOVE = "⚠️ No answer: the model failed with the error shown above the summary."
GEN_MODELS_HELP = (
    "Bundled models run offline on llama.cpp. Type `openai:<model>` for a model on an OpenAI-compatible server, "
    "`hf:<model-id>` for Inference Providers or a TGI endpoint (set them up under Endpoints in the sidebar), or a "
    "Hub id to run it with transformers when the Hub is reachable."
)
SHARED_UNSEEDED = "Sampled answers without a seed are not reused from the cache; set a seed to make them repeatable."
GEN_SUMMARY_DOWNLOAD_HELP = ("One row per model as shown: speed, pass rate, measured memory and cost per 1,000 "
                             "requests with its arithmetic and the price's source.")

PROMPT_COLUMNS = ["prompt", "keywords", "regex", "max chars", "reference"]
NO_EMBEDDER = "(no reference checks)"


def _empty_prompts() -> pd.DataFrame:
    return pd.DataFrame([{c: ("" if c != "max chars" else None) for c in PROMPT_COLUMNS}])


def _load_sample() -> None:
    sample = load_sample("invoice_chatbot_prompts")
    rows = [{"prompt": p["prompt"], "keywords": p["keywords"], "regex": p["regex"],
             "max chars": p["max_chars"], "reference": p["reference"]} for p in sample["prompts"]]
    _start_prompts_from(pd.DataFrame(rows, columns=PROMPT_COLUMNS))
    set_widget(keys.GEN_SYSTEM, sample["system"])


def _start_prompts_from(table: pd.DataFrame) -> str:
    """Make `table` the prompts table, in a fresh editor (whatever edits the browser still sends for
    the old one are ignored); returns the editor's key."""
    st.session_state[keys.GEN_PROMPTS] = table
    st.session_state.pop(keys.GEN_PROMPTS_EDITED, None)
    return renew(keys.GEN_EDITOR)


def render_prompts() -> pd.DataFrame:
    editor = widget_key(keys.GEN_EDITOR)
    left_as = st.session_state.get(keys.GEN_PROMPTS_EDITED)
    if editor not in st.session_state and left_as is not None:
        # back from another page: Streamlit dropped the editor's edits, so start from the table as it was left
        editor = _start_prompts_from(left_as)
    base = st.session_state.get(keys.GEN_PROMPTS)
    edited = st.data_editor(
        base if base is not None else _empty_prompts(),
        key=editor,
        num_rows="dynamic",
        hide_index=True,
        column_config={
            "prompt": st.column_config.TextColumn("prompt", width="medium", required=True),
            "keywords": st.column_config.TextColumn("keywords", help="Comma-separated; each must appear as a whole "
                                                    "word or number (30 is not in 14/30/2023)."),
            "regex": st.column_config.TextColumn("regex", help="Must match somewhere (case-insensitive)."),
            "max chars": st.column_config.NumberColumn("max chars", min_value=1, step=1),
            "reference": st.column_config.TextColumn("reference", width="medium",
                                                     help="A good answer; compared by meaning."),
        },
    )
    st.caption(PROMPTS_HELP)
    st.session_state[keys.GEN_PROMPTS_EDITED] = edited
    return edited


def render_parameters(models: list[str]) -> tuple[str, GenerationParams, pd.DataFrame | None, bool, str, float]:
    restore(keys.GEN_SYSTEM)
    st.text_area("System prompt", key=widget_key(keys.GEN_SYSTEM), height=70,
                 placeholder="You are a helpful support assistant.")
    remember(keys.GEN_SYSTEM)
    a, b, c, d = st.columns(4)
    # defaults through session state, so a share link can set them without Streamlit's
    # "default value and Session State" warning
    remembered = ((keys.GEN_MAX_TOKENS, 128), (keys.GEN_TEMPERATURE, 0.0), (keys.GEN_TOP_P, 1.0), (keys.GEN_SEED, None))
    for key, default in remembered:
        restore(key, default)
    max_tokens = a.number_input("Max new tokens", min_value=1, max_value=4096, step=1,
                                key=widget_key(keys.GEN_MAX_TOKENS))
    temperature = b.number_input("Temperature", min_value=0.0, max_value=2.0, step=0.1,
                                 key=widget_key(keys.GEN_TEMPERATURE),
                                 help="0 always picks the likeliest token: answers repeat and can be cached.")
    top_p = c.number_input("Top-p", min_value=0.01, max_value=1.0, step=0.05, key=widget_key(keys.GEN_TOP_P))
    seed = d.number_input("Seed", min_value=0, max_value=2**31 - 1, value=None, step=1, key=widget_key(keys.GEN_SEED),
                          placeholder="none",
                          help="Makes sampled answers repeatable where the backend supports it.")
    for key, _ in remembered:
        remember(key)
    shared = GenerationParams(int(max_tokens), float(temperature), float(top_p), None if seed is None else int(seed))
    overrides = None
    with st.expander("Per-model overrides"):
        st.caption(OVERRIDES_HELP)
        if models:
            given = st.session_state.get(keys.GEN_LINK_OVERRIDES) or {}   # a share link's per-model values
            blank = pd.DataFrame({"model": models, **{column: [given.get(m, {}).get(column) for m in models]
                                                      for column in OVERRIDE_LIMITS}})
            blank = blank.astype({"max tokens": "Int64", "temperature": "Float64", "top-p": "Float64", "seed": "Int64"})
            overrides = st.data_editor(blank, key=keys.scoped(keys.GEN_OVERRIDES, '|'.join(models)), hide_index=True,
                                       disabled=["model"])
        allow = st.checkbox("Reuse cached sampled answers", key=keys.GEN_ALLOW_CACHE, help=ALLOW_CACHE_HELP)
    embedders = [NO_EMBEDDER] + [m.ref for m in available_models("embeddings")]
    default = next((i for i, ref in enumerate(embedders) if ref.startswith("local:")), 0)
    pick, needed = st.columns([3, 1])
    restore(keys.GEN_EMBEDDER, embedders[default])
    if value(keys.GEN_EMBEDDER) not in embedders:   # a link's model that this server does not offer
        set_widget(keys.GEN_EMBEDDER, embedders[default])
    embedder = pick.selectbox("Embedding model for reference checks", embedders, key=widget_key(keys.GEN_EMBEDDER))
    remember(keys.GEN_EMBEDDER)
    restore(keys.GEN_THRESHOLD, REFERENCE_THRESHOLD)
    threshold = needed.number_input(GEN_THRESHOLD_LABEL, min_value=0.0, max_value=1.0, step=0.05,
                                    format="%.2f", key=widget_key(keys.GEN_THRESHOLD), help=GEN_THRESHOLD_HELP,
                                    disabled=embedder == NO_EMBEDDER)
    remember(keys.GEN_THRESHOLD)
    return st.session_state.get(keys.GEN_SYSTEM, ""), shared, overrides, allow, embedder, float(threshold)


def parse_inputs(chosen: list[str], table: pd.DataFrame, shared: GenerationParams, overrides: pd.DataFrame | None,
                 threshold: float = REFERENCE_THRESHOLD):
    """Validated (refs, prompts, checks, params per ref); raises SpecError naming the row at fault."""
    refs = validate_models([ModelRef.parse(choice) for choice in chosen])
    prompts, checks = prompts_and_checks(table.to_dict("records"), threshold)
    params = {ref: shared for ref in refs}
    for row in [] if overrides is None else overrides.to_dict("records"):
        params[ModelRef.parse(row["model"])] = params_with_overrides(shared, row)
    return refs, prompts, checks, params


#: The per-model overrides a link may set, with their ranges (those of the shared parameters).
OVERRIDE_LIMITS = {"max tokens": (int, 1, 4096), "temperature": (float, 0.0, 2.0), "top-p": (float, 0.01, 1.0),
                   "seed": (int, 0, 2**31 - 1)}


def _link_overrides(raw) -> tuple[dict, list[str]]:
    """A link's per-model overrides, {model: {column: value}}, checked; and the parts refused."""
    from hfcompare.decide.scoring import finite_number

    if not isinstance(raw, dict):
        return {}, ["overrides"]
    kept, wrong = {}, []
    for model, values in list(raw.items())[:models_field().max_items]:
        if not isinstance(model, str) or not isinstance(values, dict):
            wrong.append(str(model)[:40])
            continue
        for column, number in values.items():
            kind, low, high = OVERRIDE_LIMITS.get(column, (None, 0, 0))
            if kind is None or not finite_number(number) or not low <= number <= high or (kind is int and number != int(number)):
                wrong.append(f"{str(model)[:40]} {str(column)[:20]}")
                continue
            kept.setdefault(model, {})[column] = kind(number)
    return kept, wrong


def _set_overrides(frame: pd.DataFrame | None) -> dict:
    """The overrides set in the table, {model: {column: value}} (blank cells left out), for the link."""
    return {row["model"]: {c: OVERRIDE_LIMITS[c][0](v) for c, v in row.items() if c in OVERRIDE_LIMITS and v is not None}
            for row in _records(frame) if any(v is not None for c, v in row.items() if c in OVERRIDE_LIMITS)}


def _records(frame: pd.DataFrame | None) -> list[dict]:
    return [] if frame is None else [{c: (None if pd.isna(v) else v) for c, v in row.items()}
                                     for row in frame.to_dict("records")]


def generation_inputs(chosen: list[str], table: pd.DataFrame, system: str, shared: GenerationParams,
                      overrides: pd.DataFrame | None) -> dict:
    """What a run answers, to tell when the inputs on screen have changed since (the reference
    threshold and model are not in it: a change re-checks the answers without running the models)."""
    rows = [row for row in _records(table) if str(row.get("prompt") or "").strip()]
    return {"models": list(chosen), "prompts": rows, "system": system,
            "parameters": {"max_tokens": shared.max_tokens, "temperature": shared.temperature,
                           "top_p": shared.top_p, "seed": shared.seed, "per model": _records(overrides)}}


GENERATION_INPUTS = {"models": "models", "prompts": "prompts", "system": "system prompt", "parameters": "parameters"}


def _prompt_line(index: int, prompt: str) -> str:
    """A prompt as a bold heading line, shown as typed (prompts come from users and links)."""
    return f"**{index + 1}. {literal(' '.join(str(prompt).split()))}**"


def run_streaming(refs, prompts, params, system, allow_cache) -> list:
    """Run every model in a worker thread and stream the answers into the page (ui/streaming.py)."""
    from ui.streaming import as_markdown, stream_work

    names = display_names(refs)
    holder = st.empty()  # replaced by the finished results when the run ends
    board = holder.container()
    bar = board.progress(0.0, text="Starting…")
    slots = {}
    for index, prompt in enumerate(prompts):
        board.markdown(_prompt_line(index, prompt))
        for column, ref in zip(board.columns(len(refs)), refs):
            column.caption(literal(names[ref]))
            slots[(ref, index)] = column.empty()
    settings = session.endpoint_settings()
    cache = generation_cache()  # resolved here: the worker thread must not call streamlit
    total = len(refs) * len(prompts)

    def work(feed) -> list:
        return compare_generations(prompts, refs, params, system, settings, cache, allow_cache,
                                   on_piece=lambda ref, i, text: feed.piece((ref, i), text),
                                   on_done=lambda result: feed.done((result.ref, result.prompt_index), result))

    finished = stream_work(work, slots, draw=as_markdown,
                           finished=lambda result: result.text if result.ok else f"⚠️ {result.error}",
                           on_progress=lambda done: bar.progress(done / total, text=f"{done} of {total} answers"))
    holder.empty()
    return finished


def verdicts_for(results, checks, embedder: str, threshold: float | None = None) -> dict:
    """Every answer's checks; `threshold`, when given, replaces the reference checks' similarity."""
    from hfcompare.generation.judging import judge, reference_similarity

    similarity = None  # "no reference checks" skips them, it does not fail them
    if embedder != NO_EMBEDDER and any(c.reference for c in checks):
        ref = ModelRef.parse(embedder)
        similarity = reference_similarity(ref, embedding_cache(), session.endpoint_settings().get(ref.backend))
    judgement = judge(results, checks, similarity, threshold)
    if judgement.skipped_references:  # the embedding model failed: skipped rather than failed for every answer
        st.warning(f"{literal(judgement.skipped_references)} Reference checks were skipped.")
    return judgement.verdicts


def render_results(stored: session.GenerationRun) -> None:
    from hfcompare.generation import tables
    from hfcompare.reporting import charts
    results, prompts, refs = stored.results, stored.prompts, stored.refs
    names = display_names(refs)
    table = tables.generation_table(results, stored.verdicts, names)
    from ui.memory import failed_refs, memory_columns
    from ui.cost import cost_column_config, hourly_rate_input, provider_prices
    memory = memory_columns(refs, "generation", names, failed_refs(results))
    summary = tables.add_costs(tables.generation_summary(table, memory), table, provider_prices(refs, names),
                               hourly_rate_input())
    first_errors = {}  # each failing model's first error, said once here; the answers below do not repeat it
    for r in results:
        if not r.ok and r.ref not in first_errors:
            first_errors[r.ref] = r.error
            st.error(f"**{literal(r.ref)}** failed ({r.error_kind}): {literal(r.error)}", icon="⚠️")

    st.subheader("Summary")
    timed = [r for r in results if r.ok and r.timings is not None]
    mixed = len({bool(r.timings.threads) for r in timed}) > 1
    st.caption(tables.how_timed(results) + (" " + GEN_SPEED_MIXED if mixed else ""))
    hidden = [tables.CHECKED, tables.PASS_RATE_LOW, tables.PASS_RATE_HIGH]  # the Checks table shows them
    hidden += [] if (summary[tables.TOKENS_PER_S_NOTE] != "").any() else [tables.TOKENS_PER_S_NOTE]
    hidden += [] if (summary[tables.RETRY_WAITS_S] > 0).any() else [tables.RETRY_WAITS_S]
    hidden += [] if (summary[tables.LOAD_S].fillna(0) >= 0.005).any() else [tables.LOAD_S]
    shown = columns_first(summary.drop(columns=hidden).rename(columns=tables.SUMMARY_LABELS | tables.COST_LABELS),
                          ["model", "answers", "errors", "median latency s", tables.COST_LABELS[tables.COST_PER_1000],
                           "median ttft s", "median tokens/s", "memory MB", "pass rate"])
    st.dataframe(shown, hide_index=True, column_config=pinned_model({
        name: st.column_config.Column(name, help=text)
        for name, text in (prose.GEN_COLUMN_HELP | prose.MEMORY_COLUMN_HELP).items()
    } | {"pass rate": st.column_config.ProgressColumn("pass rate", help=prose.GEN_COLUMN_HELP["pass rate"],
                                                      min_value=0.0, max_value=1.0, format="percent")}
        | cost_column_config(prose.COST_HELP)))
    st.download_button("Download summary (CSV)", shown.to_csv(index=False), "generation_summary.csv", "text/csv",
                       help=GEN_SUMMARY_DOWNLOAD_HELP)
    row = chart_row()
    if (table[tables.ERROR] == "").any():
        chart(lambda: charts.latency_distribution(table), key="gen_latency", where=row, width=CHART_WIDTH)
    if summary[tables.PASS_RATE].notna().any() and summary[tables.MEDIAN_TOKENS_PER_S].notna().any():
        chart(lambda: charts.quality_against_speed(summary), key="gen_quality_speed", where=row, width=CHART_WIDTH)

    st.subheader("Checks")
    render_checks(results, stored.verdicts, names, stored.threshold, stored.embedder)

    st.subheader("Answers side by side")
    by_key = {(r.ref, r.prompt_index): r for r in results}
    for index, prompt in enumerate(prompts):
        st.markdown(_prompt_line(index, prompt))
        for column, ref in zip(st.columns(len(refs)), refs):
            r = by_key.get((ref, index))
            column.caption(literal(names[ref]))
            if r is not None and not r.ok and r.error == first_errors.get(ref):
                column.caption(GEN_FAILED_AS_ABOVE)
                continue
            if r is None or not r.ok:
                column.error(literal(r.error) if r else "no answer", icon="⚠️")
                continue
            column.markdown(safe_markdown(r.text) if (r.text or "").strip() else "*(empty answer)*")
            t = r.timings
            speed = f"{t.tokens_per_s:.1f} tok/s" if t.tokens_per_s else \
                GEN_SPEED_UNKNOWN.format(reason=t.speed_note or "not measured")
            ttft = f"{t.ttft_s:.2f}s" if t.ttft_s is not None else "n/a"
            retried = "" if t.attempts <= 1 else " · " + GEN_RETRIED.format(
                retries=t.attempts - 1, ies="y" if t.attempts == 2 else "ies", waited=t.retry_wait_s)
            loaded = f" · loaded first in {r.load_s:.2f}s (not in these times)" if r.load_s and r.load_s >= 0.005 else ""
            column.caption(f"{t.latency_s:.2f}s · first token {ttft} · {t.output_tokens} tokens · {speed}"
                           + retried + loaded + (" · cached" if r.cached else ""))
            verdict = stored.verdicts.get((ref, index))
            if verdict is not None and verdict.passed is not None:
                marks = " · ".join(f"{'✅' if o.passed else '❌'} {o.name}: {literal(o.detail)}"
                                   for o in verdict.outcomes)
                column.caption(marks)
    labelled = table.rename(columns=tables.ANSWER_LABELS)
    st.download_button("Download answers (CSV)", labelled.to_csv(index=False), "generations.csv", "text/csv")
    st.download_button("Download answers (JSON)", labelled.to_json(orient="records", indent=2), "generations.json",
                       "application/json")


def render_checks(results, verdicts: dict, names: dict, threshold: float, embedder: str) -> None:
    """Pass rates per check with their intervals and rules, a warning when they rest on few prompts,
    and the way to the Arena for a human judgement."""
    from hfcompare.generation import tables
    from hfcompare.generation.checks import ALL_CHECKS

    rates = tables.check_rates_table(results, verdicts, names)
    if rates.empty:
        st.caption("No answer was checked: add keywords, a regex, a maximum length or a reference answer to a "
                   "prompt's row.")
    else:
        rules = dict(GEN_CHECK_RULES)
        rules["reference"] = rules["reference"].format(threshold=threshold, embedder=embedder.rsplit("/", 1)[-1])
        st.dataframe(tables.check_rates_view(rates, rules), hide_index=True)
        st.caption(GEN_CHECKS_CAPTION)
        few = rates[(rates["check"] == ALL_CHECKS) & rates["too_few"]]
        if not few.empty:
            row = few.iloc[0]
            example = f"{row['passed']} of {row['checked']} passing is {row['low']:.0%} to {row['high']:.0%}"
            st.warning(GEN_FEW_PROMPTS.format(n=int(few["checked"].max()), minimum=MIN_RELIABLE_PROMPTS,
                                                    example=example), icon="📏")
    st.info(GEN_ARENA_POINTER, icon="⚔️")
    try:
        st.page_link("app_pages/arena.py", label="Open the Arena", icon="➡️")
    except StreamlitPageNotFoundError:  # the page run alone, outside the app's router, has no Arena to link to
        pass


def link_prompt_rows(raw: list) -> tuple[list[dict], list[str]]:
    """A link's prompt rows with every cell of the type its column holds (text, or a whole number of
    characters); a cell of another type is left empty and named, so the editor never meets it."""
    rows, wrong = [], []
    for number, row in enumerate(raw, start=1):
        if not isinstance(row, dict) or not isinstance(row.get("prompt"), str):
            continue
        clean = {}
        for column in PROMPT_COLUMNS:
            cell = row.get(column)
            if column == "max chars":
                fits = cell is None or (isinstance(cell, (int, float)) and not isinstance(cell, bool)
                                        and math.isfinite(cell) and cell >= 1 and cell == int(cell))
                clean[column] = int(cell) if fits and cell is not None else None
            else:
                fits = cell is None or isinstance(cell, str)
                clean[column] = cell if fits and cell is not None else ""
            if not fits:
                wrong.append(f"row {number}, {column}")
        rows.append(clean)
    return rows, wrong[:5]


#: What this page's share link holds (written by `link_state`).
LINK_FIELDS: dict[str, Field] = {
    "models": models_field(),
    "prompts": Field("json", max_chars=text_field().max_chars),   # the prompts table's rows
    "system": text_field(20_000),
    "max_tokens": Field("int", low=1, high=4096),
    "temperature": Field("float", low=0.0, high=2.0),
    "top_p": Field("float", low=0.01, high=1.0),
    "seed": Field("int", low=0, high=2**31 - 1),
    "threshold": Field("float", low=0.0, high=1.0),   # the similarity a reference check needs
    "embedder": Field("str", max_chars=300),          # the embedding model that judges reference checks
    "overrides": Field("json", max_chars=4_000),      # per-model parameters, {model: {"max tokens": 64, ...}}
    "run": run_field(),
}


def apply_link(link: dict) -> bool:
    """Put a share link's state (LINK_FIELDS) into the widgets; True when its answers should be shown."""
    if "models" in link:
        set_widget(keys.GEN_MODELS, link_models(link["models"], "generation", keys.GEN_MODELS))
    if isinstance(link.get("prompts"), list):
        rows, wrong = link_prompt_rows(link["prompts"][:MAX_PROMPTS])
        if wrong:
            st.warning(f"The link's prompts table has cells of the wrong type ({literal(', '.join(wrong))}); "
                       "they were left empty.", icon="🔗")
        if rows:
            _start_prompts_from(pd.DataFrame(rows, columns=PROMPT_COLUMNS))
    elif "prompts" in link:
        st.warning("The link's prompts are not a table of prompts; the default is used instead.", icon="🔗")
    for field, key in (("system", keys.GEN_SYSTEM), ("max_tokens", keys.GEN_MAX_TOKENS),
                       ("temperature", keys.GEN_TEMPERATURE), ("top_p", keys.GEN_TOP_P), ("seed", keys.GEN_SEED)):
        if field in link:
            set_widget(key, link[field])
    threshold = link.get("threshold")
    if isinstance(threshold, (int, float)) and not isinstance(threshold, bool) and 0 <= threshold <= 1:
        set_widget(keys.GEN_THRESHOLD, float(threshold))
    if "overrides" in link:
        kept, wrong = _link_overrides(link["overrides"])
        st.session_state[keys.GEN_LINK_OVERRIDES] = kept
        if wrong:
            st.warning(f"The link's per-model overrides have values out of range or of the wrong type "
                       f"({literal(', '.join(wrong[:5]))}); those use the shared values.", icon="🔗")
    if "embedder" in link:
        offered = [NO_EMBEDDER] + [m.ref for m in available_models("embeddings")]
        if link["embedder"] in offered:
            set_widget(keys.GEN_EMBEDDER, link["embedder"])
        else:
            st.warning(f"The link judges reference checks with {literal(repr(link['embedder'][:80]))}, which this "
                       "server does not offer; its default model judges them, so pass rates may differ.", icon="🔗")
    return bool(link.get("run"))


def new_answers(chosen, prompt_table, shared, overrides, threshold, system, allow_cache) -> int:
    """How many answers a run of these inputs would generate (not in the cache, or not cacheable:
    sampled without a seed). Invalid inputs count 0: running them only shows their error."""
    from hfcompare.backends import get_backend
    from hfcompare.generation.runs import build_messages, cacheable, generation_key

    try:
        refs, prompts, _, params = parse_inputs(chosen, prompt_table, shared, overrides, threshold)
    except SpecError:
        return 0
    settings = session.endpoint_settings()
    cache, new = generation_cache(), 0
    for ref in refs:
        try:
            backend = get_backend(ref.backend, settings.get(ref.backend))
            fingerprint = backend.fingerprint(ref.model)
        except Exception:  # noqa: BLE001, S112 - a backend that cannot say its key fails without loading
            continue
        for prompt in prompts:
            key = generation_key(ref, fingerprint, build_messages(prompt, system), params[ref])
            new += not cacheable(params[ref], allow_cache) or cache.get(key) is None
    return new


def link_state(chosen: list[str], prompt_table: pd.DataFrame, system: str, shared: GenerationParams,
               threshold: float = REFERENCE_THRESHOLD, embedder: str = "", overrides: pd.DataFrame | None = None) -> dict:
    rows = [{c: (None if pd.isna(v) else v) for c, v in row.items()}
            for row in prompt_table.to_dict("records") if str(row.get("prompt") or "").strip()]
    return {"models": chosen, "prompts": rows, "system": system, "max_tokens": shared.max_tokens,
            "temperature": shared.temperature, "top_p": shared.top_p, "seed": shared.seed, "threshold": threshold,
            "embedder": embedder, "overrides": _set_overrides(overrides), "run": session.generation_run() is not None}


def render() -> None:
    """Generation: prompts and checks in, answers side by side out, with speed and pass rates."""
    share_slot, auto_run = open_page("generation", prose.GENERATION_TITLE, GENERATION_INTRO, apply_link,
                                     LINK_FIELDS)
    requested = session.take_generation_run_request()  # by the Scorecard's "measure now"
    if requested and st.session_state.get(keys.GEN_PROMPTS) is None \
            and not (st.session_state.get(widget_key(keys.GEN_EDITOR)) or {}).get("added_rows"):
        _load_sample()
    chosen = render_model_picker("generation", keys.GEN_MODELS, GEN_MODELS_HELP,
                                 "Pick models, or type backend:model and press Enter")
    prompt_table = render_prompts()
    system, shared, overrides, allow_cache, embedder, threshold = render_parameters(chosen)
    left = right = st.container(horizontal=True)  # buttons keep their labels and wrap on a narrow screen
    left.button("Load sample", on_click=_load_sample, key="gen_load_sample",
                help=load_sample("invoice_chatbot_prompts")["description"])
    clicked = right.button("Run", type="primary", key="gen_run") or requested
    if clicked:
        cancel_ask("generation")
    else:
        auto_run = ask_before_computing("generation", auto_run,
                                        lambda: new_answers(chosen, prompt_table, shared, overrides, threshold, system,
                                                            allow_cache))
    run_pressed = clicked or auto_run
    if run_pressed:
        try:
            refs, prompts, checks, params = parse_inputs(chosen, prompt_table, shared, overrides, threshold)
        except SpecError as exc:
            session.forget(session.GenerationRun)  # the error replaces the results of the run before
            st.error(literal(exc))
        else:
            results = run_streaming(refs, prompts, params, system, allow_cache)
            with st.spinner("Checking answers…"):
                verdicts = verdicts_for(results, checks, embedder)
            session.save(session.GenerationRun(results, prompts, refs, checks, verdicts, embedder, threshold,
                                               generation_inputs(chosen, prompt_table, system, shared, overrides)))
            if auto_run:
                answered = [r for r in results if r.ok]
                cached = sum(r.cached for r in answered)
                if answered:
                    show_cache_note(cache_note(cached, len(answered),
                                               "" if cached == len(answered) else " " + SHARED_UNSEEDED))
    stored = session.generation_run()
    if stored and (stored.embedder, stored.threshold) != (embedder, threshold):
        with st.spinner("Checking the answers again…"):  # a new threshold or model: no need to run the models again
            stored = replace(stored, verdicts=verdicts_for(stored.results, stored.checks, embedder, threshold),
                             embedder=embedder, threshold=threshold)
            session.save(stored)
    if stored:
        with results_for(stored.inputs, generation_inputs(chosen, prompt_table, system, shared, overrides),
                         GENERATION_INPUTS, "gen_results"):
            render_results(stored)
    elif not run_pressed:
        st.info(GEN_EMPTY_STATE)
    with share_slot:
        render_share(write_link("generation", link_state(chosen, prompt_table, system, shared, threshold, embedder, overrides),
                                LINK_FIELDS))


if __name__ == "__main__":  # Streamlit runs a page file as __main__; tests import it
    render()
