"""A standalone HTML report: tables, interactive plotly charts (plotly.js inlined, so it opens
offline), the inputs, weights, sources, hardware and date."""

from __future__ import annotations

import html
import os
import platform
from datetime import datetime, timezone

import pandas as pd

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } .meta { color: #666; font-size: 0.9rem; } p.lead { font-size: 1.05rem; }
"""


def hardware() -> str:
    """Where this report was made: CPU count, machine and OS."""
    return f"{os.cpu_count()} CPU cores, {platform.machine()}, {platform.system()} {platform.release()}, " \
           f"Python {platform.python_version()}"


def _number(value: float) -> str:
    """Three decimals, or three significant digits for a small number that three decimals would show as
    0.000 (a cost of $0.0000931 per 1,000 requests is not free)."""
    return f"{value:.3g}" if value != 0 and abs(value) < 0.001 else f"{value:.3f}"


def _table(frame: pd.DataFrame) -> str:
    """A table; a missing value shows as "unknown", never as 0 or blank."""
    return frame.to_html(index=False, escape=True, na_rep="unknown", float_format=_number)


def build_report(title: str, summary: str, sections: list[tuple[str, object]], generated: datetime | None = None) -> str:
    """The report as one HTML page. `sections` are (heading, content) where content is a
    DataFrame, a plotly Figure, or text (escaped)."""
    generated = generated or datetime.now(timezone.utc)
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p class='meta'>Made by hfcompare on {generated:%Y-%m-%d %H:%M} UTC · {html.escape(hardware())}</p>",
             f"<p class='lead'>{html.escape(summary.replace('**', ''))}</p>"]
    plotly_included = False
    for heading, content in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2>")
        if isinstance(content, pd.DataFrame):
            parts.append(_table(content))
        elif hasattr(content, "to_html"):
            parts.append(content.to_html(full_html=False, include_plotlyjs=not plotly_included))
            plotly_included = True
        else:
            parts.append(f"<p>{html.escape(str(content))}</p>")
    body = "\n".join(parts)
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")
