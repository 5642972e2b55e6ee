"""The public API as the README and docs/library.md document it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
LIBRARY = (ROOT / "docs" / "library.md").read_text()


def _library_blocks() -> list[str]:
    """The README's library example, then docs/library.md's examples before "Adding a backend"."""
    readme = README.split("## Library\n", 1)[1].split("\n## ", 1)[0]
    docs = LIBRARY.split("\n## Adding a backend", 1)[0]
    return [block for section in (readme, docs) for block in re.findall(r"```python\n(.*?)```", section, re.S)]


def test_the_documented_top_level_names_import():
    import hfcompare
    from hfcompare import monitoring  # noqa: F401 - documented as `from hfcompare import monitoring`

    assert callable(hfcompare.embed) and callable(hfcompare.generate)
    assert hfcompare.ModelRef.parse("local:x").model == "x"


def test_every_import_in_the_library_examples_works():
    lines = [line for block in _library_blocks() for line in block.splitlines()
             if re.match(r"\s*(from hfcompare|import hfcompare)", line)]
    assert len(lines) >= 6
    for line in lines:
        exec(line.split("#")[0].strip(), {})  # noqa: S102 - our own docs


@pytest.mark.slow
def test_the_docs_evaluation_catalog_and_scoring_example_gives_what_it_says():
    block = next(b for b in _library_blocks() if "parse_test_suite" in b)
    namespace: dict = {}
    for statement in re.split(r"\n(?=\S)", block):  # one top-level statement at a time
        if statement.startswith(("{", "figure.value", "ranked.winner")):
            continue
        exec(statement, namespace)  # noqa: S102 - our own docs
    results = {str(r.ref): round(r.metrics["ndcg@10"], 3) for r in namespace["results"]}
    assert results == {"local:sentence-transformers/all-MiniLM-L6-v2": 1.0, "lexical:tfidf": 0.815}
    figure = namespace["figure"]
    assert (figure.value, figure.benchmark) == (62.17, "MTEB English v1 (56 datasets)")
    assert figure.source.url.startswith("https://huggingface.co/")
    assert namespace["ranked"].winner == "a"
    assert [round(s, 3) for s in namespace["ranked"].scores] == [0.847, 0.82]
