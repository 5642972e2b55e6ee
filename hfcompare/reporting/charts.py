"""Plotly figure builders: data in, Figure out; nothing here draws widgets."""

from __future__ import annotations

import html
import math

import numpy as np

from hfcompare.embeddings.similarity import upper_triangle

_MAX_TICK_LABELS = 40


def escaped(names) -> list[str]:
    """Names (of models, from users and links) as plotly shows them: escaped, since plotly reads
    some HTML (<a>, <b>, <br>) in titles, tick labels, legends and text."""
    return [html.escape(str(name)) for name in names]


def _escape_column(frame, column: str):
    return frame.assign(**{column: escaped(frame[column])})


def panel_title(name: str, width: int = 26) -> str:
    """A panel's title as plotly shows it: escaped (plotly reads some HTML in titles, and a model
    name comes from a user or a link) and wrapped onto lines of about `width` characters, so titles
    of side-by-side panels never run into each other on a narrow screen."""
    import textwrap

    lines = textwrap.wrap(name, width=width, break_long_words=False, break_on_hyphens=True) or [""]
    return "<br>".join(html.escape(line) for line in lines[:3])


def shared_color_range(matrices: list[np.ndarray]) -> tuple[float, float]:
    """One colour range for every heatmap: from the lowest off-diagonal similarity (at most 0) to 1."""
    lows = [float(upper_triangle(m).min()) for m in matrices if m.shape[0] > 1]
    return (min([0.0, *lows]), 1.0)


def hover_labels(texts: list[str], prefix: str = "") -> list[str]:
    """One category label per text for a heatmap axis: its number and a short preview, escaped
    ("12: How do I create an invoice?"). A hover reads the labels of its row and column, so each text
    travels once per axis instead of once per cell; the number keeps labels unique (plotly merges
    equal categories)."""
    from hfcompare.embeddings.tables import text_label

    return [prefix + html.escape(text_label(i, t)) for i, t in enumerate(texts)]


def _category_axis(labels: list[str], ticks: list[str] | None) -> dict:
    """A categorical axis over `labels` showing `ticks` (short names) at them, or no ticks."""
    return dict(type="category", tickmode="array", tickvals=labels if ticks else [], ticktext=ticks or [],
                showticklabels=bool(ticks), showgrid=False)


