"""Texts in result tables: a line number and a short preview, so no table grows with the texts' length."""

from __future__ import annotations

import numpy as np

from hfcompare.config import MAX_CHARS_PER_TEXT, MAX_MODELS
from hfcompare.embeddings.similarity import cosine_matrix, top_k
from hfcompare.embeddings.tables import (
    PREVIEW_CHARS,
    neighbours_table,
    pairs_table,
    preview,
    text_label,
    top1_table,
)


def test_preview_keeps_short_texts_and_cuts_long_ones_with_an_ellipsis():
    assert preview("How do I create an invoice?") == "How do I create an invoice?"
    assert preview("  two\tspaces \n and   a tab ") == "two spaces and a tab"
    cut = preview("word " * 100)
    assert len(cut) <= PREVIEW_CHARS and cut.endswith("…") and not cut.endswith(" …")
    assert preview("x" * PREVIEW_CHARS) == "x" * PREVIEW_CHARS  # exactly the limit: whole
    assert preview("abcdef", limit=4) == "abc…"
    assert text_label(11, "hello") == "12: hello"


def long_texts(n: int) -> list[str]:
    return [(f"Text {i + 1} " + "lorem ipsum dolor " * 300)[:MAX_CHARS_PER_TEXT] for i in range(n)]


def test_tables_of_long_texts_carry_previews_not_whole_texts():
    n = 60
    texts = long_texts(n)
    rng = np.random.default_rng(0)
    matrices = {f"m{m}": cosine_matrix(rng.normal(size=(n, 8))) for m in range(MAX_MODELS)}
    longest = len(f"{n}: ") + PREVIEW_CHARS + len("  (-0.00)")

    top1 = top1_table(texts, matrices)
    assert list(top1["#"]) == list(range(1, n + 1))
    assert top1["text"].str.len().max() <= PREVIEW_CHARS and top1["text"][4].startswith("Text 5 ")
    for name in matrices:
        assert top1[name].str.len().max() <= longest
        best = int(top_k(matrices[name], 1)[0][0, 0])  # text 1's nearest other text
        assert top1[name][0].startswith(f"{best + 1}: Text {best + 1} ")

    near = neighbours_table(texts, matrices, 3, k=5)
    assert len(near) == 5 and all(near[name].str.len().max() <= longest for name in matrices)

    pairs = pairs_table(texts, matrices)
    assert len(pairs) == n * (n - 1) // 2
    assert pairs[["text A", "text B"]].apply(lambda c: c.str.len().max()).max() <= PREVIEW_CHARS
    row = pairs[(pairs["A"] == 3) & (pairs["B"] == 7)].iloc[0]
    assert row["text A"].startswith("Text 3 ") and row["text B"].startswith("Text 7 ")
    assert row["m0"] == round(float(matrices["m0"][2, 6]), 6)
