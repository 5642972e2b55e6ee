"""Untrusted text (model names from links, server answers, Hub cards) shown through Markdown-rendering
widgets: escaped so it shows as typed and can load nothing."""

from __future__ import annotations

import re
import string

_ESCAPES = str.maketrans({ch: "\\" + ch for ch in string.punctuation})
#: U+2060 WORD JOINER: invisible, and not part of a URL, so it stops GitHub-flavoured autolinks.
WORD_JOINER = "\u2060"
#: Where Streamlit's Markdown (remark-gfm) would turn plain text into a link, even escaped: it finds
#: `http://`, `https://`, `www.` and `name@domain` in the text after escapes are resolved.
_AUTOLINK = re.compile(r"(\\:)(?=\\/\\/)|(?<![^\W_])(www)(?=\\\.)|(\\@)", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)")
# The closing #s are stripped in Python: `(.*?)\s*#*\s*$` backtracks in cubic time on a heading line of many
# spaces (2,000 took 19 s), and the text is a Hub card, anyone's.
_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*)$")


def literal(text: str) -> str:
    """`text` with every ASCII punctuation mark backslash-escaped, so Markdown shows it as typed:
    no links, images, emphasis, colours or HTML come out of it (CommonMark lets any ASCII
    punctuation be escaped). Bare addresses (`http://…`, `www.…`, `a@b.c`) would still become
    clickable links, so an invisible word joiner is put inside each: they read the same, and stay
    text."""
    escaped = str(text).translate(_ESCAPES)
    return _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2) or m.group(3)) + WORD_JOINER, escaped)


def safe_markdown(text: str, bold_headings: bool = False) -> str:
    """Untrusted multi-line text (a model's answer, a model card's section) as Markdown that keeps
    only what cannot load anything: line breaks, and fenced code blocks (their content is shown
    as typed, and every block is closed here). Everything else is escaped with `literal`, so
    images, links, raw HTML and reference definitions show as the characters they are. With
    `bold_headings`, heading lines become bold lines (escaped too)."""
    out: list[str] = []
    fence = ""
    for line in str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _FENCE.match(line)
        if fence:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip().strip(fence[0]):
                out.append(fence)
                fence = ""
            else:
                out.append(line)
            continue
        if match:
            fence = "`" * max(3, len(match.group(1))) if match.group(1)[0] == "`" else "~" * max(3, len(match.group(1)))
            out.append(fence + match.group(2))
            continue
        heading = _HEADING.match(line) if bold_headings else None
        if heading:
            title = heading.group(1).rstrip().rstrip("#").rstrip()
            out.append(f"**{literal(title)}**" if title else "")
        else:
            out.append(literal(line.strip()) + "  " if line.strip() else "")
    if fence:
        out.append(fence)
    return "\n".join(out)