def similarity_heatmaps(matrices: dict[str, np.ndarray], texts: list[str], columns: int = 3):
    """Heatmaps side by side on one colour scale; a cell's hover names its two texts by line number
    and preview. The axes are categories labelled with those previews, so the texts are sent once per
    axis rather than once per cell (500 texts of 4,000 characters per cell were gigabytes per panel)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    names = list(matrices)
    columns = max(1, min(columns, len(names)))
    rows = max(1, math.ceil(len(names) / columns))
    titles = [panel_title(name) for name in names]
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=titles,
        horizontal_spacing=0.04 if columns > 1 else 0.0,
        vertical_spacing=0.12 if rows > 1 else 0.0,
    )
    n = len(texts)
    labels = hover_labels(texts)
    # tick labels are line numbers, and only while they fit; the previews show on hover
    ticks = [str(i + 1) for i in range(n)] if n <= _MAX_TICK_LABELS else None
    zmin, zmax = shared_color_range(list(matrices.values()))
    for position, name in enumerate(names):
        row, col = divmod(position, columns)
        fig.add_trace(
            go.Heatmap(
                z=np.asarray(matrices[name], dtype=np.float32),  # sent as 4-byte floats; hovers show 3 decimals
                x=labels,
                y=labels,
                coloraxis="coloraxis",
                hovertemplate=(
                    f"<b>{html.escape(name)}</b><br>text %{{y}}<br>× text %{{x}}<br>cosine %{{z:.3f}}<extra></extra>"
                ),
            ),
            row=row + 1,
            col=col + 1,
        )
        fig.update_xaxes(constrain="domain", **_category_axis(labels, ticks), row=row + 1, col=col + 1)
        x_axis = "x" if position == 0 else f"x{position + 1}"
        fig.update_yaxes(
            autorange="reversed",
            scaleanchor=x_axis,  # square cells
            constrain="domain",
            **_category_axis(labels, ticks if col == 0 else None),
            row=row + 1,
            col=col + 1,
        )
    fig.update_layout(
        coloraxis=dict(colorscale="Viridis", cmin=zmin, cmax=zmax, colorbar=dict(title="cosine")),
        height=(400 if columns > 1 else 560) * rows,
        margin=dict(l=10, r=10, t=30 + 16 * max(t.count("<br>") + 1 for t in titles), b=10),
    )
    fig.update_annotations(font_size=13)
    return fig


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def speed_chart(rows: list[dict]):
    """A bar per model at its median ms per text over the timed passes, with an error bar from the
    fastest to the slowest pass (rows of `embeddings.tables.timing_table`; lower is faster)."""
    import plotly.graph_objects as go

    from hfcompare.embeddings.tables import COLD_MS_PER_TEXT, MODEL, MS_PER_TEXT_HIGH, MS_PER_TEXT_LOW, PASSES

    measured = [r for r in rows if _is_number(r.get(COLD_MS_PER_TEXT))]
    names = [r[MODEL] for r in measured]
    values = [float(r[COLD_MS_PER_TEXT]) for r in measured]
    lows = [float(r[MS_PER_TEXT_LOW]) if _is_number(r.get(MS_PER_TEXT_LOW)) else v for r, v in zip(measured, values)]
    highs = [float(r[MS_PER_TEXT_HIGH]) if _is_number(r.get(MS_PER_TEXT_HIGH)) else v
             for r, v in zip(measured, values)]
    passes = [str(r.get(PASSES) or "one pass") for r in measured]
    fig = go.Figure(go.Bar(
        x=values, y=escaped(names), orientation="h",
        error_x=dict(type="data", symmetric=False, array=[max(h - v, 0.0) for h, v in zip(highs, values)],
                     arrayminus=[max(v - lo, 0.0) for lo, v in zip(lows, values)], thickness=1.5, width=6),
        text=[f"{v:.2f} ms" for v in values], textposition="inside", insidetextanchor="start",
        customdata=list(zip(lows, highs, passes)),
        hovertemplate="%{y}<br>median %{x:.2f} ms/text<br>range %{customdata[0]:.2f}–%{customdata[1]:.2f}"
                      "<br>timed passes: %{customdata[2]}<extra></extra>",
    ))
    fig.update_layout(
        title=dict(text="Median ms per text over timed passes; whiskers: fastest to slowest pass", font=dict(size=13)),
        xaxis_title="ms per text, median of the timed passes (lower is faster)",
        height=150 + 40 * len(names),
        margin=dict(l=10, r=10, t=40, b=40),
        yaxis=dict(autorange="reversed"),
    )
    return fig


def latency_distribution(table):
    """A box per model of its answers' latencies, every answer shown as a point."""
    import plotly.express as px

    from hfcompare.generation.tables import ANSWER_LABELS, ERROR, LATENCY_S, MODEL, TOKENS_PER_S

    data = _escape_column(table[table[ERROR] == ""], MODEL)
    fig = px.box(data, x=MODEL, y=LATENCY_S, points="all", color=MODEL, hover_data=["prompt_number", TOKENS_PER_S],
                 labels=ANSWER_LABELS)
    fig.update_layout(showlegend=False, height=380, margin=dict(l=10, r=10, t=30, b=10),
                      yaxis_title="latency per answer (s, lower is faster)")
    return fig


def quality_against_speed(summary):
    """Pass rate against median tokens/s, one point per model (up and right is better)."""
    import plotly.express as px

    from hfcompare.generation.tables import (
        MEDIAN_LATENCY_S,
        MEDIAN_TOKENS_PER_S,
        MEDIAN_TTFT_S,
        MODEL,
        PASS_RATE,
        SUMMARY_LABELS,
    )

    data = _escape_column(summary.dropna(subset=[PASS_RATE, MEDIAN_TOKENS_PER_S]), MODEL)
    fig = px.scatter(data, x=MEDIAN_TOKENS_PER_S, y=PASS_RATE, text=MODEL, color=MODEL,
                     hover_data=[MEDIAN_LATENCY_S, MEDIAN_TTFT_S], labels=SUMMARY_LABELS)
    fig.update_traces(textposition="top center", marker=dict(size=14))
    fig.update_layout(showlegend=False, height=380, margin=dict(l=10, r=10, t=30, b=10),
                      yaxis=dict(range=[-0.05, 1.1], tickformat=".0%"),
                      xaxis_title="median tokens/s (faster →)", yaxis_title="checks passed")
    return fig


