"""Untrusted text (model names from links, server answers) shown through Markdown-rendering widgets."""

from __future__ import annotations

import string

_ESCAPES = str.maketrans({ch: "\\" + ch for ch in string.punctuation})


def literal(text: str) -> str:
    """`text` with every ASCII punctuation mark backslash-escaped, so Markdown shows it as typed:
    no links, images, emphasis, colours or HTML come out of it (CommonMark lets any ASCII
    punctuation be escaped)."""
    return str(text).translate(_ESCAPES)
