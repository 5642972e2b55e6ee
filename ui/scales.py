"""The Scorecard's value scales (the anchors each criterion is read between) and must-haves (hard
limits that exclude a candidate before weights count)."""

from __future__ import annotations

import streamlit as st

from hfcompare.decide.scorecard import criterion_for, specs_for
from hfcompare.decide.scoring import Limit, ScoringError, ValueScale, finite_number
from ui import keys
from ui.text import literal

SC_SCALES_CAPTION = (
    "Value scales: the raw value that counts as worst (0) and as best (1) for each criterion, in its own unit. "
    "The defaults: nDCG and pass rates on 0–1, published averages on 0–100; 1 s per text is worthless and 1 ms as "
    "good as it gets; 10 M parameters is tiny, 10 B (embeddings) or 100 B (generation) more than one machine holds."
)
SC_WORST_HELP = "The raw value that scores 0 on this criterion: your budget, or the bottom of the metric's range."
SC_BEST_HELP = "The raw value that scores 1: anything better counts the same."
SC_MUST_HAVE_HELP = (
    "A hard limit in {unit} (0: none). A candidate beyond it, or whose value is unknown, is excluded with the "
    "reason, whatever its score."
)

#: The must-haves a task offers: (criterion key, "at_most" or "at_least", label, unit shown, factor from
#: the unit shown to the criterion's unit).
MUST_HAVES: dict[str, list[tuple[str, str, str, str, float]]] = {
    "embeddings": [("speed", "at_most", "At most ms per text", "ms/text", 1.0),
                   ("size", "at_most", "At most million parameters", "M parameters", 1e6)],
    "generation": [("latency", "at_most", "At most seconds per answer", "s", 1.0),
                   ("speed", "at_least", "At least tokens per second", "tokens/s", 1.0),
                   ("size", "at_most", "At most billion parameters", "B parameters", 1e9)],
}


def scales_key(task: str) -> str:
    return keys.scoped(keys.SC_SCALES, task)


def limits_key(task: str) -> str:
    return keys.scoped(keys.SC_LIMITS, task)


def anchors(task: str) -> dict[str, dict[str, float]]:
    """The anchors a person set for this task's criteria ({key: {"worst": w, "best": b}})."""
    return dict(st.session_state.get(scales_key(task)) or {})


def checked_anchors(raw, task: str | None = None) -> dict[str, dict[str, float]]:
    """A link's or an editor's anchors, keeping only well-formed ones ({key: {"worst", "best"}}). With
    `task`, also only pairs that make a scale for that criterion (two different anchors, both above 0 on
    a log reading), which the page would otherwise fail on."""
    out = {}
    specs = specs_for(task) if task else {}
    if isinstance(raw, dict):
        for key, pair in list(raw.items())[:20]:
            if isinstance(key, str) and isinstance(pair, dict) and all(finite_number(pair.get(end))
                                                                         for end in ("worst", "best")):
                worst, best = float(pair["worst"]), float(pair["best"])
                spec = specs.get(key)
                readings = {spec.criterion.value_scale().log, *(scale.log for _, scale in spec.scales)} if spec else ()
                try:
                    for log in readings:
                        ValueScale(worst, best, log)
                except ScoringError:
                    continue
                out[key] = {"worst": worst, "best": best}
    return out


def checked_limits(raw) -> dict[str, float]:
    """A link's must-haves ({key or "multilingual": value}), keeping only well-formed ones."""
    out = {}
    if isinstance(raw, dict):
        for key, limit in list(raw.items())[:10]:
            if isinstance(key, str) and finite_number(limit) and limit >= 0:
                out[key] = float(limit)
    return out


def render_scales(task: str, weights: dict[str, float], sources: dict[str, str]) -> dict[str, dict[str, float]]:
    """An editor of the anchors of the chosen criteria (yes/no criteria have none to set); returns
    the anchors in force. A pair that cannot be a scale is refused with the reason."""
    import pandas as pd

    rows = []
    for key in weights:
        criterion = criterion_for(task, key, 1.0, sources[key], anchors(task).get(key))
        if criterion.binary:
            continue
        scale = criterion.value_scale()
        rows.append({"criterion": criterion.label, "0 (worst) at": scale.worst, "1 (best) at": scale.best,
                     "unit": criterion.unit or "-", "reading": "log10" if scale.log else "linear", "key": key})
    if not rows:
        return anchors(task)
    st.caption(SC_SCALES_CAPTION)
    edited = st.data_editor(pd.DataFrame(rows), hide_index=True, key=keys.scoped(scales_key(task), "editor"),
                            disabled=["criterion", "unit", "reading", "key"], column_order=[
                                "criterion", "0 (worst) at", "1 (best) at", "unit", "reading"],
                            column_config={
                                "0 (worst) at": st.column_config.NumberColumn(help=SC_WORST_HELP, format="compact"),
                                "1 (best) at": st.column_config.NumberColumn(help=SC_BEST_HELP, format="compact")})
    chosen = anchors(task)
    for row in edited.to_dict("records"):
        key, worst, best = row["key"], row["0 (worst) at"], row["1 (best) at"]
        default = specs_for(task)[key].scale_for(sources[key])
        try:
            scale = ValueScale(float(worst), float(best), default.log)
        except (ScoringError, TypeError, ValueError) as exc:
            st.warning(literal(f"{row['criterion']}: {exc} The default scale is used."), icon="📏")
            chosen.pop(key, None)
            continue
        if (scale.worst, scale.best) == (default.worst, default.best):
            chosen.pop(key, None)
        else:
            chosen[key] = {"worst": scale.worst, "best": scale.best}
    st.session_state[scales_key(task)] = chosen
    return chosen


def render_must_haves(task: str) -> tuple[list[Limit], dict[str, float]]:
    """Hard limits: a number per limit (0: none) and "must be multilingual"; returns the limits in the
    criteria's own units, and what the person set (for the link)."""
    saved = dict(st.session_state.get(limits_key(task)) or {})
    set_now: dict[str, float] = {}
    columns = st.columns(len(MUST_HAVES[task]) + 1)
    for column, (key, side, label, unit, factor) in zip(columns, MUST_HAVES[task]):
        shown = column.number_input(label, min_value=0.0, value=float(saved.get(key, 0.0)), step=1.0,
                                    key=keys.scoped(limits_key(task), key), help=SC_MUST_HAVE_HELP.format(unit=unit))
        if shown > 0:
            set_now[key] = float(shown)
    multilingual = columns[-1].checkbox("Must be multilingual", value=bool(saved.get("multilingual")),
                                        key=keys.scoped(limits_key(task), "multilingual"))
    if multilingual:
        set_now["multilingual"] = 1.0
    st.session_state[limits_key(task)] = set_now
    return limits_from(task, set_now), set_now


def limits_from(task: str, set_now: dict[str, float]) -> list[Limit]:
    """The Limit objects for what a person set (numbers in the units the page shows)."""
    found = []
    for key, side, _label, _unit, factor in MUST_HAVES[task]:
        if key in set_now:
            found.append(Limit(key, **{side: set_now[key] * factor}))
    if set_now.get("multilingual"):
        found.append(Limit("multilingual", at_least=1.0))
    return found