def score_against_size(frame, score: str, score_label: str):
    """Published score against parameter count (log scale), one point per model, as on the MTEB
    leaderboard. Models missing either figure are left out; the caller says how many."""
    import plotly.express as px

    data = frame.dropna(subset=[score, "parameters"]).copy()
    data["parameters (M)"] = data["parameters"].astype(float) / 1e6
    data["name"] = escaped(data["id"].str.split("/").str[-1])
    data["id"] = escaped(data["id"])
    colour = "benchmark" if "benchmark" in data and data["benchmark"].notna().any() else None
    fig = px.scatter(data, x="parameters (M)", y=score, text="name", log_x=True, color=colour,
                     hover_data={"id": True, "name": False, "license": True})
    fig.update_traces(textposition="top center", marker=dict(size=12), cliponaxis=False)
    fig.update_layout(height=460, margin=dict(l=10, r=40, t=30, b=10),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, title=None),
                      xaxis_title="parameters, millions (log scale; left is smaller and cheaper)",
                      yaxis_title=f"{score_label} (higher is better)")
    return fig


def interval_chart(table, metric: str):
    """Each model's mean `metric` with its 95% interval, best at the top."""
    import plotly.graph_objects as go

    data = table.sort_values(metric)
    fig = go.Figure(go.Scatter(
        x=data[metric], y=escaped(data["model"]), mode="markers",
        marker=dict(size=12),
        error_x=dict(type="data", symmetric=False, array=data[f"{metric} high"] - data[metric],
                     arrayminus=data[metric] - data[f"{metric} low"]),
        hovertemplate="%{y}: %{x:.3f}<extra></extra>",
    ))
    fig.update_layout(height=120 + 40 * len(data), margin=dict(l=10, r=10, t=30, b=10),
                      xaxis_title=f"{metric} with 95% interval (right is better)")
    return fig


def query_document_heatmaps(matrices: dict[str, np.ndarray], queries: list[str], documents: list[str],
                            relevant: np.ndarray, columns: int = 3):
    """Query-by-document cosine similarity per model on one colour scale; judged relevant pairs
    are circled, so a good model shows bright circles."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    names = list(matrices)
    columns = max(1, min(columns, len(names)))
    rows = max(1, math.ceil(len(names) / columns))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[panel_title(name) for name in names],
                        horizontal_spacing=0.04, vertical_spacing=0.12 if rows > 1 else 0.0)
    low = min(0.0, *(float(m.min()) for m in matrices.values()))
    # categories labelled "q3: preview" / "d7: preview": the hover reads them, so each query and
    # text is sent once per axis, not once per cell; the ticks show the short names
    q_labels, d_labels = hover_labels(queries, "q"), hover_labels(documents, "d")
    ys, xs = np.nonzero(relevant)
    for i, name in enumerate(names):
        row, col = i // columns + 1, i % columns + 1
        fig.add_trace(go.Heatmap(z=np.asarray(matrices[name], dtype=np.float32), x=d_labels, y=q_labels,
                                 zmin=low, zmax=1.0, colorscale="Viridis", showscale=i == 0,
                                 hovertemplate="query %{y}<br>text %{x}<br>cosine %{z:.3f}<extra></extra>"),
                      row=row, col=col)
        fig.add_trace(go.Scatter(x=[d_labels[j] for j in xs], y=[q_labels[j] for j in ys], mode="markers",
                                 marker=dict(symbol="circle-open", size=9, color="white", line=dict(width=2)),
                                 hoverinfo="skip", showlegend=False), row=row, col=col)
        fig.update_yaxes(autorange="reversed", row=row, col=col,
                         **_category_axis(q_labels, [f"q{j + 1}" for j in range(len(queries))] if col == 1 else None))
        fig.update_xaxes(row=row, col=col, **_category_axis(d_labels, None))
    fig.update_layout(height=max(320, 22 * len(queries)) * rows, margin=dict(l=10, r=10, t=40, b=10))
    return fig


def projection_scatter(points, title: str):
    """A 2D embedding map: texts (circles) and queries (diamonds), one colour per label, the text on
    hover. `points` has columns x, y, kind ('query'/'text'), label and text; selected points come
    back with their row number in customdata[2]."""
    import plotly.express as px
    import plotly.graph_objects as go

    from hfcompare.embeddings.tables import preview

    palette = px.colors.qualitative.Dark24
    fig = go.Figure()
    for n, (label, group) in enumerate(points.groupby("label", sort=False)):
        shown = [html.escape(preview(t, 160)) for t in group["text"]]
        fig.add_trace(go.Scatter(
            x=group["x"], y=group["y"], mode="markers", name=label,
            marker=dict(size=[11 if k == "query" else 8 for k in group["kind"]],
                        symbol=["diamond" if k == "query" else "circle" for k in group["kind"]],
                        color=palette[n % len(palette)], opacity=0.85, line=dict(width=0.5, color="white")),
            customdata=np.column_stack([shown, group["kind"], group.index.to_numpy()]),
            hovertemplate="%{customdata[1]}: %{customdata[0]}<extra></extra>",
        ))
    fig.update_layout(title=html.escape(title), height=520, margin=dict(l=10, r=10, t=40, b=10), dragmode="select",
                      legend=dict(font=dict(size=10), itemsizing="constant"))
    fig.update_xaxes(showticklabels=False)
    fig.update_yaxes(showticklabels=False)
    return fig


def contributions_chart(names: list[str], contributions: dict[str, list[float]], labels: dict[str, str]):
    """Each candidate's weighted score as a stacked bar of its criteria's contributions, best on top."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for key, values in contributions.items():
        fig.add_trace(go.Bar(y=escaped(names), x=values, name=html.escape(labels[key]), orientation="h",
                             hovertemplate="%{y}<br>" + html.escape(labels[key]) + ": %{x:.3f}<extra></extra>"))
    fig.update_layout(barmode="stack", height=140 + 36 * len(names), margin=dict(l=10, r=10, t=30, b=10),
                      xaxis=dict(range=[0, 1], title="weighted score (0 to 1, right is better)"),
                      yaxis=dict(autorange="reversed"), legend=dict(orientation="h", y=1.02, yanchor="bottom"))
    return fig


def radar_chart(names: list[str], normalized: dict[str, list[float | None]], labels: dict[str, str]):
    """Normalized values (1 = best candidate) per criterion, one outline per candidate; unknown
    values are left as gaps."""
    import plotly.graph_objects as go

    keys = list(normalized)
    theta = [labels[k] for k in keys] + [labels[keys[0]]]
    fig = go.Figure()
    for i, name in enumerate(names):
        r = [normalized[k][i] for k in keys]
        fig.add_trace(go.Scatterpolar(r=r + r[:1], theta=theta, name=html.escape(name), connectgaps=False,
                                      hovertemplate="%{theta}: %{r:.2f}<extra>" + html.escape(name) + "</extra>"))
    fig.update_layout(height=460, margin=dict(l=40, r=40, t=30, b=30),
                      polar=dict(radialaxis=dict(range=[0, 1], tickvals=[0, 0.5, 1])),
                      legend=dict(orientation="h", yanchor="top", y=-0.08, x=0))  # below: the circle keeps its room
    return fig


def stability_chart(names: list[str], shares):
    """How often each candidate landed at each rank under random weight changes (stacked to 100%)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for rank in range(shares.shape[1]):
        fig.add_trace(go.Bar(y=escaped(names), x=shares[:, rank], orientation="h", name=f"rank {rank + 1}",
                             hovertemplate="%{y}: rank " + str(rank + 1) + " in %{x:.0%} of samples<extra></extra>"))
    fig.update_layout(barmode="stack", height=140 + 36 * len(names), margin=dict(l=10, r=10, t=30, b=10),
                      xaxis=dict(range=[0, 1], tickformat=".0%", title="share of weight samples"),
                      yaxis=dict(autorange="reversed"), legend=dict(orientation="h", y=1.02, yanchor="bottom"))
    return fig


def over_time_chart(frame, column: str, title: str, percent: bool = False):
    """One line per model over time buckets. A single bucket gets a 10-minute window with minute
    ticks (plotly would zoom into milliseconds around one point)."""
    import pandas as pd
    import plotly.express as px

    fig = px.line(_escape_column(frame, "model"), x="time", y=column, color="model", markers=True, title=title)
    fig.update_layout(height=340, margin=dict(l=10, r=10, t=40, b=10), xaxis_title=None,
                      legend=dict(title=None, orientation="h", yanchor="top", y=-0.15, x=0),
                      yaxis=dict(tickformat=".0%" if percent else None, rangemode="tozero"))
    times = pd.to_datetime(frame["time"]).drop_duplicates()
    if len(times) == 1:
        only = times.iloc[0]
        fig.update_xaxes(range=[only - pd.Timedelta(minutes=5), only + pd.Timedelta(minutes=5)], tickformat="%H:%M")
    return fig
